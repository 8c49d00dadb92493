"""Per-call overhead of a locus tool backed by MCP vs the SDK's ``ClientSession.call_tool``.

One stdio MCP server (the official SDK's ``MCPServer`` with an ``add`` tool)
is started once; both sides call it over the same connection, interleaved
call by call, so the server, the pipe and the machine load are the same for
both:

- **direct**: ``ClientSession.call_tool("add", {...})`` on the session
  ``MCPClient`` holds (what a user of the bare SDK writes);
- **locus tool**: ``tool.execute(a=..., b=...)`` on the tool from
  ``MCPClient.to_locus_tools()``: JSON-schema validation, the call with
  locus's error mapping, result conversion;
- **locus-side work**: validation + result conversion alone, no I/O (a
  figure that does not depend on machine load, unlike the ratios);
- **agent executor**: the same tool through ``ToolExecutor`` (the path an
  ``Agent`` turn takes: events, validation, timing), for information.

Reported: median per-call time over rounds and the ratio to direct.
Goal: locus tool ≤ 1.2x direct.

Measured on the 2-core development machine, shared and under load (load
average ~9), three runs of 200 calls x 9 rounds: a direct call took
4.5-8.0 ms; locus tool 0.92x / 1.04x / 0.99x; agent executor 1.05x / 1.07x /
1.13x; the locus-side work alone 57-67 us per call. At that load the ratios
move by about ±0.1x from run to run; the locus-side figure is the stable one.

Run: ``python bench/bench_mcp.py`` (``LOCUS_BENCH_CALLS`` calls per round,
``LOCUS_BENCH_ROUNDS`` rounds).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
import mcp.types as mt
from _peers import median, table

from locus.core.messages import ToolCall
from locus.core.state import AgentState
from locus.mcp import MCPClient
from locus.mcp._wire import result_value
from locus.tools import ToolExecutor

CALLS = int(os.environ.get("LOCUS_BENCH_CALLS", "200"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "9"))

SERVER = """
from mcp.server.mcpserver import MCPServer

server = MCPServer("bench")

@server.tool()
def add(a: int, b: int) -> int:
    \"\"\"Add two integers.\"\"\"
    return a + b

server.run()
"""


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench_server.py"
        script.write_text(SERVER)
        async with MCPClient([sys.executable, str(script)]) as client:
            (add,) = client.to_locus_tools()
            conn = client._conn
            assert conn is not None
            session = conn.session
            executor = ToolExecutor({add.name: add})
            state = AgentState(run_id="bench")

            async def direct(i: int) -> object:
                return await session.call_tool("add", {"a": i, "b": 1})

            async def locus_tool(i: int) -> object:
                return await add.execute(a=i, b=1)

            async def through_executor(i: int) -> object:
                call = ToolCall(id=f"c{i}", name="add", arguments={"a": i, "b": 1})
                return await executor.execute([call], state=state, iteration=1, emit=lambda e: None)

            canned = await session.call_tool("add", {"a": 1, "b": 1})
            assert isinstance(canned, mt.CallToolResult)
            start = time.perf_counter()
            for i in range(10_000):
                add.validate_arguments({"a": i, "b": 1})
                result_value("bench", "add", canned)
            locus_side = (time.perf_counter() - start) / 10_000

            cases = {"direct": direct, "locus tool": locus_tool, "agent executor": through_executor}
            for fn in cases.values():  # warm up
                for i in range(20):
                    await fn(i)
            times: dict[str, list[float]] = {name: [] for name in cases}
            order = list(cases)
            for round_no in range(ROUNDS):
                spent = dict.fromkeys(order, 0.0)
                for i in range(CALLS):  # interleave call by call: load drifts during a run
                    shift = (round_no + i) % len(order)
                    for name in order[shift:] + order[:shift]:
                        start = time.perf_counter()
                        await cases[name](i)
                        spent[name] += time.perf_counter() - start
                for name in order:
                    times[name].append(spent[name] / CALLS)
    base = median(times["direct"])
    rows = [
        (name, f"{median(values) * 1e6:.0f}", f"{median(values) / base:.2f}x")
        for name, values in times.items()
    ]
    print(f"MCP stdio tool call, {CALLS} calls x {ROUNDS} rounds (median per call)")
    print(table(rows, ("path", "us/call", "vs direct")))
    print(
        f"locus-side work per call, no I/O (schema validation + result conversion): "
        f"{locus_side * 1e6:.1f} us"
    )
    ratio = median(times["locus tool"]) / base
    print(f"goal locus tool <= 1.2x direct: {'met' if ratio <= 1.2 else 'NOT met'} ({ratio:.2f}x)")


if __name__ == "__main__":
    asyncio.run(main())
