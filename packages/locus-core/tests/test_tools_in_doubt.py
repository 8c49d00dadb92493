"""In-doubt idempotent calls: the report / retry / fail policies and a key stable across resume."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ToolInDoubtError, ValidationError
from locus.core.messages import ToolCall
from locus.core.state import AgentState
from locus.models import ScriptedModel
from locus.tools import ToolContext


class _Downstream:
    """A payments API that dedupes on the idempotency key it is given."""

    def __init__(self) -> None:
        self.keys_seen: list[str] = []
        self.effects: dict[str, str] = {}

    def charge(self, order: str, key: str) -> str:
        self.keys_seen.append(key)
        return self.effects.setdefault(key, f"charged {order}")


def _charger(api: _Downstream, policy: Any) -> Any:
    @tool(idempotent=True, in_doubt=policy)
    def charge(order: str, ctx: ToolContext) -> str:
        """Charge an order.

        Args:
            order: Order id.
        """
        assert ctx.idempotency_key is not None
        return api.charge(order, ctx.idempotency_key)

    return charge


class _Snapshots(MemoryCheckpointer):
    """Keeps a deep copy of the state at every save, by its ``source``."""

    def __init__(self) -> None:
        super().__init__()
        self.by_source: dict[str, AgentState] = {}

    async def save(self, state: AgentState, thread_id: str, *args: Any, **kw: Any) -> str:  # type: ignore[override]
        metadata = kw.get("metadata") or (args[1] if len(args) > 1 else None) or {}
        self.by_source.setdefault(metadata.get("source", ""), copy.deepcopy(state))
        return await super().save(state, thread_id, *args, **kw)


async def _died_after_the_body(policy: Any) -> tuple[_Downstream, Any, MemoryCheckpointer]:
    """A run whose process died after the body's effect but before its result was saved."""
    api = _Downstream()
    charge = _charger(api, policy)
    call = ToolCall(id="c1", name="charge", arguments={"order": "A1"})
    recorder = _Snapshots()
    await Agent(
        model=ScriptedModel([[call], "done"]), tools=[charge], checkpointer=recorder
    ).invoke("charge A1", thread_id="t")
    crashed = MemoryCheckpointer()
    await crashed.save(recorder.by_source["intent"], "t")  # what the store held at the crash
    assert next(iter(recorder.by_source["intent"].idempotency.values())).status == "pending"
    return api, charge, crashed


async def test_retry_runs_the_body_again_with_the_same_key_and_the_downstream_dedupes() -> None:
    api, charge, store = await _died_after_the_body("retry")
    result = await Agent(
        model=ScriptedModel(["charged, confirmed"]), tools=[charge], checkpointer=store
    ).resume_invoke("t")
    assert len(api.keys_seen) == 2  # the body ran again...
    assert api.keys_seen[0] == api.keys_seen[1]  # ...with the key of the first attempt
    assert api.keys_seen[0].startswith("charge:")
    assert len(api.effects) == 1  # one effect: the downstream deduped the retry
    (execution,) = result.tool_executions
    assert execution.in_doubt is False
    assert execution.result == "charged A1"
    saved = await store.load("t")
    assert saved is not None
    assert next(iter(saved.idempotency.values())).status == "done"


async def test_report_does_not_run_the_body_again() -> None:
    api, charge, store = await _died_after_the_body("report")
    result = await Agent(
        model=ScriptedModel(["unknown outcome"]), tools=[charge], checkpointer=store
    ).resume_invoke("t")
    assert len(api.keys_seen) == 1
    assert result.tool_executions[0].in_doubt is True


async def test_fail_stops_the_run_with_a_typed_error_naming_the_key() -> None:
    api, charge, store = await _died_after_the_body("fail")
    agent = Agent(model=ScriptedModel(["never"]), tools=[charge], checkpointer=store)
    with pytest.raises(ToolInDoubtError) as info:
        await agent.resume_invoke("t")
    assert info.value.kind == "tool_in_doubt"
    assert info.value.tool_name == "charge"
    assert info.value.idempotency_key == api.keys_seen[0]
    assert len(api.keys_seen) == 1  # not run again
    saved = await store.load("t")
    assert saved is not None
    assert saved.status == "failed"


def test_policy_is_validated() -> None:
    def fn(x: int) -> int:
        """Echo.

        Args:
            x: A number.
        """
        return x

    with pytest.raises(ValidationError, match="in_doubt"):
        tool(idempotent=True, in_doubt="again")(fn)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="idempotent tools only"):
        tool(in_doubt="retry")(fn)
    assert tool(idempotent=True, in_doubt="retry")(fn).in_doubt == "retry"
