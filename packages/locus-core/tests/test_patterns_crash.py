"""Every pattern survives a SIGKILL mid-run: a second process resumes the thread.

The child process runs a pattern on a SQLite checkpointer. One agent's tool
kills the process (SIGKILL) once the checkpoint shows the other agents'
results recorded; a second process calls the pattern again with the same
``thread_id``. Each tool body appends its name to an effects file, so the
file tells which agents ran in which process: agents whose result was
recorded before the crash must not run again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from locus import tool
    from locus.checkpoint.sqlite import SQLiteCheckpointer
    from locus.core.messages import ToolCall
    from locus.models import ScriptedModel

    pattern, db, effects, mode = sys.argv[1:5]
    THREAD = "incident-1"
    checkpointer = SQLiteCheckpointer(db)

    def effect(name):
        with open(effects, "a") as fh:
            fh.write(name + "\\n")

    async def crash_after(recorded):
        # die once the checkpoint holds `recorded` finished tasks of the running step
        for _ in range(1200):
            state = await SQLiteCheckpointer(db).load(THREAD)
            done = (state.metadata.get("graph") or {}).get("completed", {}) if state else {}
            if len(done) >= recorded:
                os.kill(os.getpid(), signal.SIGKILL)
            await asyncio.sleep(0.05)
        raise SystemExit("the other tasks were never recorded")

    def probe(name, crash_when=None):
        @tool(name="probe_" + name)
        async def run_probe() -> str:
            \"\"\"Look at the system.\"\"\"
            effect(name)
            if mode == "crash" and crash_when is not None:
                await crash_after(crash_when)
            return name + " data"
        return run_probe

    def scripted(name, answer):
        return ScriptedModel([ToolCall(name="probe_" + name, arguments={}), answer])

    if pattern == "orchestrator":
        from locus.multiagent.orchestrator import Orchestrator
        from locus.multiagent.specialist import Specialist

        specialists = [
            Specialist(name=n, tools=[probe(n, 2 if n == "c" else None)],
                       model=scripted(n, n + " found it. Confidence: 0.9"))
            for n in ("a", "b", "c")
        ]
        runner = Orchestrator(specialists=specialists, checkpointer=checkpointer)
        result = runner.execute_sync("incident", thread_id=THREAD)
        print(sorted(r.specialist_id for r in result.specialist_results if r.success))
    elif pattern == "swarm":
        from locus.multiagent.swarm import Swarm, SwarmAgent

        agents = [
            SwarmAgent(name=n, capabilities=[n], tools=[probe(n, 2 if n == "c" else None)],
                       model=scripted(n, n + " done"))
            for n in ("a", "b", "c")
        ]
        swarm = Swarm(agents=agents, checkpointer=checkpointer, max_parallel_agents=3)
        for n in ("a", "b", "c"):
            swarm.add_task("work " + n, required_tags=[n])
        result = swarm.execute_sync(thread_id=THREAD)
        print(sorted(t.claimed_by for t in result.completed_tasks))
    elif pattern == "debate":
        from locus import Agent
        from locus.multiagent.debate import Debate

        pro = Agent(model=scripted("pro", "pro case"), tools=[probe("pro")], name="pro")
        con = Agent(model=scripted("con", "con case"), tools=[probe("con", 1)], name="con")
        judge = ScriptedModel(['{"winner": "pro", "reasoning": "r", "answer": "yes"}'])
        debate = Debate(debaters=[pro, con], judge=judge, rounds=1, checkpointer=checkpointer)
        result = debate.execute_sync("topic", thread_id=THREAD)
        print(result.verdict.winner, len(result.transcript))
    elif pattern == "handoff":
        from locus.multiagent.handoff import create_handoff_agent, create_handoff_manager

        triage = create_handoff_agent(
            "triage", tools=[probe("triage")],
            model=ScriptedModel([
                ToolCall(name="probe_triage", arguments={}),
                ToolCall(name="transfer_to_billing", arguments={"summary": "refund"}),
            ]),
            can_delegate_to=["billing"],
        )
        billing = create_handoff_agent(
            "billing", tools=[probe("billing", 0)], model=scripted("billing", "refunded")
        )
        desk = create_handoff_manager([triage, billing])
        desk.checkpointer = checkpointer
        result = desk.execute_sync("refund please", thread_id=THREAD)
        print(result.text, result.returned_context.handoff_chain)
    """
)

CASES = {
    # pattern: (effects after both processes, what the resumed run prints)
    "orchestrator": ({"a": 1, "b": 1, "c": 2}, "['a', 'b', 'c']"),
    "swarm": ({"a": 1, "b": 1, "c": 2}, "['a', 'b', 'c']"),
    "debate": ({"pro": 1, "con": 2}, "pro 2"),
    "handoff": ({"triage": 1, "billing": 2}, "refunded ['triage', 'billing']"),
}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("pattern", sorted(CASES))
def test_sigkill_mid_pattern_then_resume_in_a_new_process(tmp_path: Path, pattern: str) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    db, effects = tmp_path / "threads.db", tmp_path / "effects.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [sys.executable, str(script), pattern, str(db), str(effects)]

    crashed = subprocess.run([*args, "crash"], env=env, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr

    resumed = subprocess.run(
        [*args, "resume"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr

    expected_effects, expected_output = CASES[pattern]
    assert Counter(effects.read_text().split()) == expected_effects
    assert resumed.stdout.strip() == expected_output
