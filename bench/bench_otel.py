"""Cost of locus-otel on the agent loop: not installed vs installed-but-disabled vs enabled.

The workload is ``bench_agent_turn``'s: a scripted model asks for one call of
a trivial tool per turn for 50 turns, then answers, so the time per turn is
framework overhead. Three variants, each in its own fresh interpreter
(alternated, ``LOCUS_BENCH_ROUNDS`` times; the process CPU time of the cheapest of
``LOCUS_BENCH_REPEAT`` runs per process, then the median over processes; CPU time
rather than wall time so other work on a shared machine disturbs it less):

- ``not installed``: ``locus.otel`` and ``opentelemetry`` cannot be imported.
- ``installed, disabled``: ``create_telemetry_hook(enabled=False)`` on the
  agent (what ``OTEL_SDK_DISABLED=true`` gives): a ``NoOpTelemetryHook``.
- ``enabled``: ``TelemetryHook`` on an SDK ``TracerProvider`` with a
  ``BatchSpanProcessor`` (to an exporter that drops the batches) and an SDK
  ``MeterProvider`` with an in-memory reader: every span and metric is built.

Run: ``python bench/bench_otel.py`` (``LOCUS_BENCH_TURNS``, ``LOCUS_BENCH_REPEAT``,
``LOCUS_BENCH_ROUNDS``).
"""

from __future__ import annotations

import asyncio
import importlib.abc
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _peers import median, table

TURNS = int(os.environ.get("LOCUS_BENCH_TURNS", "50"))
REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "15"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "5"))
VARIANTS = ("not installed", "installed, disabled", "enabled")


class _NotInstalled(importlib.abc.MetaPathFinder):
    """Make ``locus.otel`` and ``opentelemetry`` unimportable, as if not installed."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> None:
        if fullname == "locus.otel" or fullname.split(".")[0] == "opentelemetry":
            raise ImportError(f"{fullname} is not installed (bench variant)")
        return None


def _hooks(variant: str) -> list[Any]:
    if variant == "not installed":
        return []
    from locus.otel import TelemetryHook, create_telemetry_hook

    if variant == "installed, disabled":
        return [create_telemetry_hook(enabled=False)]
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class Drop(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BatchSpanProcessor(Drop()))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return [TelemetryHook(tracer_provider=tracer_provider, meter_provider=meter_provider)]


async def _per_turn_us(variant: str) -> float:
    from locus import Agent, tool
    from locus.core.messages import Message, ToolCall
    from locus.models import ModelResponse, ScriptedModel

    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    turns = [
        ModelResponse(
            message=Message.assistant(
                tool_calls=[ToolCall(id=f"c{i}", name="noop", arguments={"i": i})]
            ),
            usage=usage,
        )
        for i in range(TURNS)
    ]
    turns.append(ModelResponse(message=Message.assistant("done"), usage=usage))

    def noop(i: int) -> int:
        """Return the turn number."""
        return i

    noop_tool = tool(noop, name="noop")
    hooks = _hooks(variant)

    async def once() -> None:
        agent = Agent(
            model=ScriptedModel(turns), tools=[noop_tool], max_iterations=TURNS + 5, hooks=hooks
        )
        async for _ in agent.run("go"):
            pass

    await once()  # warm up
    samples = []
    for _ in range(REPEAT):
        start = time.process_time()  # CPU time: what the loop costs, less the machine's load
        await once()
        samples.append(time.process_time() - start)
    # the fastest run: the least disturbed by other processes on a shared machine
    return min(samples) / (TURNS + 1) * 1e6


def _child(variant: str) -> None:
    if variant == "not installed":
        sys.meta_path.insert(0, _NotInstalled())
    print(asyncio.run(_per_turn_us(variant)))


def main() -> None:
    samples: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(ROUNDS):
        for variant in VARIANTS:
            out = subprocess.run(
                [sys.executable, __file__, "--variant", variant],
                capture_output=True,
                text=True,
                check=True,
            )
            samples[variant].append(float(out.stdout.strip().splitlines()[-1]))
    base = median(samples["not installed"])
    rows = [
        (variant, f"{median(values):.1f}", f"{median(values) / base:.2f}x")
        for variant, values in samples.items()
    ]
    print(f"agent loop, {TURNS} tool turns; median over {ROUNDS} processes of the best of {REPEAT}")
    print(table(rows, ("locus-otel", "CPU µs/turn", "vs not installed")))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--variant":
        _child(sys.argv[2])
    else:
        main()
