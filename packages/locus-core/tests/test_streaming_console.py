"""ConsoleHandler rendered in a real pseudo-terminal, and as plain text when not a terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import textwrap

import pytest

from locus import Agent, tool
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.streaming import ConsoleHandler, MinimalConsoleHandler, stream_to

SCRIPT = textwrap.dedent(
    """
    import asyncio, time
    from locus import Agent, tool
    from locus.core.messages import ToolCall
    from locus.models import ScriptedModel
    from locus.streaming import ConsoleHandler, stream_to

    @tool
    def get_metric(name: str) -> float:
        \"\"\"Current value of a metric.\"\"\"
        time.sleep(0.4)  # long enough for the progress line to refresh
        return 182.0

    model = ScriptedModel(
        [[ToolCall(name="get_metric", arguments={"name": "p99"})], "p99 is 182 ms."]
    )
    agent = Agent(model=model, tools=[get_metric], stream=True, name="sre")
    asyncio.run(stream_to(agent.run("p99?"), ConsoleHandler(show_tool_args=True)))
    """
)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run_in_pty() -> str:
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=slave, stderr=slave, stdin=slave, env=env
    )
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        proc.wait(timeout=60)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode()


def test_console_handler_in_a_pseudo_terminal() -> None:
    raw = _run_in_pty()
    # a terminal gets colour, and the live progress line hides the cursor while it runs
    assert "\x1b[36m🔧 get_metric" in raw  # cyan tool line
    assert "\x1b[32m" in raw  # green result
    assert "\x1b[?25l" in raw
    assert "\x1b[?25h" in raw  # ... and shows it again at the end
    assert re.search(r"running get_metric · iteration 1 · 4 tokens · \d+\.\ds", raw)
    text = ANSI.sub("", raw).replace("\r", "")
    order = [
        "▶ sre",
        "🪙 1 in · 3 out · 4 total",
        '🔧 get_metric({"name": "p99"})',
        "↳ 182.0",
        "p99 is 182 ms.",
        "🪙 5 in · 4 out · 13 total",
        "✓ NoToolCalls() · 2 iterations · 13 tokens",
    ]
    positions = [text.find(part) for part in order]
    assert all(p >= 0 for p in positions), (positions, text)
    assert positions == sorted(positions)
    assert text.count("p99 is 182 ms.") == 1  # streamed once, not repeated at the end


@tool
def get_metric(name: str) -> float:
    """Current value of a metric."""
    return 182.0


def _agent(stream: bool) -> Agent:
    model = ScriptedModel(
        [[ToolCall(name="get_metric", arguments={"name": "p99"})], "p99 is 182 ms."]
    )
    return Agent(model=model, tools=[get_metric], stream=stream, name="sre")


async def test_console_handler_writes_plain_text_to_a_file() -> None:
    out = io.StringIO()
    await stream_to(_agent(stream=False).run("p99?"), ConsoleHandler(out, use_emoji=False))
    text = out.getvalue()
    assert "\x1b[" not in text
    assert "iteration 1 ·" not in text  # no progress line off a terminal
    lines = text.splitlines()
    assert lines[0] == "▶ sre"
    assert lines[2] == "> get_metric()"
    assert re.fullmatch(r"  < 182\.0  \[\d+ ms\]", lines[3])
    assert lines[5] == "p99 is 182 ms."
    assert re.fullmatch(r"= NoToolCalls\(\) · 2 iterations · 13 tokens · \d+\.\ds", lines[6])


async def test_console_handler_reports_a_failed_run() -> None:
    from locus.core.errors import ModelAuthError

    out = io.StringIO()
    agent = Agent(model=ScriptedModel([ModelAuthError("expired key")]))
    with pytest.raises(ModelAuthError):
        await stream_to(agent.run("hi"), ConsoleHandler(out))
    assert "✗ model_auth: expired key" in out.getvalue()
    assert out.getvalue().rstrip().endswith("✗ run failed: model_auth: expired key")


async def test_minimal_console_handler_streams_text() -> None:
    out = io.StringIO()
    await stream_to(_agent(stream=True).run("p99?"), MinimalConsoleHandler(out))
    assert out.getvalue() == "[get_metric]\np99 is 182 ms.\n"


def test_console_handler_without_rich_says_what_to_install() -> None:
    code = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path, target=None):
                if name == "rich" or name.startswith("rich."):
                    raise ImportError("no rich")
        sys.meta_path.insert(0, Block())
        from locus.core.errors import ConfigError
        from locus.streaming import ConsoleHandler, MinimalConsoleHandler
        MinimalConsoleHandler()
        try:
            ConsoleHandler()
        except ConfigError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'locus-core[console]'" in out.stdout
