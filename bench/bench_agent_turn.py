"""Per-turn framework overhead of a 50-turn run (one tool call per turn).

Each framework runs the same workload: a scripted model asks for one call of a
trivial tool per turn for 50 turns, then answers. The model and the tool cost
~nothing, so the time per turn is the framework's own overhead: message
bookkeeping, schema handling, tool dispatch, events, state.

- locus: ``Agent`` with a minimal duck-typed scripted model (no message copies);
  the sync tool runs in a worker thread, as the peers run theirs. A second row
  opts the tool into ``@tool(inline=True)`` (the body runs on the event-loop
  thread: no thread hop, but it blocks the loop; see docs/agent.md).
- LangGraph: ``create_react_agent`` on a custom ``BaseChatModel`` replaying AIMessages.
- pydantic-ai: ``Agent`` on its ``FunctionModel``.
- the original locus (``locus-sdk==0.2.0b16``, only with ``LOCUS_BENCH_ORIGINAL=1``):
  this same ``locus_run`` in its own venv.

Second table: a run of one tool call + answer (2 turns) on a thread that
already holds 100 or 2,000 messages of ~500 characters: locus keeping the
thread in the agent, locus with ``MemoryCheckpointer``, LangGraph
``create_react_agent`` with ``InMemorySaver``. Times are CPU time of the
process (``time.process_time``), so the load of a shared machine weighs less.

Every framework is measured ``LOCUS_BENCH_ROUNDS`` times, the rounds
interleaved (locus, LangGraph, pydantic-ai, locus, ...), and each figure is the
median over all rounds, so a change of machine load during the run weighs on
every framework alike.

Run: ``python bench/bench_agent_turn.py`` (``LOCUS_BENCH_TURNS``/``LOCUS_BENCH_REPEAT``/
``LOCUS_BENCH_ROUNDS``; ``LOCUS_BENCH_ORIGINAL=1`` adds the original locus, installed
into ``.bench-venvs/`` on first use).
"""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _peers import median, original_locus_python, replay_chat_model, table

TURNS = int(os.environ.get("LOCUS_BENCH_TURNS", "50"))
REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "15"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "3"))
THREAD_SIZES = (100, 2000)
TEXT = ("The quick brown fox jumps over the lazy dog; " * 12)[:500]


def _noop(i: int) -> int:
    """Return the turn number."""
    return i


async def _anoop(i: int) -> int:
    """Return the turn number (an async body: no framework moves it to a thread)."""
    return i


