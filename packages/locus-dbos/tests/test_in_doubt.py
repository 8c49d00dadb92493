"""An idempotent tool whose intent was recorded but whose body was not: the in_doubt policy.

``DBOS.fork_workflow_async(id, step)`` re-runs a workflow from ``step`` with
the steps before it replayed from their records: forking at the body step
of an idempotent tool is exactly what a recovered worker sees after a crash
inside the body (intent recorded, result not).
"""

from __future__ import annotations

import pytest
from dbos import DBOS

from locus import Agent, tool
from locus.core.messages import Role, ToolCall
from locus.dbos import DBOSAgent, configure
from locus.models import FunctionModel

SENT: list[str] = []


def _model(messages, tools):
    results = [m for m in messages if m.role is Role.TOOL]
    if not results:
        return [ToolCall(id="c1", name="send", arguments={"to": "ops"})]
    return f"tool said: {results[-1].content}"


def _agent(policy: str) -> DBOSAgent:
    @tool(idempotent=True, in_doubt=policy)
    async def send(to: str) -> str:
        """Send a page.

        Args:
            to: Recipient.
        """
        SENT.append(to)
        return f"paged {to}"

    return DBOSAgent(
        Agent(model=FunctionModel(_model), tools=[send], name=f"pager-{policy}"),
    )


async def _fork_at_body(durable: DBOSAgent, workflow_id: str):
    first = await durable.invoke("page ops", workflow_id=workflow_id)
    assert first.message == "tool said: paged ops"
    steps = await DBOS.list_workflow_steps_async(workflow_id)
    names = [s["function_name"] for s in steps]
    assert names[1:3] == ["locus.tool:send:intent", "locus.tool:send"]
    return await DBOS.fork_workflow_async(workflow_id, steps[2]["function_id"])


@pytest.fixture
def launched(sqlite_url):
    agents = {p: _agent(p) for p in ("report", "retry", "fail")}
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    SENT.clear()
    return agents


async def test_report_answers_in_doubt_and_does_not_run_the_body_again(launched):
    forked = await _fork_at_body(launched["report"], "w-report")
    result = await forked.get_result()
    assert SENT == ["ops"]
    assert result.tool_executions[0].in_doubt is True
    assert "NOT run again" in result.message


async def test_retry_runs_the_body_again(launched):
    forked = await _fork_at_body(launched["retry"], "w-retry")
    result = await forked.get_result()
    assert SENT == ["ops", "ops"]  # the downstream must dedupe on ToolContext.idempotency_key
    assert result.message == "tool said: paged ops"


async def test_fail_stops_the_run_with_tool_in_doubt(launched):
    from locus.core.errors import ToolInDoubtError

    forked = await _fork_at_body(launched["fail"], "w-fail")
    with pytest.raises(ToolInDoubtError) as caught:
        await forked.get_result()
    assert caught.value.kind == "tool_in_doubt"
    assert SENT == ["ops"]
