"""The original locus's DeltaCheckpointer: delta chains are the default of every checkpointer."""

from __future__ import annotations

import warnings

import pytest

from locus import Agent
from locus.checkpoint import MemoryCheckpointer
from locus.checkpoint._delta import is_delta
from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.core.state import AgentState
from locus.core.warnings import LocusDeprecationWarning
from locus.memory import DeltaCheckpointer
from locus.memory.delta import DeltaCheckpointer as FromModule


async def test_max_chain_depth_is_the_number_of_deltas_between_snapshots() -> None:
    cp = DeltaCheckpointer(max_chain_depth=2)
    assert isinstance(cp, MemoryCheckpointer)
    assert FromModule is DeltaCheckpointer
    state = AgentState(messages=[Message.system("You are terse. " * 200)])
    for turn in range(6):
        state.messages += [Message.user(f"q{turn}"), Message.assistant(f"a{turn}")]
        last = await cp.save(state, "t")
    ids = list(reversed(await cp.list_checkpoints("t")))  # oldest first
    kinds = [is_delta((await cp._read("t", i)).payload) for i in ids]  # type: ignore[union-attr]
    assert kinds == [False, True, True, False, True, True]
    loaded = await cp.load("t", last)
    assert loaded is not None
    assert loaded.model_dump() == state.model_dump()


async def test_an_agent_resumes_a_thread_from_it() -> None:
    cp = DeltaCheckpointer()
    agent = Agent(model="test", checkpointer=cp)
    await agent.invoke("one", thread_id="t")
    await agent.invoke("two", thread_id="t")
    state = await cp.load("t")
    assert state is not None
    assert [m.content for m in state.messages if m.role == "user"] == ["one", "two"]


def test_storage_is_refused_and_compression_level_warns() -> None:
    with pytest.raises(ValidationError, match="snapshot_every"):
        DeltaCheckpointer(storage=object())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DeltaCheckpointer(compression_level=9)
    assert any(issubclass(w.category, LocusDeprecationWarning) for w in caught)
    with pytest.raises(ValidationError):
        DeltaCheckpointer(max_chain_depth=-1)