async def locus_run(inline: bool = False, body: str = "sync") -> Callable[[], Awaitable[None]]:
    """The locus workload; portable, so the original locus can run this very function."""
    from locus import Agent, tool
    from locus.core.messages import Message, ToolCall

    try:
        from locus.models import ModelResponse
    except ImportError:  # the original locus keeps it next to the protocols
        from locus.core.protocols import ModelResponse  # type: ignore[no-redef]

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

    class Replay:
        model = "replay"

        def __init__(self) -> None:
            self.i = 0

        async def complete(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
            self.i += 1
            return turns[self.i - 1]

        async def stream(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
            raise NotImplementedError

    if body == "async":
        noop = tool(_anoop, name="noop")
    else:
        noop = tool(_noop, name="noop", inline=True) if inline else tool(_noop, name="noop")

    async def once() -> None:
        # a fresh agent per run (construction is amortised over TURNS + 1 turns)
        agent = Agent(model=Replay(), tools=[noop], max_iterations=TURNS + 5)
        events = 0
        async for _ in agent.run("go"):
            events += 1
        assert events > TURNS, events

    return once


def original_locus() -> float | None:
    """Per-turn µs of the same workload run by the original locus, in its own venv."""
    if not os.environ.get("LOCUS_BENCH_ORIGINAL") or os.environ.get("LOCUS_BENCH_SKIP_ORIGINAL"):
        return None
    python = original_locus_python()
    if python is None:
        return None
    out = subprocess.run(
        [python, __file__, "--locus-only"], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        print(f"(original locus failed: {out.stderr.strip().splitlines()[-1:]})")
        return None
    return float(out.stdout.strip().splitlines()[-1])


async def langgraph_run(body: str = "sync") -> Callable[[], Awaitable[None]]:
    from langchain_core.messages import AIMessage
    from langchain_core.tools import tool as lc_tool

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langgraph.prebuilt import create_react_agent

    def respond(i: int) -> AIMessage:
        if i < TURNS:
            return AIMessage(
                content="", tool_calls=[{"name": "noop", "args": {"i": i}, "id": f"c{i}"}]
            )
        return AIMessage(content="done")

    noop = lc_tool(_anoop if body == "async" else _noop, parse_docstring=False)
    noop.name = "noop"

    async def once() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = create_react_agent(replay_chat_model(respond), [noop])
        out = await graph.ainvoke(
            {"messages": [("user", "go")]}, {"recursion_limit": 4 * TURNS + 10}
        )
        assert out["messages"][-1].content == "done"

    return once


async def pydantic_ai_run(body: str = "sync") -> Callable[[], Awaitable[None]]:
    from pydantic_ai import Agent
    from pydantic_ai.messages import ModelResponse, TextPart, ToolCallPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel
    from pydantic_ai.usage import UsageLimits

    state = {"i": 0}

    def respond(messages: Any, info: AgentInfo) -> ModelResponse:
        i = state["i"]
        state["i"] += 1
        if i < TURNS:
            return ModelResponse(parts=[ToolCallPart("noop", {"i": i}, tool_call_id=f"c{i}")])
        return ModelResponse(parts=[TextPart("done")])

    agent = Agent(FunctionModel(respond))
    agent.tool_plain(name="noop")(_anoop if body == "async" else _noop)
    limits = UsageLimits(request_limit=None)

    async def once() -> None:
        state["i"] = 0
        result = await agent.run("go", usage_limits=limits)
        assert result.output == "done"

    return once


async def samples_of(once: Callable[[], Awaitable[None]]) -> list[float]:
    """CPU seconds of REPEAT runs of ``once``."""
    samples = []
    for _ in range(REPEAT):
        start = time.process_time()
        await once()
        samples.append(time.process_time() - start)
    return samples


async def measure(factory: Callable[[], Awaitable[Any]]) -> float:
    once = await factory()
    await once()  # warm up
    return median(await samples_of(once)) / (TURNS + 1) * 1e6


def _thread_turn(i: int) -> tuple[str, int] | None:
    """Replay script of the thread workload: call ``noop`` on even calls, answer on odd."""
    return ("noop", i) if i % 2 == 0 else None


async def locus_thread_run(n: int, checkpointer: bool) -> Callable[[], Awaitable[None]]:
    from locus import Agent, tool
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.core.messages import Message, ToolCall
    from locus.core.state import AgentState
    from locus.models import ModelResponse

    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}

    class Replay:
        model = "replay"

        def __init__(self) -> None:
            self.i = 0

        async def complete(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
            self.i += 1
            call = _thread_turn(self.i - 1)
            if call is None:
                return ModelResponse(message=Message.assistant("done"), usage=usage)
            calls = [ToolCall(id=f"c{self.i}", name=call[0], arguments={"i": call[1]})]
            return ModelResponse(message=Message.assistant(tool_calls=calls), usage=usage)

        async def stream(self, messages: Any, tools: Any = None, **kwargs: Any) -> Any:
            raise NotImplementedError

    saver = MemoryCheckpointer() if checkpointer else None
    agent = Agent(model=Replay(), tools=[tool(_noop, name="noop")], checkpointer=saver)
    history = [
        Message.user(f"{i} {TEXT}") if i % 2 == 0 else Message.assistant(f"{i} {TEXT}")
        for i in range(n)
    ]
    thread = AgentState(thread_id="t", messages=history)
    if saver is not None:
        await saver.save(thread, "t")
    else:
        agent._threads["t"] = thread  # the same state a long conversation leaves behind

    async def once() -> None:
        result = await agent.invoke("go", thread_id="t")
        assert result.message == "done"

    return once


async def langgraph_thread_run(n: int) -> Callable[[], Awaitable[None]]:
    from langchain_core.messages import AIMessage, HumanMessage
    from langchain_core.tools import tool as lc_tool
    from langgraph.checkpoint.memory import InMemorySaver

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langgraph.prebuilt import create_react_agent

    def respond(i: int) -> AIMessage:
        call = _thread_turn(i)
        if call is None:
            return AIMessage(content="done")
        return AIMessage(
            content="", tool_calls=[{"name": call[0], "args": {"i": call[1]}, "id": f"c{i}"}]
        )

    noop = lc_tool(_noop, parse_docstring=False)
    noop.name = "noop"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = create_react_agent(replay_chat_model(respond), [noop], checkpointer=InMemorySaver())
    config: dict[str, Any] = {"configurable": {"thread_id": "t"}}
    history = [
        HumanMessage(f"{i} {TEXT}") if i % 2 == 0 else AIMessage(f"{i} {TEXT}") for i in range(n)
    ]
    await graph.aupdate_state(config, {"messages": history})

    async def once() -> None:
        out = await graph.ainvoke({"messages": [("user", "go")]}, config)
        assert out["messages"][-1].content == "done"

    return once


async def measure_thread(factory: Callable[[], Awaitable[Any]]) -> float:
    """CPU µs per turn of one run (2 turns) on a long thread, median of REPEAT runs."""
    once = await factory()
    await once()  # warm up
    samples = []
    for _ in range(REPEAT):
        start = time.process_time()
        await once()
        samples.append(time.process_time() - start)
    return median(samples) / 2 * 1e6


async def thread_table() -> None:
    rows = []
    for n in THREAD_SIZES:
        row = [f"{n:,}"]
        for factory in (
            functools.partial(locus_thread_run, n, checkpointer=False),
            functools.partial(locus_thread_run, n, checkpointer=True),
            functools.partial(langgraph_thread_run, n),
        ):
            try:
                row.append(f"{await measure_thread(factory):,.0f}")
            except ImportError as exc:
                row.append(f"unavailable ({exc.name})")
        rows.append(tuple(row))
    print(
        f"\nCPU us/turn of a run (1 tool call + answer) on a thread of N messages ({REPEAT} runs)"
    )
    header = ("N", "locus in-agent thread", "locus MemoryCheckpointer", "langgraph InMemorySaver")
    print(table(rows, header))


def thread_round_trip_us(n: int = 5000) -> float:
    """CPU µs of one bare round trip between two threads (two ``SimpleQueue`` hand-offs).

    No framework code: the floor any sync tool pays on this machine when its
    body runs off the event-loop thread (a real hop adds the loop's own wake-up).
    """
    import queue
    import threading

    there: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    back: queue.SimpleQueue[int] = queue.SimpleQueue()

    def echo() -> None:
        while (item := there.get()) is not None:
            back.put(item)

    thread = threading.Thread(target=echo)
    thread.start()
    start = time.process_time()
    for i in range(n):
        there.put(i)
        back.get()
    elapsed = time.process_time() - start
    there.put(None)
    thread.join()
    return elapsed / n * 1e6


async def to_thread_us(n: int = 3000) -> float:
    """CPU µs of one ``await asyncio.to_thread(noop)`` on this machine (the peers' hop)."""
    start = time.process_time()
    for i in range(n):
        await asyncio.to_thread(_noop, i)
    return (time.process_time() - start) / n * 1e6


async def worker_hop_us(n: int = 3000) -> float:
    """CPU µs of one locus worker hop with nothing else on the loop.

    The least a sync tool call costs here: a kept worker thread runs the body,
    then wakes the loop through its self-pipe.
    """
    from locus.tools._workers import run_in_worker

    start = time.process_time()
    for i in range(n):
        await run_in_worker(_noop, {"i": i})
    return (time.process_time() - start) / n * 1e6


async def main() -> None:
    peers: dict[str, Callable[[], Awaitable[Any]]] = {
        "locus": locus_run,
        "locus, @tool(inline=True)": functools.partial(locus_run, inline=True),
        "langgraph create_react_agent": langgraph_run,
        "pydantic-ai FunctionModel": pydantic_ai_run,
        "locus, async tool": functools.partial(locus_run, body="async"),
        "langgraph, async tool": functools.partial(langgraph_run, body="async"),
        "pydantic-ai, async tool": functools.partial(pydantic_ai_run, body="async"),
    }
    runs: dict[str, Callable[[], Awaitable[None]]] = {}
    for name, factory in peers.items():
        try:
            runs[name] = await factory()
            await runs[name]()  # warm up
        except ImportError as exc:
            print(f"({name} unavailable: {exc})")
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):  # interleaved, so load changes weigh on every framework
        for name, once in runs.items():
            samples[name] += await samples_of(once)
    results = {name: median(s) / (TURNS + 1) * 1e6 for name, s in samples.items()}
    original = original_locus()
    if original is not None:
        results["original locus 0.2.0b16"] = original
    base = results["locus"]
    rows = [(name, f"{us:,.0f}", f"{us / base:.2f}x") for name, us in results.items()]
    print(
        f"CPU us per turn, {TURNS} turns x 1 tool call, median of {ROUNDS} interleaved "
        f"rounds x {REPEAT} runs"
    )
    print(table(rows, ("framework", "us/turn", "vs locus")))
    pairs = (
        (
            "sync tool (locus: kept worker thread; LangGraph: executor thread)",
            "locus",
            "langgraph create_react_agent",
        ),
        (
            "sync tool, locus @tool(inline=True)",
            "locus, @tool(inline=True)",
            "langgraph create_react_agent",
        ),
        ("async tool on both sides (no thread hop)", "locus, async tool", "langgraph, async tool"),
    )
    print()
    for label, ours, theirs in pairs:
        if ours in results and theirs in results:
            ratio = results[ours] / results[theirs]
            print(f"locus / langgraph, {label}: {ratio:.3f} (goal <= 0.05)")
    if original is not None:
        print(f"locus / original locus = {base / original:.2f}")
    print(
        f"\nthread hop floor on this machine (CPU us): bare two-thread round trip "
        f"{thread_round_trip_us():.0f}, locus worker hop on an idle loop "
        f"{await worker_hop_us():.0f}, asyncio.to_thread {await to_thread_us():.0f}; "
        f"locus sync - async tool: {base - results.get('locus, async tool', base):.0f}"
    )
    await thread_table()


if __name__ == "__main__":
    if "--locus-only" in sys.argv:  # run by another interpreter: print µs/turn only
        print(asyncio.run(measure(locus_run)))
    else:
        asyncio.run(main())
