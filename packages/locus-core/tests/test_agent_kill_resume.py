"""A process killed with SIGKILL right after an idempotent tool body ran; a new process resumes.

The side effect (a line appended to a file) must happen exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from locus import Agent, tool
    from locus.core.messages import ToolCall
    from locus.models import ScriptedModel

    db, effects, mode = sys.argv[1], sys.argv[2], sys.argv[3]

    @tool(idempotent=True)
    def charge(order: str, amount: int) -> str:
        \"\"\"Charge a customer.\"\"\"
        with open(effects, "a") as fh:
            fh.write(order + "\\n")
        if mode == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        return "CHARGED-" + order

    call = ToolCall(id="c1", name="charge", arguments={"order": "o-42", "amount": 129})
    script = [[call], "Charged o-42 once."] if mode == "crash" else ["Charged o-42 once."]
    model = ScriptedModel(script)
    agent = Agent(model=model, tools=[charge], checkpointer="sqlite:///" + db)
    if mode == "crash":
        agent.run_sync("Charge order o-42 $129", thread_id="order-o-42")
    else:
        result = agent.resume_sync("order-o-42")
        execs = [(e.name, e.in_doubt, e.cached) for e in result.tool_executions]
        print(result.stop_reason, "|", result.message, "|", execs)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_after_tool_body_then_resume_fires_once(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    db, effects = tmp_path / "threads.db", tmp_path / "effects.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    crashed = subprocess.run(
        [sys.executable, str(script), str(db), str(effects), "crash"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert effects.read_text().splitlines() == ["o-42"]
    resumed = subprocess.run(
        [sys.executable, str(script), str(db), str(effects), "resume"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert effects.read_text().splitlines() == ["o-42"]  # exactly once
    assert resumed.stdout.strip() == (
        "NoToolCalls() | Charged o-42 once. | [('charge', True, False)]"
    )
