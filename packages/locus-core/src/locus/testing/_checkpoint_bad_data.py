"""Bad data, hostile ids and damaged stored fields: part of the checkpointer suite.

Mixed into :class:`locus.testing.CheckpointerConformance`; not used on its own.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from locus.checkpoint._base import BaseCheckpointer, CheckpointRecord
from locus.checkpoint.serde import MigrationRegistry, Serde
from locus.core.errors import (
    CheckpointError,
    CheckpointNotFoundError,
    CheckpointSerializationError,
    ValidationError,
)
from locus.core.messages import Message, Role, ToolCall
from locus.core.state import AgentState


class BadDataConformance:
    """Corrupt records, schema migration, hostile ids and damaged fields."""

    stores_raw_text: bool  # set (and documented) on CheckpointerConformance

    @staticmethod
    def tid(name: str = "t") -> str:  # the suite's own tid() (same behaviour) wins in the MRO
        """A thread id unique to this test."""
        return f"{name}-{uuid.uuid4().hex[:10]}"

    # -- bad data ---------------------------------------------------------------------

    async def test_corrupt_records(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        bad = {
            "shape": '{"v": 1, "state": {"messages": "not a list"}}',
            "foreign": '{"hello": "world"}',
            "newer": '{"v": 999, "state": {}}',
        }
        if self.stores_raw_text:
            bad["text"] = '{"v": 1, "state": {"mess'
        for cid, payload in bad.items():
            await checkpointer.copy_record(CheckpointRecord(t, cid, payload))
            with pytest.raises(CheckpointSerializationError) as info:
                await checkpointer.load(t, cid)
            assert t in str(info.value)
            assert cid in str(info.value)
        with pytest.raises(CheckpointSerializationError, match="upgrade"):
            await checkpointer.load(t, "newer")

    async def test_old_schema_migrates_on_load(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        cid = await checkpointer.save(AgentState(iteration=5), t)
        registry = MigrationRegistry()

        def _v1_to_v2(env: dict[str, Any]) -> dict[str, Any]:
            env["state"]["metadata"] = {"migrated": True}
            return env

        registry.register(1, 2, _v1_to_v2)

        checkpointer.serde = Serde(schema_version=2, migrations=registry)
        loaded = await checkpointer.load(t, cid)
        assert loaded is not None
        assert loaded.iteration == 5
        assert loaded.metadata == {"migrated": True}

    async def test_bad_arguments(self, checkpointer: BaseCheckpointer) -> None:
        with pytest.raises(ValidationError):
            await checkpointer.save(AgentState(), "")
        with pytest.raises(CheckpointSerializationError):
            await checkpointer.save(AgentState(), self.tid(), metadata={"x": object()})

    # -- hostile ids and damaged fields (issue #10) ------------------------------------

    async def test_bad_ids_are_validation_errors(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        state = AgentState()
        for bad_thread in ("", "bad\ud800thread", "nul\x00thread"):
            with pytest.raises(ValidationError, match="thread_id"):
                await checkpointer.save(state, bad_thread)
            with pytest.raises(ValidationError, match="thread_id"):
                await checkpointer.load(bad_thread)
            with pytest.raises(ValidationError, match="thread_id"):
                await checkpointer.history(bad_thread)
        for bad_id in ("", "x" * 300, "bad\udfffid", "nul\x00id"):
            with pytest.raises(ValidationError, match="checkpoint_id"):
                await checkpointer.save(state, t, bad_id)
            with pytest.raises(ValidationError, match="checkpoint_id"):
                await checkpointer.load(t, bad_id)
        await checkpointer.save(state, t)
        with pytest.raises(ValidationError, match="checkpoint_id"):
            await checkpointer.load(t, "")  # not "the newest"
        assert await checkpointer.list_checkpoints(t) != []

    async def test_ids_match_whole_never_by_prefix_or_suffix(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        await checkpointer.save(AgentState(iteration=1), t, "order-1")
        await checkpointer.save(AgentState(iteration=2), t, "1-x")
        for near in ("1", "-1", "rder-1", "order-", "order", "1-", "x"):
            with pytest.raises(CheckpointNotFoundError):
                await checkpointer.load(t, near)
        loaded = await checkpointer.load(t, "order-1")
        assert loaded is not None
        assert loaded.iteration == 1

    async def test_longest_id_round_trips(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        longest = "é" * 200 + "/" * 40 + "x" * 15  # 255 characters, ~500 bytes of UTF-8
        await checkpointer.save(AgentState(iteration=7), t, longest)
        await checkpointer.save(AgentState(iteration=8), t)
        loaded = await checkpointer.load(t, longest)
        assert loaded is not None
        assert loaded.iteration == 7
        hist = await checkpointer.history(t)
        assert hist[0].parent_id == longest
        assert hist[1].checkpoint_id == longest
        assert await checkpointer.prune(t, 1) == 1
        with pytest.raises(CheckpointNotFoundError):
            await checkpointer.load(t, longest)

    async def test_corrupt_stored_fields_name_thread_and_checkpoint(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        payload = Serde().dumps(AgentState())
        cases: dict[str, dict[str, Any]] = {
            "created_at": {"created_at": "garbage"},
            "v": {"schema_version": "not-a-version"},
            "metadata": {"metadata": [1, 2]},
            "metadata-scalar": {"metadata": "just text"},
        }
        for name, fields in cases.items():
            t = self.tid(name)
            await checkpointer.save(AgentState(iteration=1), t, "good")
            try:
                await checkpointer.copy_record(CheckpointRecord(t, "bad", payload, **fields))
            except (CheckpointError, ValueError, TypeError):
                continue  # the store refuses to hold the damaged field at all: fine
            for read in (
                lambda t=t: checkpointer.load(t, "bad"),
                lambda t=t: checkpointer.load(t),
                lambda t=t: checkpointer.history(t),
            ):
                with pytest.raises(CheckpointSerializationError) as info:
                    await read()
                assert t in str(info.value), name
                assert "'bad'" in str(info.value), name
            good = await checkpointer.load(t, "good")  # the rest of the thread still loads
            assert good is not None
            assert good.iteration == 1

    async def test_whatever_save_accepts_load_reads_back(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        from locus.core.limits import MAX_SUPPORTED_DEPTH

        t = self.tid()
        deep: Any = 1
        for _ in range(MAX_SUPPORTED_DEPTH):
            deep = {"a": deep}
        call = ToolCall(id="deep", name="f", arguments=deep)
        state = AgentState(messages=[Message(role=Role.ASSISTANT, tool_calls=[call])])
        await checkpointer.save(state, t)
        loaded = await checkpointer.load(t)
        assert loaded is not None
        assert loaded.messages[0].tool_calls[0].arguments == deep
        too_deep: Any = deep
        for _ in range(100):
            too_deep = {"a": too_deep}
        # replaced: a change inside a message's field would not be seen by a delta save
        deeper = ToolCall(id="deep", name="f", arguments=too_deep)
        state.messages[0] = Message(role=Role.ASSISTANT, tool_calls=[deeper])
        with pytest.raises(CheckpointSerializationError):
            await checkpointer.save(state, t)
        assert len(await checkpointer.history(t)) == 1
