"""Cold import time and modules loaded: locus vs the original locus vs LangGraph.

Each measurement is a fresh interpreter; the median of RUNS runs (after one
warm-up that compiles bytecode) is reported. Goal: ``import locus; locus.Agent``
in under 0.6x the original locus's time.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _peers import median, original_locus_python, run_python, table

RUNS = int(os.environ.get("LOCUS_BENCH_RUNS", "15"))

PROBE = """
import sys, time, json
t = time.perf_counter()
{stmt}
print(json.dumps([time.perf_counter() - t, len(sys.modules)]))
"""

CASES = {
    "import locus": "import locus",
    "import locus; locus.Agent": "import locus; locus.Agent",
    "import langgraph.graph": "import langgraph.graph",
}


def measure(python: str, stmt: str) -> tuple[float, int] | None:
    code = PROBE.format(stmt=stmt)
    try:
        run_python(python, code)  # warm-up: bytecode compiled, page cache warm
        samples = [json.loads(run_python(python, code)) for _ in range(RUNS)]
    except Exception as exc:  # a peer that is not installed
        print(f"  ({stmt!r} with {python}: {type(exc).__name__})")
        return None
    return median([s[0] for s in samples]), samples[0][1]


def main() -> None:
    ours = sys.executable
    original = original_locus_python()
    rows = []
    results: dict[str, tuple[float, int] | None] = {}
    for label, stmt in CASES.items():
        if label.startswith("import locus"):
            results[f"locus (this repo): {label}"] = measure(ours, stmt)
            if original:
                results[f"original locus 0.2.0b16: {label}"] = measure(original, stmt)
        else:
            results[f"langgraph: {label}"] = measure(ours, stmt)
    for label, value in results.items():
        if value:
            rows.append((label, f"{value[0] * 1000:.1f} ms", str(value[1])))
    print(table(rows, ("case", "median time", "modules")))
    for case in CASES:
        if not case.startswith("import locus"):
            continue
        ours_v = results.get(f"locus (this repo): {case}")
        orig_v = results.get(f"original locus 0.2.0b16: {case}")
        if ours_v and orig_v:
            print(f"ratio ours/original for {case!r}: {ours_v[0] / orig_v[0]:.2f}x (goal < 0.6x)")
    lg = results.get("langgraph: import langgraph.graph")
    agent = results.get("locus (this repo): import locus; locus.Agent")
    if lg and agent:
        print(f"ratio locus.Agent / langgraph.graph: {agent[0] / lg[0]:.2f}x")


if __name__ == "__main__":
    main()
