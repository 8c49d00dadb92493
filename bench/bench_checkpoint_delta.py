"""Delta checkpoints: per-save and load cost at 200 vs 2,000 messages, bytes per turn.

Workload: the realistic thread of ``bench_serde.thread_state`` (user turns,
assistant turns calling a tool, tool results, ~500 characters of text each).
One *turn* appends 4 messages and one ``ToolExecution``, bumps the iteration
and token usage, then saves (what an agent run does). Variants, side by side
in one process:

- ``delta`` (the default): a save writes what changed since the last state
  this checkpointer saved, a full snapshot every ``snapshot_every`` (32)
  deltas of a chain;
- ``full`` (``snapshot_every=0``): every save writes the whole state, as
  before delta checkpoints.

Times are CPU time (``time.process_time``) of one ``save``, one ``load``
of the newest checkpoint by the instance that saved it (its cache answers),
and one *cold* load (the chain read and reassembled, as another process
would; the ``full`` variant reads one record), the variants interleaved turn by turn, median and
mean of all turns (the mean includes the periodic snapshots). ``bytes/turn``
is the payload written per save (median, and mean with the snapshots).
Backends: memory and SQLite (a file in a temporary folder).
Run: ``python bench/bench_checkpoint_delta.py`` (``LOCUS_BENCH_TURNS``, default 96).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import table
from bench_serde import _text, thread_state

TURNS = int(os.environ.get("LOCUS_BENCH_TURNS", "96"))


def _turn(state: Any, i: int) -> None:
    from locus.core.messages import Message, ToolCall, ToolResult
    from locus.core.state import ToolExecution

    call = ToolCall(id=f"b-{i}", name="get_metric", arguments={"name": "p99", "i": i})
    result = ToolResult(tool_call_id=call.id, name=call.name, content=_text(9000 + i))
    state.messages += [
        Message.user(_text(8000 + i)),
        Message.assistant(tool_calls=[call]),
        Message.tool(result),
        Message.assistant(_text(7000 + i)),
    ]
    state.tool_executions.append(
        ToolExecution(tool_call_id=call.id, name=call.name, result=result.content)
    )
    state.iteration += 1
    state.token_usage.prompt_tokens += 100


async def _run(folder: Path) -> list[tuple[str, ...]]:
    from locus.checkpoint._chain import resolve
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    makers: dict[str, Callable[[str, int | None], Any]] = {
        "memory": lambda name, every: MemoryCheckpointer(snapshot_every=every),
        "sqlite": lambda name, every: SQLiteCheckpointer(
            folder / f"{name}.db", snapshot_every=every
        ),
    }
    cases = []
    for backend, make in makers.items():
        for n in (200, 2000):
            for variant, every in (("delta", None), ("full", 0)):
                cp = make(f"{backend}-{n}-{variant}", every)
                state = thread_state(n)
                await cp.save(state, "t")  # the thread exists; turns follow
                cases.append((backend, n, variant, cp, state, [], [], [], []))
    for i in range(TURNS):  # interleaved: one turn of every case, then the next
        for _backend, _n, _variant, cp, state, saves, loads, cold, sizes in cases:
            _turn(state, i)
            start = time.process_time()
            cid = await cp.save(state, "t")
            saves.append(time.process_time() - start)
            start = time.process_time()
            await cp.load("t")
            loads.append(time.process_time() - start)
            start = time.process_time()  # a load without the cache (another process)
            await resolve(cp, await cp._stored_record("t"))
            cold.append(time.process_time() - start)
            record = await cp._read("t", cid)
            sizes.append(len(record.payload))
    rows = []
    for backend, n, variant, cp, _state, saves, loads, cold, sizes in cases:
        rows.append(
            (
                backend,
                f"{n:,}",
                variant,
                f"{statistics.median(saves) * 1000:.3f}",
                f"{statistics.fmean(saves) * 1000:.3f}",
                f"{statistics.median(loads) * 1000:.3f}",
                f"{statistics.median(cold) * 1000:.3f}",
                f"{statistics.fmean(cold) * 1000:.3f}",
                f"{statistics.median(sizes):,.0f}",
                f"{statistics.fmean(sizes):,.0f}",
            )
        )
        await cp.aclose()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        rows = asyncio.run(_run(Path(folder)))
    print(f"one turn (4 messages) then save, then load the newest; CPU ms over {TURNS} turns")
    header = (
        "backend",
        "messages",
        "variant",
        "save median",
        "save mean",
        "load median",
        "cold load median",
        "cold load mean",
        "bytes/turn median",
        "bytes/turn mean",
    )
    print(table(rows, header))
    by = {(r[0], r[1], r[2]): r for r in rows}
    for backend in ("memory", "sqlite"):
        for variant in ("delta", "full"):
            small, big = by[(backend, "200", variant)], by[(backend, "2,000", variant)]
            print(
                f"{backend} {variant}: save at 2,000 / at 200 = "
                f"{float(big[3]) / float(small[3]):.2f}x (median), "
                f"{float(big[4]) / float(small[4]):.2f}x (mean); "
                f"cold load {float(big[6]) / float(small[6]):.2f}x (median)"
            )


if __name__ == "__main__":
    main()
