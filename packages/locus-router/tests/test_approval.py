"""Approval-gated runs: pause on an interrupt checkpointed in SQLite, are approved from a second
process that then runs them, or are rejected, or answered in-process by on_approval."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from locus.core.errors import CheckpointConflictError
from locus.observability import get_event_bus, run_context
from locus.router import ApprovalRequest, GoalFrame, TaskType

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from approval_app import make_router  # noqa: E402

REQUEST = "Roll back the checkout deploy."


async def test_paused_run_is_approved_from_a_second_process(tmp_path: Path) -> None:
    db, actions = tmp_path / "approvals.db", tmp_path / "actions.log"
    router = make_router(db, actions)
    async with run_context() as run_id:
        paused = await router.dispatch(REQUEST)
    assert paused.status == "awaiting_approval"
    assert paused.protocol_id == "approval_gated_execution"
    assert paused.verdict.require_approval
    assert "risk high" in paused.verdict.reason
    assert paused.text == ""
    assert not actions.exists()  # nothing acted before approval
    request = ApprovalRequest.model_validate(paused.result.interrupts[0]["payload"])
    assert (request.protocol_id, request.request, request.risk.value) == (
        "approval_gated_execution",
        REQUEST,
        "high",
    )
    types = [e.event_type async for e in get_event_bus().subscribe(run_id)]
    assert "router.approval.required" in types
    assert types[-1] == "router.dispatch.completed"

    script = textwrap.dedent(
        f"""
        import asyncio, json, sys
        sys.path.insert(0, {str(HERE)!r})
        from approval_app import make_router

        router = make_router({str(db)!r}, {str(actions)!r})
        done = asyncio.run(router.resume({paused.thread_id!r}, "approve"))
        print(json.dumps({{"status": done.status, "text": done.text,
                          "protocol_id": done.protocol_id, "pid": __import__("os").getpid()}}))
        """
    )
    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LOCUS_ALLOW_MODEL_REQUESTS": "0"},
    )
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["pid"] != os.getpid()
    assert answer["status"] == "completed"
    assert answer["protocol_id"] == "approval_gated_execution"
    assert answer["text"] == "done: checkout rolled back to v41"
    assert actions.read_text() == "rollback checkout\n"

    # the thread is finished: a second answer finds no paused run, and nothing runs twice
    with pytest.raises(CheckpointConflictError, match="no paused run"):
        await router.resume(paused.thread_id or "", "approve")
    assert actions.read_text() == "rollback checkout\n"


async def test_rejected_run_never_acts(tmp_path: Path) -> None:
    actions = tmp_path / "actions.log"
    router = make_router(tmp_path / "a.db", actions)
    paused = await router.dispatch(REQUEST, thread_id="change-42")
    assert paused.thread_id == "change-42"
    done = await router.resume("change-42", {"approved": False})
    assert (done.status, done.text) == ("rejected", "")
    assert not actions.exists()


async def test_on_approval_answers_in_process(tmp_path: Path) -> None:
    asked: list[ApprovalRequest] = []

    async def approve_low_blast_radius(request: ApprovalRequest) -> bool:
        asked.append(request)
        return request.frame.domain == "payments"

    actions = tmp_path / "actions.log"
    router = make_router(tmp_path / "a.db", actions, on_approval=approve_low_blast_radius)
    done = await router.dispatch(REQUEST)
    assert done.status == "completed"
    assert done.text == "done: checkout rolled back to v41"
    assert [r.protocol_id for r in asked] == ["approval_gated_execution"]

    router = make_router(tmp_path / "b.db", actions, on_approval=lambda request: "no")
    refused = await router.dispatch(REQUEST)
    assert refused.status == "rejected"
    assert actions.read_text() == "rollback checkout\n"


async def test_policy_approval_wraps_any_protocol(tmp_path: Path) -> None:
    router = make_router(tmp_path / "a.db", tmp_path / "actions.log")
    frame = GoalFrame(primary_goal=TaskType.PLAN, risk="high", domain="payments")
    paused = await router.dispatch("Plan the failover.", frame=frame)
    assert (paused.protocol_id, paused.status) == ("plan_execute_validate", "awaiting_approval")
    done = await router.resume(paused.thread_id or "", True)
    assert done.status == "completed"
    assert done.protocol_id == "plan_execute_validate"


async def test_default_in_memory_gate_pauses_and_resumes_in_process(
    registry: Any, caps: Any, model: Any
) -> None:
    from locus import Agent
    from locus.models import ScriptedModel
    from locus.router import CognitiveCompiler, PolicyGate, Router

    compiler = CognitiveCompiler(
        protocols=registry, capabilities=caps, policy=PolicyGate(), model=model
    )
    unused = Agent(model=ScriptedModel([]), output_schema=GoalFrame)  # the frame is given
    router = Router(extractor=unused, compiler=compiler)
    frame = GoalFrame(primary_goal=TaskType.ESCALATE, domain="payments")
    paused = await router.dispatch("Page the database on-call.", frame=frame)
    assert paused.status == "awaiting_approval"
    assert paused.result.interrupts[0]["payload"]["reason"] == (
        "protocol 'approval_gated_execution' always runs behind an approval"
    )
    done = await router.resume(paused.thread_id or "", "yes")
    assert done.status == "completed"
    assert "p99 1800ms" in done.text
