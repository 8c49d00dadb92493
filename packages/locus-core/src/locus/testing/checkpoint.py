"""The checkpointer conformance suite (pytest).

Subclass :class:`CheckpointerConformance` in a test module (its name starts
with ``Test`` so pytest collects it) and implement :meth:`make_checkpointer`;
every test of the suite then runs against your backend. Needs ``pytest`` and
``pytest-asyncio``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from locus.checkpoint._base import BaseCheckpointer, CheckpointRecord
from locus.core.errors import (
    CheckpointError,
    CheckpointNotFoundError,
    ValidationError,
)
from locus.core.messages import ContentPart, Message, Role, ToolCall
from locus.core.protocols import CheckpointerCapabilities, CheckpointerProtocol
from locus.core.state import AgentState, IdempotencyRecord, TokenUsage, ToolExecution
from locus.testing._checkpoint_bad_data import BadDataConformance
from locus.testing._checkpoint_concurrency import ConcurrencyConformance
from locus.testing._checkpoint_delta import DeltaConformance

__all__ = ["CheckpointerConformance", "sample_state"]

UNICODE = 'héllo wörld — 你好 — مرحبا — 🦜🔗 — e\u0301 — \u2028 — "quotes" \\ back'


def sample_state(tag: str = "x", *, size: int = 0) -> AgentState:
    """An :class:`AgentState` with every field set to a non-default value.

    Args:
        tag: Text mixed into the content, to tell states apart.
        size: Extra characters of message content (for large-state tests).
    """
    call = ToolCall(id="call_1", name="lookup", arguments={"q": tag, "n": [1, 2.5, None]})
    return AgentState(
        run_id=f"run-{tag}",
        thread_id=f"thread-{tag}",
        messages=[
            Message.system("You are terse."),
            Message(
                role=Role.USER,
                content=f"{tag} {UNICODE}" + ("z" * size),
                parts=[ContentPart(type="image", image_url="data:image/png;base64,AAAA")],
            ),
            Message(role=Role.ASSISTANT, content=None, tool_calls=[call], reasoning="think"),
            Message(role=Role.TOOL, content="42", tool_call_id="call_1", name="lookup"),
        ],
        tool_executions=[
            ToolExecution(
                tool_call_id="call_1",
                name="lookup",
                arguments={"q": tag},
                result="42",
                error="boom?",
                iteration=1,
                duration_ms=1.5,
                cached=True,
                in_doubt=True,
                run_id=f"run-{tag}",
            )
        ],
        iteration=3,
        confidence=0.75,
        token_usage=TokenUsage(
            prompt_tokens=10,
            completion_tokens=5,
            total_tokens=15,
            cache_read_tokens=1,
            cache_write_tokens=2,
            reasoning_tokens=3,
        ),
        idempotency={
            "lookup:abc": IdempotencyRecord(
                key="lookup:abc",
                tool_name="lookup",
                arguments_json='{"q":"x"}',
                status="done",
                content="42",
                value={"answer": 42},
                run_id=f"run-{tag}",
                created_at=1.0,
                expires_at=2e10,
            )
        },
        status="interrupted",
        stop_reason="max_iterations",
        grounding_score=0.5,
        structured_output={"answer": [1, "two", {"three": 3.0}]},
        started_at=123.25,
        metadata={"graph": {"node": "a"}, "unicode": UNICODE},
    )


@pytest.mark.asyncio
class CheckpointerConformance(ConcurrencyConformance, BadDataConformance, DeltaConformance):
    """Behaviour every locus checkpointer must have.

    Includes the concurrency suite (:class:`ConcurrencyConformance`:
    compare-and-set saves, thread leases, ``concurrent_runs`` agent runs racing
    on one thread) and the bad-data suite (:class:`BadDataConformance`: corrupt
    records, schema migration, hostile ids, damaged stored fields) and the
    delta suite (:class:`DeltaConformance`: long threads, forks and time
    travel on delta chains, prune across a snapshot boundary, TTL, a corrupt
    or missing base named in the error, a second instance, history items
    edited in place after a save). Override
    :meth:`make_checkpointer` (and :meth:`close_checkpointer` when closing
    needs more than ``aclose()``). Backends that can only store valid
    JSON set ``stores_raw_text = False``.
    """

    stores_raw_text: bool = True
    """Whether the store accepts a payload that is not valid JSON (JSONB columns do not)."""

    long_thread_saves: int = 100
    """Saves of the long-thread delta case (3 messages each); lower it for a store
    where every operation is a slow round trip (the case stays the same)."""

    concurrent_saves: int = 20
    """How many saves the concurrent-writers test races on one thread."""

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        """Build a fresh, empty checkpointer; pass ``options`` (``ttl``...) to it."""
        raise NotImplementedError(
            "subclass CheckpointerConformance and implement make_checkpointer"
        )

    async def close_checkpointer(self, checkpointer: BaseCheckpointer) -> None:
        """Release the checkpointer after a test."""
        await checkpointer.aclose()

    @pytest_asyncio.fixture
    async def checkpointer(self, tmp_path: Path) -> AsyncIterator[BaseCheckpointer]:
        """A fresh checkpointer from :meth:`make_checkpointer`."""
        cp = await self.make_checkpointer(tmp_path)
        try:
            yield cp
        finally:
            await self.close_checkpointer(cp)

    @staticmethod
    def tid(name: str = "t") -> str:
        """A thread id unique to this test (shared servers see many tests)."""
        return f"{name}-{uuid.uuid4().hex[:10]}"

    # -- protocol -------------------------------------------------------------------

    async def test_implements_protocol(self, checkpointer: BaseCheckpointer) -> None:
        assert isinstance(checkpointer, CheckpointerProtocol)
        caps = checkpointer.capabilities
        assert isinstance(caps, CheckpointerCapabilities)
        assert caps.history
        assert caps.time_travel
        assert caps.fork
        assert caps.list_threads
        assert caps.delete_thread
        assert caps.ttl

    async def test_empty_thread(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        assert await checkpointer.load(t) is None
        assert await checkpointer.list_checkpoints(t) == []
        assert await checkpointer.history(t) == []

    async def test_round_trip_every_field(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        state = sample_state("rt")
        cid = await checkpointer.save(state, t)
        assert isinstance(cid, str)
        assert cid
        loaded = await checkpointer.load(t)
        assert loaded is not None
        assert loaded.model_dump() == state.model_dump()
        assert loaded.messages[1].content is not None
        assert UNICODE in loaded.messages[1].content

    async def test_unicode_ids_and_content(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid("thread/with spaces:ü🦜")
        cid = await checkpointer.save(sample_state("ü"), t, "ckpt/é 1", metadata={"k": UNICODE})
        assert cid == "ckpt/é 1"
        loaded = await checkpointer.load(t, cid)
        assert loaded is not None
        assert loaded.metadata["unicode"] == UNICODE
        assert (await checkpointer.history(t))[0].metadata == {"k": UNICODE}
        assert t in await checkpointer.list_threads()

    async def test_large_state(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        state = sample_state("big", size=10 * 1024 * 1024)
        await checkpointer.save(state, t)
        loaded = await checkpointer.load(t)
        assert loaded is not None
        assert loaded.messages[1].content == state.messages[1].content

    async def test_no_aliasing(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        state = sample_state("a")
        await checkpointer.save(state, t, metadata={"m": [1]})
        state.messages.append(Message.user("later"))
        state.metadata["graph"]["node"] = "changed"
        loaded = await checkpointer.load(t)
        assert loaded is not None
        assert len(loaded.messages) == 4
        assert loaded.metadata["graph"]["node"] == "a"
        loaded.messages.clear()
        (await checkpointer.history(t))[0].metadata["m"].append(2)
        again = await checkpointer.load(t)
        assert again is not None
        assert len(again.messages) == 4
        assert (await checkpointer.history(t))[0].metadata == {"m": [1]}

    # -- listing, history, time travel ------------------------------------------------

    async def test_newest_first_and_limit(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        ids = [await checkpointer.save(AgentState(iteration=i), t) for i in range(5)]
        assert await checkpointer.list_checkpoints(t) == ids[::-1]
        assert await checkpointer.list_checkpoints(t, limit=2) == [ids[4], ids[3]]
        latest = await checkpointer.load(t)
        assert latest is not None
        assert latest.iteration == 4

    async def test_history_parent_links_and_metadata(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        before = time.time()
        a = await checkpointer.save(AgentState(iteration=1), t, metadata={"step": 1})
        b = await checkpointer.save(AgentState(iteration=2), t, metadata={"step": 2})
        c = await checkpointer.save(AgentState(iteration=3), t)
        hist = await checkpointer.history(t)
        assert [h.checkpoint_id for h in hist] == [c, b, a]
        assert [h.parent_id for h in hist] == [b, a, None]
        assert [h.metadata for h in hist] == [{}, {"step": 2}, {"step": 1}]
        assert all(h.thread_id == t and h.schema_version == 1 for h in hist)
        assert all(h.created_at >= before - 5 for h in hist)
        assert len(await checkpointer.history(t, limit=1)) == 1

    async def test_time_travel(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        first = await checkpointer.save(AgentState(iteration=1), t)
        await checkpointer.save(AgentState(iteration=2), t)
        old = await checkpointer.load(t, first)
        assert old is not None
        assert old.iteration == 1

    async def test_read_many_returns_found_records(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        a = await checkpointer.save(AgentState(iteration=1), t)
        await checkpointer.save(AgentState(iteration=2), t)
        c = await checkpointer.save(AgentState(iteration=3), t, metadata={"m": 3})
        await checkpointer.save(AgentState(iteration=4), self.tid("other"), a)
        found = await checkpointer._read_many(t, [c, "missing", a])
        assert sorted(r.checkpoint_id for r in found) == sorted([a, c])
        assert all(r.thread_id == t for r in found)
        by_id = {r.checkpoint_id: r for r in found}
        assert by_id[c].metadata == {"m": 3}
        assert by_id[a].parent_id is None
        assert await checkpointer._read_many(t, []) == []
        assert await checkpointer._read_many(self.tid("empty"), [a]) == []

    async def test_missing_checkpoint_id(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        with pytest.raises(CheckpointNotFoundError) as info:
            await checkpointer.load(t, "nope")
        assert "nope" in str(info.value)
        await checkpointer.save(AgentState(), t)
        with pytest.raises(CheckpointNotFoundError):
            await checkpointer.load(t, "nope")

    async def test_explicit_id_replaces_and_becomes_newest(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        await checkpointer.save(AgentState(iteration=1), t, "fixed")
        other = await checkpointer.save(AgentState(iteration=2), t)
        await checkpointer.save(AgentState(iteration=3), t, "fixed")
        assert await checkpointer.list_checkpoints(t) == ["fixed", other]
        loaded = await checkpointer.load(t, "fixed")
        assert loaded is not None
        assert loaded.iteration == 3

    async def test_thread_isolation(self, checkpointer: BaseCheckpointer) -> None:
        t1, t2 = self.tid("a"), self.tid("b")
        await checkpointer.save(AgentState(iteration=1), t1, "same-id")
        await checkpointer.save(AgentState(iteration=2), t2, "same-id")
        s1, s2 = await checkpointer.load(t1), await checkpointer.load(t2, "same-id")
        assert s1 is not None
        assert s1.iteration == 1
        assert s2 is not None
        assert s2.iteration == 2
        assert await checkpointer.list_checkpoints(t1) == ["same-id"]

    async def test_fork(self, checkpointer: BaseCheckpointer) -> None:
        t, t2 = self.tid(), self.tid("fork")
        first = await checkpointer.save(sample_state("f"), t, metadata={"m": 1})
        await checkpointer.save(AgentState(iteration=9), t)
        new_id = await checkpointer.fork(t, first, t2)
        forked = await checkpointer.load(t2)
        assert forked is not None
        assert forked.thread_id == t2
        assert forked.iteration == 3
        info = (await checkpointer.history(t2))[0]
        assert info.checkpoint_id == new_id
        assert info.parent_id is None
        assert info.metadata["forked_from"] == {"thread_id": t, "checkpoint_id": first}
        assert len(await checkpointer.list_checkpoints(t)) == 2  # source untouched
        with pytest.raises(CheckpointError):
            await checkpointer.fork(t, first, t2)
        with pytest.raises(CheckpointNotFoundError):
            await checkpointer.fork(t, "missing", self.tid("other"))

    # -- threads, deletion, retention -------------------------------------------------

    async def test_list_and_delete_threads(self, checkpointer: BaseCheckpointer) -> None:
        t1, t2 = self.tid("a"), self.tid("b")
        await checkpointer.save(AgentState(), t1)
        await checkpointer.save(AgentState(), t1)
        await checkpointer.save(AgentState(), t2)
        threads = await checkpointer.list_threads()
        assert t1 in threads
        assert t2 in threads
        assert await checkpointer.delete_thread(t1) == 2
        assert await checkpointer.load(t1) is None
        assert t1 not in await checkpointer.list_threads()
        assert await checkpointer.load(t2) is not None
        assert await checkpointer.delete_thread(t1) == 0

    async def test_prune(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        ids = [await checkpointer.save(AgentState(iteration=i), t) for i in range(6)]
        assert await checkpointer.prune(t, keep_latest=2) == 4
        assert await checkpointer.list_checkpoints(t) == [ids[5], ids[4]]
        assert await checkpointer.prune(t, keep_latest=5) == 0
        with pytest.raises(ValidationError):
            await checkpointer.prune(t, keep_latest=-1)

    async def test_ttl_sets_expiry(self, tmp_path: Path) -> None:
        cp = await self.make_checkpointer(tmp_path, ttl=3600)
        try:
            t = self.tid()
            await cp.save(AgentState(), t)
            info = (await cp.history(t))[0]
            assert info.expires_at is not None
            # a chain expires as one: each checkpoint lives at least ttl, at most ttl * 1.1
            assert 3599.5 <= info.expires_at - info.created_at <= 3960.5
        finally:
            await self.close_checkpointer(cp)

    async def test_expired_checkpoints_are_hidden(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        keep = await checkpointer.save(AgentState(iteration=1), t)
        payload = checkpointer.serde.dumps(AgentState(iteration=2))
        now = time.time()
        await checkpointer.copy_record(
            CheckpointRecord(t, "old", payload, created_at=now, expires_at=now - 10)
        )
        assert await checkpointer.list_checkpoints(t) == [keep]
        latest = await checkpointer.load(t)
        assert latest is not None
        assert latest.iteration == 1
        with pytest.raises(CheckpointNotFoundError):
            await checkpointer.load(t, "old")

    # -- concurrent writers -----------------------------------------------------------

    async def test_concurrent_writers_one_thread(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        n = self.concurrent_saves
        ids = await asyncio.gather(*(checkpointer.save(sample_state(f"w{i}"), t) for i in range(n)))
        assert len(set(ids)) == n
        listed = await checkpointer.list_checkpoints(t, limit=n + 5)
        assert sorted(listed) == sorted(ids)
        for i, cid in enumerate(ids):
            loaded = await checkpointer.load(t, cid)
            assert loaded is not None
            assert loaded.run_id == f"run-w{i}"
        if type(checkpointer).assigns_parent:
            # the backend links parents atomically: the history is one chain
            hist = await checkpointer.history(t)
            chain = [h.checkpoint_id for h in hist]
            assert [h.parent_id for h in hist] == [*chain[1:], None]
