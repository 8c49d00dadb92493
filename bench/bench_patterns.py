"""Multi-agent pattern overhead vs LangGraph's prebuilt supervisor and swarm, one process.

The models answer instantly with prebuilt responses (a minimal model object
on each side), so the time measured is the frameworks' own: routing, state
merging, message handling, events. Reported per agent step (one model call)
and per run, best of ``LOCUS_BENCH_REPEAT`` (default 7) batches of
``LOCUS_BENCH_RUNS`` (default 50) runs, locus and LangGraph batches
alternating.

1. supervisor: a coordinator and three workers.
   locus ``Orchestrator`` (typed routing once, three specialists in parallel,
   one summary: 5 model calls) vs ``langgraph_supervisor.create_supervisor``
   (the supervisor transfers to each worker in turn, then answers: 7 calls).
2. handoff: ``triage`` transfers to ``billing``, which answers (2 calls).
   locus ``Handoff`` vs ``langgraph_swarm.create_swarm`` with
   ``create_handoff_tool``.

Each shape runs without a checkpointer and with an in-memory one and a
fresh ``thread_id`` per run (``MemoryCheckpointer`` / LangGraph's
``InMemorySaver``).

Run: ``python bench/bench_patterns.py`` (peers: ``bench/requirements.txt``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from _peers import replay_chat_model, table

REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "7"))
RUNS = int(os.environ.get("LOCUS_BENCH_RUNS", "50"))
WORKERS = ("w1", "w2", "w3")

Once = Callable[[], Awaitable[None]]
_threads = itertools.count()


def thread() -> str:
    return f"bench-{next(_threads)}"


# -- locus ----------------------------------------------------------------------------


class Instant:
    """A locus model answering instantly with a prebuilt response (like the LangChain one)."""

    model = "instant"

    def __init__(self, respond: Callable[[Any], Any]) -> None:
        self.respond = respond

    async def complete(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
        return self.respond(messages)

    async def stream(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError


def reply(text: str = "", *calls: Any) -> Any:
    from locus.core.messages import Message
    from locus.models import ModelResponse

    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    return ModelResponse(
        message=Message.assistant(text or None, tool_calls=list(calls)), usage=usage
    )


def locus_supervisor(durable: bool) -> tuple[Once, int]:
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.multiagent.orchestrator import Orchestrator
    from locus.multiagent.specialist import Specialist

    route = reply(json.dumps({"decision_type": "delegate", "specialists": list(WORKERS)}))
    final, found = reply("final"), reply("answer. Confidence: 0.9")

    def boss(messages: Any) -> Any:
        return route if "coordinate specialists" in (messages[0].content or "") else final

    orchestrator = Orchestrator(
        specialists=[Specialist(name=w, model=Instant(lambda m: found)) for w in WORKERS],
        model=Instant(boss),
        checkpointer=MemoryCheckpointer() if durable else None,
    )

    async def once() -> None:
        result = await orchestrator.execute("incident", thread_id=thread() if durable else None)
        assert result.summary == "final"
        assert len(result.specialist_results) == 3

    return once, 5


def locus_handoff(durable: bool) -> tuple[Once, int]:
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.core.messages import ToolCall
    from locus.multiagent.handoff import create_handoff_agent, create_handoff_manager

    transfer = reply("", ToolCall(id="t1", name="transfer_to_billing", arguments={"summary": "x"}))
    refunded = reply("refunded")
    triage = create_handoff_agent(
        "triage", model=Instant(lambda m: transfer), can_delegate_to=["billing"]
    )
    billing = create_handoff_agent("billing", model=Instant(lambda m: refunded))
    desk = create_handoff_manager([triage, billing])
    if durable:
        desk.checkpointer = MemoryCheckpointer()

    async def once() -> None:
        result = await desk.execute("refund", thread_id=thread() if durable else None)
        assert result.text == "refunded"

    return once, 2


# -- LangGraph ------------------------------------------------------------------------


def _transfer(name: str, i: int) -> Any:
    from langchain_core.messages import AIMessage

    call = {"name": f"transfer_to_{name}", "args": {}, "id": f"call-{name}-{i}"}
    return AIMessage(content="", tool_calls=[call])


def langgraph_supervisor(durable: bool) -> tuple[Once, int]:
    from langchain_core.messages import AIMessage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langgraph.checkpoint.memory import InMemorySaver
        from langgraph.prebuilt import create_react_agent
        from langgraph_supervisor import create_supervisor

        def boss(i: int) -> Any:
            step = i % 4
            return _transfer(WORKERS[step], i) if step < 3 else AIMessage(content="final")

        workers = [
            create_react_agent(
                replay_chat_model(lambda i: AIMessage(content="answer")), tools=[], name=w
            )
            for w in WORKERS
        ]
        app = create_supervisor(workers, model=replay_chat_model(boss)).compile(
            checkpointer=InMemorySaver() if durable else None
        )

    async def once() -> None:
        config: dict[str, Any] = {"recursion_limit": 100}
        if durable:
            config["configurable"] = {"thread_id": thread()}
        out = await app.ainvoke({"messages": [("user", "incident")]}, config)
        assert out["messages"][-1].content == "final"

    return once, 7


def langgraph_swarm(durable: bool) -> tuple[Once, int]:
    from langchain_core.messages import AIMessage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langgraph.checkpoint.memory import InMemorySaver
        from langgraph.prebuilt import create_react_agent
        from langgraph_swarm import create_handoff_tool, create_swarm

        triage = create_react_agent(
            replay_chat_model(lambda i: _transfer("billing", i)),
            tools=[create_handoff_tool(agent_name="billing")],
            name="triage",
        )
        billing = create_react_agent(
            replay_chat_model(lambda i: AIMessage(content="refunded")), tools=[], name="billing"
        )
        app = create_swarm([triage, billing], default_active_agent="triage").compile(
            checkpointer=InMemorySaver() if durable else None
        )

    async def once() -> None:
        config: dict[str, Any] = {"recursion_limit": 100}
        if durable:
            config["configurable"] = {"thread_id": thread()}
        out = await app.ainvoke({"messages": [("user", "refund")]}, config)
        assert out["messages"][-1].content == "refunded"

    return once, 2


# -- measuring ------------------------------------------------------------------------


async def per_run(*onces: Once) -> list[float]:
    """Best-of-REPEAT mean seconds per run of each ``once``.

    Batches alternate between the contenders, so a load spike on the shared
    machine hits both rather than one.
    """
    for once in onces:
        await once()  # warm up (imports, caches)
    best = [float("inf")] * len(onces)
    for _ in range(REPEAT):
        for index, once in enumerate(onces):
            start = time.perf_counter()
            for _ in range(RUNS):
                await once()
            best[index] = min(best[index], (time.perf_counter() - start) / RUNS)
    return best


SHAPES: dict[str, tuple[Any, Any]] = {
    "supervisor (1 + 3 agents)": (locus_supervisor, langgraph_supervisor),
    "handoff (2 agents, 1 transfer)": (locus_handoff, langgraph_swarm),
}


async def main() -> None:
    rows: list[tuple[str, ...]] = []
    for shape, (ours, theirs) in SHAPES.items():
        for durable in (False, True):
            label = f"{shape}{', in-memory checkpointer' if durable else ''}"
            once, steps = ours(durable)
            try:
                peer_once, peer_steps = theirs(durable)
            except ImportError as exc:
                print(f"({theirs.__name__} unavailable: {exc}; see bench/requirements.txt)")
                (mine,) = await per_run(once)
                per_step = f"{mine / steps * 1e6:.0f}"
                rows.append((label, per_step, "-", "-", f"{mine * 1e6:.0f}", "-"))
                continue
            mine, peer = await per_run(once, peer_once)
            mine_step = mine / steps * 1e6
            peer_step = peer / peer_steps * 1e6
            rows.append(
                (
                    label,
                    f"{mine_step:.0f}",
                    f"{peer_step:.0f}",
                    f"{mine_step / peer_step:.2f}",
                    f"{mine * 1e6:.0f}",
                    f"{peer * 1e6:.0f}",
                )
            )
    header = (
        "shape",
        "locus µs/step",
        "langgraph µs/step",
        "ratio (goal <= 0.20)",
        "locus µs/run",
        "langgraph µs/run",
    )
    print(table(rows, header))


if __name__ == "__main__":
    asyncio.run(main())
