"""Cognitive router overhead per dispatch, extraction excluded; goal <= 1 ms.

1. route: what the router adds before anything runs, for a given GoalFrame:
   ``compiler.decide(frame)`` (eight protocols judged and scored, the policy
   verdict) then ``compiler.build(decision)`` (the protocol's agents and
   pipeline constructed), for five frames with different compiled shapes.
   Measured without and inside a ``run_context()`` (router.* events published).
2. dispatch: ``router.dispatch(text, frame=frame)`` of a direct_response
   frame (route + one Agent run) next to the same one-agent run invoked
   directly; the difference is the routing overhead inside a real dispatch,
   and the ratio says what it costs relative to the cheapest run.

The model answers instantly with a prebuilt response, so times are the
framework's own. Best of ``LOCUS_BENCH_REPEAT`` (default 7) batches of
``LOCUS_BENCH_RUNS`` (default 200) calls, alternating. No peer: LangGraph and
the other anchors have no rule-based protocol router to compare with.

Run: ``python bench/bench_router.py``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _peers import table

REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "7"))
RUNS = int(os.environ.get("LOCUS_BENCH_RUNS", "200"))
GOAL_US = 1000.0

Once = Callable[[], Awaitable[None]]


class Instant:
    """A locus model answering instantly with a prebuilt response."""

    model = "instant"

    def __init__(self) -> None:
        from locus.core.messages import Message
        from locus.models import ModelResponse

        usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        self.response = ModelResponse(message=Message.assistant("ok"), usage=usage)

    async def complete(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
        return self.response

    async def stream(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError


def setup() -> tuple[Any, Any, Any]:
    from locus import Agent, tool
    from locus.router import (
        Capability,
        CapabilityIndex,
        CognitiveCompiler,
        GoalFrame,
        PolicyGate,
        ProtocolRegistry,
        Router,
        builtin_protocols,
    )

    tools = []
    for name in ("read_metrics", "read_logs", "read_traces"):

        def probe(service: str) -> str:
            """Probe a service.

            Args:
                service: Service name.
            """
            return service

        tools.append(tool(name=name)(probe))
    caps = CapabilityIndex(tools)
    for t in tools:
        caps.annotate(Capability(id=t.name.replace("_", "."), domain="payments", tool_name=t.name))
    registry = ProtocolRegistry()
    registry.register_many(builtin_protocols())
    model = Instant()
    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(),
        model=model,
        on_approval=lambda request: True,
    )
    router = Router(extractor=Agent(model=model, output_schema=GoalFrame), compiler=compiler)
    return compiler, router, model


FRAMES = {
    "answer -> direct_response (1 agent)": {"primary_goal": "answer"},
    "diagnose -> specialist_fanout (3+1 agents)": {
        "primary_goal": "diagnose",
        "domain": "payments",
    },
    "compare -> debate (3 agents)": {"primary_goal": "compare"},
    "generate_code -> codegen loop (2 agents)": {"primary_goal": "generate_code"},
    "remediate, high -> approval gate (1 agent)": {"primary_goal": "remediate", "risk": "high"},
}


async def best(*calls: Once) -> list[float]:
    """Best per-call seconds of each callable, batches alternating (after one warm-up call)."""
    for call in calls:
        await call()
    bests = [float("inf")] * len(calls)
    for _ in range(REPEAT):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            for _ in range(RUNS):
                await call()
            bests[i] = min(bests[i], (time.perf_counter() - start) / RUNS)
    return bests


async def main() -> None:
    from locus import Agent
    from locus.observability import run_context
    from locus.router import GoalFrame

    compiler, router, model = setup()
    rows: list[tuple[str, ...]] = []
    for label, fields in FRAMES.items():
        frame = GoalFrame.model_validate(fields)

        async def route(frame: GoalFrame = frame) -> None:
            compiler.build(await compiler.decide(frame))

        async def route_observed(frame: GoalFrame = frame) -> None:
            async with run_context():
                compiler.build(await compiler.decide(frame))

        quiet, observed = await best(route, route_observed)
        verdict = "yes" if max(quiet, observed) * 1e6 <= GOAL_US else "NO"
        rows.append((label, f"{quiet * 1e6:.0f}", f"{observed * 1e6:.0f}", verdict))
    print("1. route = decide + build, per dispatch (extraction excluded)")
    header = ("frame -> protocol", "µs", "µs with run_context", f"<= {GOAL_US:.0f} µs")
    print(table(rows, header))

    frame = GoalFrame.model_validate(FRAMES["answer -> direct_response (1 agent)"])
    agent = Agent(model=model, system_prompt="Answer the request directly and concisely.")

    async def dispatch() -> None:
        await router.dispatch("What is our refund window?", frame=frame)

    async def agent_only() -> None:
        await agent.invoke("What is our refund window?")

    routed, bare = await best(dispatch, agent_only)
    print()
    print("2. dispatch of a direct_response frame vs the same agent invoked directly")
    print(
        table(
            [
                (
                    f"{routed * 1e6:.0f}",
                    f"{bare * 1e6:.0f}",
                    f"{(routed - bare) * 1e6:.0f}",
                    f"{routed / bare:.2f}",
                )
            ],
            ("dispatch µs", "agent.invoke µs", "routing overhead µs", "ratio"),
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
