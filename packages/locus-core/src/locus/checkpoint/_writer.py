"""What a save writes: a delta on the cached base when that is cheaper, else a snapshot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_core import PydanticSerializationError

from locus.checkpoint._delta import Base, encode_delta, remember, rest_of
from locus.core._edits import current_epoch
from locus.core.errors import CheckpointConflictError, CheckpointSerializationError
from locus.core.state import AgentState

if TYPE_CHECKING:
    from locus.checkpoint._storage import CheckpointStorage

__all__ = ["TTL_SLACK", "conflict", "encode"]

TTL_SLACK = 0.1
"""With a ttl, a chain's records expire together ``ttl * (1 + TTL_SLACK)`` after its
snapshot, and deltas are written on it only while that leaves each at least ``ttl``."""


def _usable(cp: CheckpointStorage, base: Base | None, now: float) -> Base | None:
    if base is None or base.version != cp.serde.schema_version:
        return None
    if len(base.ancestors) + 1 > cp.snapshot_every:
        return None
    if cp.ttl is not None and (base.expires_at is None or now + cp.ttl > base.expires_at):
        return None  # a delta must not outlive its chain
    return base


def encode(
    cp: CheckpointStorage, state: AgentState, checkpoint_id: str, base: Base | None, now: float
) -> tuple[str, Base]:
    """The payload to store for ``state`` and the :class:`Base` it leaves for the next save.

    A snapshot when ``base`` is unusable (none, another schema, a long
    chain, a ttl it cannot outlive) or the edit log no longer tells which of
    its items were edited in place since it was taken.

    Raises:
        locus.core.errors.CheckpointSerializationError: ``state`` holds a value
            that cannot be written as JSON.
    """
    epoch = current_epoch()  # before reading the items: a later edit is seen by the next save
    base = _usable(cp, base, now)
    unedited = None if base is None else base.unedited()
    try:
        rest = rest_of(state)
        if base is not None and unedited is not None:
            delta = encode_delta(state, base, rest, unedited)
            snapshot_bytes = base.full_bytes - base.chain_bytes
            if base.chain_bytes + len(delta) <= cp.delta_max_fraction * snapshot_bytes:
                return delta, remember(
                    state,
                    checkpoint_id,
                    version=base.version,
                    ancestors=(*base.ancestors, base.checkpoint_id),
                    rest=rest,
                    full_bytes=base.full_bytes + len(delta),
                    chain_bytes=base.chain_bytes + len(delta),
                    expires_at=base.expires_at,
                    epoch=epoch,
                )
    except (PydanticSerializationError, ValueError, TypeError, RecursionError) as exc:
        raise CheckpointSerializationError(
            f"cannot checkpoint the state of thread {state.thread_id!r}: {exc} (values set on "
            "the state directly must be JSON-compatible and less deeply nested)",
            cause=exc,
        ) from exc
    payload = cp.serde.dumps(state)
    expires = None if cp.ttl is None else now + cp.ttl * (1 + TTL_SLACK)
    return payload, remember(
        state,
        checkpoint_id,
        version=cp.serde.schema_version,
        ancestors=(),
        rest=rest,
        full_bytes=len(payload),
        chain_bytes=0,
        expires_at=expires,
        epoch=epoch,
    )


async def conflict(
    cp: CheckpointStorage, thread_id: str, expect_parent: str | None
) -> CheckpointConflictError:
    """The error of a compare-and-set save that found another head (nothing was written)."""
    head = await cp._list(thread_id, 1)
    actual = head[0].checkpoint_id if head else None
    return CheckpointConflictError(
        f"thread {thread_id!r} moved on: its newest checkpoint is {actual!r}, not "
        f"{expect_parent!r} this save was based on (another run wrote to it). "
        "Nothing was saved; reload the thread and retry, or let runs take turns "
        "with on_busy='enqueue'",
        thread_id=thread_id,
        expected_parent=expect_parent,
        actual_parent=actual,
    )
