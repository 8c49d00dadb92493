"""Delta checkpoints: part of the checkpointer suite.

Mixed into :class:`locus.testing.CheckpointerConformance`; not used on its own.
Every backend stores deltas through its five primitives, so each case here
runs against each backend's real store.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from locus.checkpoint._base import BaseCheckpointer, CheckpointRecord
from locus.checkpoint._delta import is_delta
from locus.core._edits import EDIT_LOG_SIZE
from locus.core.errors import CheckpointSerializationError
from locus.core.messages import Message
from locus.core.state import AgentState, IdempotencyRecord, ToolExecution


def _turn(state: AgentState, i: int) -> None:
    """One agent turn: three messages, a tool execution; fields and the ledger move too."""
    state.messages.append(Message.user(f"question {i} " + "ü" * (i % 7)))
    state.messages.append(Message.assistant(f"answer {i}"))
    state.messages.append(Message.assistant(f"follow-up {i}"))
    state.tool_executions.append(ToolExecution(tool_call_id=f"c{i}", name="f", result=str(i)))
    state.iteration = i
    state.token_usage.prompt_tokens += 10
    state.metadata["turn"] = i
    key = f"k{i % 3}"
    if key in state.idempotency:
        state.idempotency[key].status = "done"  # the ledger completes records in place
        state.idempotency[key].content = f"done {i}"
    else:
        state.idempotency[key] = IdempotencyRecord(key=key, tool_name="f", arguments_json="{}")
    if i % 5 == 4:
        state.idempotency.pop("k0", None)


def _dump(state: AgentState) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(state.model_dump_json())  # faster than model_dump here
    return value


class DeltaConformance:
    """Long threads, forks, time travel, prune, TTL and in-place edits across delta chains."""

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        raise NotImplementedError  # CheckpointerConformance's (the subclass's) wins

    async def close_checkpointer(self, checkpointer: BaseCheckpointer) -> None:
        raise NotImplementedError

    @staticmethod
    def tid(name: str = "t") -> str:  # the suite's own tid() (same behaviour) wins in the MRO
        """A thread id unique to this test."""
        return f"{name}-{uuid.uuid4().hex[:10]}"

    async def _thread(
        self, cp: BaseCheckpointer, t: str, turns: int, state: AgentState | None = None
    ) -> tuple[AgentState, list[tuple[str, dict[str, Any]]]]:
        if state is None:  # a long system prompt: deltas are small next to a snapshot
            state = AgentState(thread_id=t, messages=[Message.system("Be terse. " * 2000)])
        saved: list[tuple[str, dict[str, Any]]] = []
        for i in range(turns):
            _turn(state, i)
            saved.append((await cp.save(state, t), _dump(state)))
        return state, saved

    async def test_long_thread_every_checkpoint_loads(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        n = self.long_thread_saves
        _, saved = await self._thread(checkpointer, t, n)  # 3 messages a save: 301 by default
        records = await checkpointer._read_many(t, [cid for cid, _ in saved])
        deltas = sum(1 for r in records if is_delta(r.payload))
        assert deltas > n * 0.7  # most saves wrote only what changed
        every = checkpointer.snapshot_every  # periodic snapshots bound the chains:
        assert len(records) - deltas >= 1 + (n - 1) // (every + 1)
        for cid, expected in saved:
            loaded = await checkpointer.load(t, cid)
            assert loaded is not None
            assert _dump(loaded) == expected, cid
        latest = await checkpointer.load(t)
        assert latest is not None
        assert _dump(latest) == saved[-1][1]

    async def test_delta_is_small_and_load_record_is_full(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        state, saved = await self._thread(checkpointer, t, 12)
        records = await checkpointer._read_many(t, [cid for cid, _ in saved])
        head = max((r for r in records if is_delta(r.payload)), key=lambda r: r.created_at)
        full = checkpointer.serde.dumps(state)
        assert len(head.payload) < len(full) / 10
        record = await checkpointer.load_record(t)
        assert record is not None
        assert not is_delta(record.payload)
        back = checkpointer.serde.loads(record.payload, thread_id=t, checkpoint_id="x")
        assert _dump(back) == saved[-1][1]
        t2 = self.tid("copy")
        await checkpointer.copy_record(
            CheckpointRecord(t2, record.checkpoint_id, record.payload)
        )  # a materialised record stands alone
        copied = await checkpointer.load(t2)
        assert copied is not None
        assert _dump(copied) == saved[-1][1]

    async def test_replaced_message_and_fields_are_saved(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        state, _ = await self._thread(checkpointer, t, 10)
        state.messages[3] = state.messages[3].model_copy(update={"content": "edited"})
        del state.messages[-1]
        state.tool_executions = state.tool_executions[:2]
        state.idempotency.clear()
        state.status = "completed"
        state.structured_output = {"a": [1, None]}
        cid = await checkpointer.save(state, t)
        loaded = await checkpointer.load(t, cid)
        assert loaded is not None
        assert _dump(loaded) == _dump(state)

    async def _stored(self, cp: BaseCheckpointer, t: str, cid: str, other: str) -> AgentState:
        """Checkpoint ``cid`` as the store holds it: the cache is moved to ``other`` first."""
        assert await cp.load(t, other) is not None
        loaded = await cp.load(t, cid)
        assert loaded is not None
        record = await cp.load_record(t, cid)
        assert record is not None
        materialised = cp.serde.loads(record.payload, thread_id=t, checkpoint_id=cid)
        assert _dump(materialised) == _dump(loaded)
        return loaded

    async def test_message_edited_in_place_is_saved(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        state, saved = await self._thread(checkpointer, t, 6)
        before = saved[-1][0]
        state.messages[3].content = "redacted"  # a saved message, edited in place
        state.messages[3].name = "editor"
        cid = await checkpointer.save(state, t)
        record = await checkpointer._read(t, cid)
        assert record is not None
        assert is_delta(record.payload)  # still a delta: from the edited message on
        edited = await self._stored(checkpointer, t, cid, before)
        assert edited.messages[3].content == "redacted"
        assert edited.messages[3].name == "editor"
        assert _dump(edited) == _dump(state)
        old = await checkpointer.load(t, before)  # the checkpoint before the edit keeps its text
        assert old is not None
        assert _dump(old) == saved[-1][1]
        assert old.messages[3].content == saved[-1][1]["messages"][3]["content"] != "redacted"

    async def test_tool_execution_edited_in_place_is_saved(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        state, saved = await self._thread(checkpointer, t, 6)
        state.tool_executions[0].result = "scrubbed"
        state.tool_executions[2].error = "late error"
        cid = await checkpointer.save(state, t)
        edited = await self._stored(checkpointer, t, cid, saved[-1][0])
        assert edited.tool_executions[0].result == "scrubbed"
        assert edited.tool_executions[2].error == "late error"
        assert _dump(edited) == _dump(state)
        old = await checkpointer.load(t, saved[-1][0])
        assert old is not None
        assert old.tool_executions[0].result == "0"

    async def test_load_after_an_in_place_edit_returns_what_is_stored(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        state, saved = await self._thread(checkpointer, t, 6)
        state.messages[3].content = "not saved yet"
        state.tool_executions[1].result = "not saved either"
        latest = await checkpointer.load(t)  # not the cached (edited) items
        assert latest is not None
        assert _dump(latest) == saved[-1][1]
        assert latest.messages[3].content != "not saved yet"
        assert state.messages[3].content == "not saved yet"  # the caller's state is left alone
        cid = await checkpointer.save(state, t)  # then saving the edited state writes it
        edited = await self._stored(checkpointer, t, cid, saved[-1][0])
        assert _dump(edited) == _dump(state)

    async def test_more_edits_than_the_log_holds_save_a_snapshot(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        state, saved = await self._thread(checkpointer, t, 4)
        state.messages[2].content = "edited first"
        for i in range(EDIT_LOG_SIZE):  # edits of other items push it out of the log
            Message.user("elsewhere").content = str(i)
        cid = await checkpointer.save(state, t)
        record = await checkpointer._read(t, cid)
        assert record is not None
        assert not is_delta(record.payload)  # which items changed is unknown: a snapshot
        edited = await self._stored(checkpointer, t, cid, saved[-1][0])
        assert edited.messages[2].content == "edited first"
        assert _dump(edited) == _dump(state)
        state.messages.append(Message.user("after the snapshot"))
        nxt = await checkpointer.save(state, t)  # the thread goes on with deltas
        record = await checkpointer._read(t, nxt)
        assert record is not None
        assert is_delta(record.payload)

    async def test_deep_copied_history_still_saves_a_delta(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        # items replaced by equal copies (a deep copy of the state) count as kept
        t = self.tid()
        state, _ = await self._thread(checkpointer, t, 12)
        state = state.model_copy(deep=True)
        state.messages.append(Message.user("after the copy"))
        cid = await checkpointer.save(state, t)
        records = await checkpointer._read_many(t, [cid])
        assert len(records) == 1
        assert is_delta(records[0].payload)
        assert len(records[0].payload) < len(checkpointer.serde.dumps(state)) / 10
        loaded = await checkpointer.load(t, cid)
        assert loaded is not None
        assert _dump(loaded) == _dump(state)

    async def test_fork_of_a_delta_chain(self, checkpointer: BaseCheckpointer) -> None:
        t, t2 = self.tid(), self.tid("fork")
        _, saved = await self._thread(checkpointer, t, 12)
        new_id = await checkpointer.fork(t, saved[7][0], t2)
        first = await checkpointer._read(t2, new_id)
        assert first is not None
        assert not is_delta(first.payload)  # a fork starts with a full snapshot
        forked = await checkpointer.load(t2)
        assert forked is not None
        assert _dump(forked) == {**saved[7][1], "thread_id": t2}
        _, more = await self._thread(checkpointer, t2, 3, forked)
        await checkpointer.delete_thread(t)  # the fork does not depend on its source
        for cid, expected in more:
            again = await checkpointer.load(t2, cid)
            assert again is not None
            assert _dump(again) == expected

    async def test_time_travel_then_save_on_an_old_base(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        _, saved = await self._thread(checkpointer, t, 10)
        old = await checkpointer.load(t, saved[4][0])
        assert old is not None
        old.messages.append(Message.user("another path"))
        branch = await checkpointer.save(old, t)
        hist = await checkpointer.history(t, 1)
        assert hist[0].checkpoint_id == branch
        assert hist[0].parent_id == saved[-1][0]  # parent: the head when it was saved
        loaded = await checkpointer.load(t, branch)
        assert loaded is not None
        assert _dump(loaded) == _dump(old)
        newest = await checkpointer.load(t, saved[-1][0])
        assert newest is not None
        assert _dump(newest) == saved[-1][1]

    async def test_prune_across_a_snapshot_boundary(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        checkpointer.snapshot_every = 4
        _, saved = await self._thread(checkpointer, t, 12)
        assert await checkpointer.prune(t, keep_latest=3) == 9
        kept = saved[-3:]
        assert await checkpointer.list_checkpoints(t) == [cid for cid, _ in reversed(kept)]
        for cid, expected in kept:
            loaded = await checkpointer.load(t, cid)
            assert loaded is not None
            assert _dump(loaded) == expected
        state = await checkpointer.load(t)
        assert state is not None
        _, more = await self._thread(checkpointer, t, 2, state)  # the thread goes on
        again = await checkpointer.load(t, more[-1][0])
        assert again is not None
        assert _dump(again) == more[-1][1]

    async def test_ttl_delta_never_outlives_its_base(self, tmp_path: Path) -> None:
        cp = await self.make_checkpointer(tmp_path, ttl=3600)
        try:
            t = self.tid()
            _, saved = await self._thread(cp, t, 6)
            infos = {i.checkpoint_id: i for i in await cp.history(t)}
            for cid, _ in saved:
                info = infos[cid]
                assert info.expires_at is not None
                assert info.expires_at - info.created_at >= 3600 - 0.5  # lives its ttl
            records = await cp._read_many(t, [cid for cid, _ in saved])
            assert any(is_delta(r.payload) for r in records)
            snapshot = next(r for r in records if r.checkpoint_id == saved[0][0])
            assert not is_delta(snapshot.payload)
            for record in records:  # the chain expires together, never a delta alone
                assert record.expires_at == snapshot.expires_at
        finally:
            await self.close_checkpointer(cp)
        short = await self.make_checkpointer(tmp_path, ttl=5)
        try:
            t = self.tid()
            state = AgentState(thread_id=t, messages=[Message.system("x" * 9000)])
            await short.save(state, t)
            # past a tenth of the ttl, the chain could not keep a new delta for a full ttl
            await asyncio.sleep(0.6)
            state.messages.append(Message.user("small change"))
            cid = await short.save(state, t)
            second = await short._read(t, cid)
            assert second is not None
            assert not is_delta(second.payload)
        finally:
            await self.close_checkpointer(short)

    async def test_corrupt_delta_mid_chain_is_named(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        _, saved = await self._thread(checkpointer, t, 8)
        middle = await checkpointer._read(t, saved[4][0])
        assert middle is not None
        assert is_delta(middle.payload)
        damaged = '{"d": 1, "v": 1, "bs": 7, "mk": -1}'  # a delta's prefix, a broken body
        history = await checkpointer.history(t)
        await checkpointer.copy_record(
            CheckpointRecord(t, saved[4][0], damaged, created_at=middle.created_at)
        )
        for cid in (saved[4][0], saved[6][0]):
            with pytest.raises(CheckpointSerializationError) as info:
                await checkpointer.load(t, cid)
            assert t in str(info.value)
            assert saved[4][0] in str(info.value)
        assert len(history) == len(await checkpointer.history(t))
        earlier = await checkpointer.load(t, saved[2][0])  # the chain before it still loads
        assert earlier is not None
        assert _dump(earlier) == saved[2][1]

    async def test_missing_base_is_named(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        _, saved = await self._thread(checkpointer, t, 4)
        await checkpointer._delete(t, [saved[1][0]])  # deleted behind the checkpointer's back
        with pytest.raises(CheckpointSerializationError) as info:
            await checkpointer.load(t, saved[2][0])  # not the cached head: its chain is read
        assert saved[2][0] in str(info.value)
        assert saved[1][0] in str(info.value)
        assert t in str(info.value)

    stores_raw_text: bool  # set (and documented) on CheckpointerConformance
    long_thread_saves: int  # likewise

    async def test_second_instance_continues_the_thread(
        self, checkpointer: BaseCheckpointer, tmp_path: Path
    ) -> None:
        t = self.tid()
        _, saved = await self._thread(checkpointer, t, 5)
        other = await self.make_checkpointer(tmp_path)  # fresh cache: "another process"
        try:
            state = await other.load(t)
            if state is None:
                pytest.skip("this backend's instances do not share a store")
            assert _dump(state) == saved[-1][1]
            _, more = await self._thread(other, t, 4, state)
            for cid, expected in [*saved, *more]:
                loaded = await checkpointer.load(t, cid)
                assert loaded is not None
                assert _dump(loaded) == expected
            # the first instance's cache is stale (the head moved): its save stays correct
            mine = await checkpointer.load(t, saved[-1][0])
            assert mine is not None
            mine.messages.append(Message.user("from the first process"))
            cid = await checkpointer.save(mine, t)
            back = await other.load(t, cid)
            assert back is not None
            assert _dump(back) == _dump(mine)
        finally:
            await self.close_checkpointer(other)
