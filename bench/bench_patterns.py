"""Multi-agent pattern overhead vs LangGraph's prebuilt supervisor and swarm, one process.

The models answer instantly (scripted), so the time measured is the
frameworks' own: routing, state merging, message handling, events. Reported
per agent step (one model call) and per run, best of ``LOCUS_BENCH_REPEAT``
(default 7) batches of ``LOCUS_BENCH_RUNS`` (default 50) runs.

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

REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "7"))
RUNS = int(os.environ.get("LOCUS_BENCH_RUNS", "50"))
WORKERS = ("w1", "w2", "w3")

Once = Callable[[], Awaitable[None]]
_threads = itertools.count()


def thread() -> str:
    return f"bench-{next(_threads)}"


# -- locus ----------------------------------------------------------------------------


def locus_supervisor(durable: bool) -> tuple[Once, int]:
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.models import FunctionModel
    from locus.multiagent.orchestrator import Orchestrator
    from locus.multiagent.specialist import Specialist

    route = json.dumps({"decision_type": "delegate", "specialists": list(WORKERS)})

    def boss(messages: Any, tools: Any) -> str:
        return route if "coordinate specialists" in (messages[0].content or "") else "final"

    specialists = [
        Specialist(name=w, model=FunctionModel(lambda m, t: "answer. Confidence: 0.9"))
        for w in WORKERS
    ]
    orchestrator = Orchestrator(
        specialists=specialists,
        model=FunctionModel(boss),
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
    from locus.models import FunctionModel
    from locus.multiagent.handoff import create_handoff_agent, create_handoff_manager

    transfer = ToolCall(name="transfer_to_billing", arguments={"summary": "refund"})
    triage = create_handoff_agent(
        "triage", model=FunctionModel(lambda m, t: [transfer]), can_delegate_to=["billing"]
    )
    billing = create_handoff_agent("billing", model=FunctionModel(lambda m, t: "refunded"))
    desk = create_handoff_manager([triage, billing])
    if durable:
        desk.checkpointer = MemoryCheckpointer()

    async def once() -> None:
        result = await desk.execute("refund", thread_id=thread() if durable else None)
        assert result.text == "refunded"

    return once, 2


# -- LangGraph ------------------------------------------------------------------------


def _replay_model(respond: Callable[[int], Any]) -> Any:
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.outputs import ChatGeneration, ChatResult

    class Replay(BaseChatModel):
        i: int = 0

        @property
        def _llm_type(self) -> str:
            return "replay"

        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            message = respond(self.i)
            self.i += 1
            return ChatResult(generations=[ChatGeneration(message=message)])

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any
        ) -> ChatResult:
            return self._generate(messages, stop, run_manager, **kwargs)

    return Replay()


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
                _replay_model(lambda i: AIMessage(content="answer")), tools=[], name=w
            )
            for w in WORKERS
        ]
        app = create_supervisor(workers, model=_replay_model(boss)).compile(
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
            _replay_model(lambda i: _transfer("billing", i)),
            tools=[create_handoff_tool(agent_name="billing")],
            name="triage",
        )
        billing = create_react_agent(
            _replay_model(lambda i: AIMessage(content="refunded")), tools=[], name="billing"
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


async def per_run(once: Once) -> float:
    """Best-of-REPEAT mean seconds per run."""
    await once()  # warm up (imports, caches)
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        for _ in range(RUNS):
            await once()
        best = min(best, (time.perf_counter() - start) / RUNS)
    return best


SHAPES: dict[str, tuple[Any, Any]] = {
    "supervisor (1 + 3 agents)": (locus_supervisor, langgraph_supervisor),
    "handoff (2 agents, 1 transfer)": (locus_handoff, langgraph_swarm),
}


async def main() -> None:
    from _peers import table

    rows: list[tuple[str, ...]] = []
    for shape, (ours, theirs) in SHAPES.items():
        for durable in (False, True):
            label = f"{shape}{', in-memory checkpointer' if durable else ''}"
            once, steps = ours(durable)
            mine = await per_run(once)
            try:
                peer_once, peer_steps = theirs(durable)
                peer: float | None = await per_run(peer_once)
            except ImportError as exc:
                print(f"({theirs.__name__} unavailable: {exc}; see bench/requirements.txt)")
                peer, peer_steps = None, 0
            mine_step = mine / steps * 1e6
            if peer is None:
                rows.append((label, f"{mine_step:.0f}", "-", "-", f"{mine * 1e6:.0f}", "-"))
                continue
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
