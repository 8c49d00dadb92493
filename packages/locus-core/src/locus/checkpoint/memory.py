"""In-process checkpointer: fast, nothing survives the process.

Example:
    >>> import asyncio
    >>> from locus.checkpoint.memory import MemoryCheckpointer
    >>> from locus.core.state import AgentState
    >>> cp = MemoryCheckpointer()
    >>> cid = asyncio.run(cp.save(AgentState(iteration=1), "t1"))
    >>> asyncio.run(cp.load("t1")).iteration
    1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from locus.checkpoint._base import BaseCheckpointer, CheckpointInfo, CheckpointRecord
from locus.checkpoint._decode import checked

__all__ = ["MemoryCheckpointer", "from_url"]


class MemoryCheckpointer(BaseCheckpointer):
    """Keeps checkpoints in a dict of the process.

    States are stored serialised (the same envelope as durable backends), so a
    saved state never aliases the caller's object and anything that would not
    survive a real backend fails here too.

    Args:
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "memory"
    assigns_parent: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._threads: dict[str, dict[str, CheckpointRecord]] = {}

    async def _write(self, record: CheckpointRecord) -> None:
        thread = self._threads.setdefault(record.thread_id, {})
        thread.pop(record.checkpoint_id, None)  # a replaced checkpoint becomes the newest
        record.parent_id = next(reversed(thread), None)
        thread[record.checkpoint_id] = replace(record, metadata=_copy(record.metadata))

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        thread = self._threads.get(thread_id)
        if not thread:
            return None
        if checkpoint_id is None:
            record = thread[next(reversed(thread))]
        else:
            found = thread.get(checkpoint_id)
            if found is None:
                return None
            record = found
        return replace(record, metadata=_copy(record.metadata))

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        thread = self._threads.get(thread_id)
        if not thread:
            return []
        out: list[CheckpointInfo] = []
        for cid in reversed(thread):
            if limit is not None and len(out) >= limit:
                break
            out.append(checked(thread[cid]).info().model_copy(deep=True))
        return out

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        thread = self._threads.get(thread_id)
        if not thread:
            return 0
        if checkpoint_ids is None:
            del self._threads[thread_id]
            return len(thread)
        n = sum(1 for cid in checkpoint_ids if thread.pop(cid, None) is not None)
        if not thread:
            del self._threads[thread_id]
        return n

    async def _list_threads(self) -> list[str]:
        return list(self._threads)


def _copy(metadata: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(metadata) if metadata else {}


def from_url(url: str, **options: Any) -> MemoryCheckpointer:
    """Factory for ``memory://`` (the URL carries nothing else)."""
    return MemoryCheckpointer(**options)
