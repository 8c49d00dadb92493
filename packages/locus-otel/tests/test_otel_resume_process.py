"""One trace across a pause in one process and a resume in another (the trace rides the checkpoint)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from locus import Agent, tool
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.interrupt import interrupt
from locus.models import ScriptedModel
from locus.otel import TRACE_KEY, TelemetryHook

# process 1: the agent calls `refund`, which asks a human (interrupt) - the run pauses
FIRST_PROCESS = textwrap.dedent(
    """
    import json, sys
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from locus import Agent, tool
    from locus.checkpoint.sqlite import SQLiteCheckpointer
    from locus.core.interrupt import interrupt
    from locus.core.messages import ToolCall
    from locus.models import ScriptedModel
    from locus.otel import TelemetryHook

    @tool
    def refund(order_id: str) -> str:
        \"\"\"Refund an order after a human approves.\"\"\"
        answer = interrupt({"question": f"Refund {order_id}?"})
        return f"refund of {order_id}: {answer}"

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    agent = Agent(
        model=ScriptedModel([[ToolCall(id="r-1", name="refund", arguments={"order_id": "o-7"})]]),
        tools=[refund],
        checkpointer=SQLiteCheckpointer(sys.argv[1]),
        hooks=[TelemetryHook(tracer_provider=provider)],
        name="support",
    )
    result = agent.run_sync("Refund o-7", thread_id="t-7")
    assert result.stop_reason == "Interrupted(refund)", result.stop_reason
    spans = [
        {
            "name": s.name,
            "trace_id": s.context.trace_id,
            "span_id": s.context.span_id,
            "attributes": dict(s.attributes),
        }
        for s in exporter.get_finished_spans()
    ]
    print(json.dumps({"run_id": result.run_id, "spans": spans}))
    """
)


@tool
def refund(order_id: str) -> str:
    """Refund an order after a human approves."""
    answer = interrupt({"question": f"Refund {order_id}?"})
    return f"refund of {order_id}: {answer}"


async def test_resume_in_a_second_process_continues_the_trace(
    tmp_path: Path, telemetry: Any
) -> None:
    db = tmp_path / "threads.db"
    done = subprocess.run(  # noqa: ASYNC221 - the first process must end before the resume
        [sys.executable, "-c", FIRST_PROCESS, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout.strip().splitlines()[-1])
    (paused_run,) = [s for s in first["spans"] if s["name"] == "invoke_agent support"]
    assert paused_run["attributes"]["locus.interrupted"] is True
    (paused_tool,) = [s for s in first["spans"] if s["name"] == "execute_tool refund"]
    assert paused_tool["attributes"]["locus.tool.interrupted"] is True

    # the checkpoint carries the paused run's span context
    saver = SQLiteCheckpointer(db)
    saved = await saver.load("t-7")
    assert saved is not None
    assert saved.metadata[TRACE_KEY]["run_id"] == first["run_id"]
    assert saved.metadata[TRACE_KEY]["traceparent"].startswith(
        f"00-{paused_run['trace_id']:032x}-{paused_run['span_id']:016x}-"
    )

    # this process resumes the run: same trace, a child of and linked to the paused run span
    agent = Agent(
        model=ScriptedModel(["Refunded o-7."]),
        tools=[refund],
        checkpointer=saver,
        hooks=[
            TelemetryHook(
                tracer_provider=telemetry.tracer_provider,
                meter_provider=telemetry.meter_provider,
            )
        ],
        name="support",
    )
    result = await agent.resume_invoke("t-7", answer="approved")
    assert result.message == "Refunded o-7."
    assert result.run_id == first["run_id"]
    resumed = telemetry.span("invoke_agent support")
    assert resumed.context.trace_id == paused_run["trace_id"]
    assert resumed.parent is not None
    assert resumed.parent.span_id == paused_run["span_id"]
    assert resumed.parent.is_remote
    assert resumed.attributes["locus.resumed"] is True
    (link,) = resumed.links
    assert link.context.span_id == paused_run["span_id"]
    assert link.attributes == {"locus.link": "resumed_from"}
    tool_span = telemetry.span("execute_tool refund")
    assert tool_span.context.trace_id == paused_run["trace_id"]
    assert tool_span.parent.span_id == resumed.context.span_id
    assert tool_span.status.is_ok

    # a new run on the thread starts its own trace, linked to the previous run
    telemetry.exporter.clear()
    agent.model = ScriptedModel(["Anything else?"])
    await agent.invoke("thanks", thread_id="t-7")
    next_run = telemetry.span("invoke_agent support")
    assert next_run.context.trace_id != paused_run["trace_id"]
    assert next_run.parent is None
    (previous,) = next_run.links
    assert previous.context.span_id == resumed.context.span_id
    assert previous.attributes == {"locus.link": "previous_run"}
