"""Per-turn cost of a growing thread: does summarisation keep it flat from 100 to 2,000 messages?

One conversation grows turn by turn (a user message and an assistant reply,
20 words each) to 2,000 messages. At 100 and at 2,000 messages we report the
cost of one turn, averaged over the 20 turns around that size (so the
periodic summary folds are amortised in):

- **model tokens / turn**: words sent to the model for the turn plus words
  sent to the summariser (tokens = words, as the offline models count them).
- **manager µs / turn**: time spent shaping the view (and folding), the
  summariser itself costing ~nothing (an offline model).

Compared, on identical messages and equivalent settings (fold once 40
messages are unsummarised, keep the newest 20):

- no manager (the whole thread);
- locus ``SummarizingManager`` vs langmem ``summarize_messages`` (LangGraph's
  running-summary helper), the same job;
- locus ``SlidingWindowManager`` vs langchain-core ``trim_messages`` (last 20
  messages), the same job.

Plus locus end to end: ``Agent`` with and without
``conversation_manager=SummarizingManager(...)``, wall time per turn with the
thread kept by the agent (no checkpointer). That time includes the agent
loading the thread (a deep copy of every message) at the start of each run,
which grows with the thread whatever the manager does.

Run: ``python bench/bench_memory.py`` (``LOCUS_BENCH_MESSAGES`` sets the
largest size, default 2000).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _peers import table

LARGEST = int(os.environ.get("LOCUS_BENCH_MESSAGES", "2000"))
SIZES = (100, LARGEST)
WINDOW = 20  # turns averaged around each size
THRESHOLD, KEEP = 40, 20
WORDS = 20
SUMMARY = " ".join(["summary"] * 50)


def words(i: int, who: str) -> str:
    return " ".join([f"{who}{i}"] * WORDS)


class Meter:
    """Per-turn samples, kept for the turns whose thread size falls in a window."""

    def __init__(self) -> None:
        self.samples: dict[int, list[tuple[int, float]]] = {n: [] for n in SIZES}

    def add(self, size: int, tokens: int, seconds: float) -> None:
        for n in SIZES:
            if abs(size - n) <= WINDOW:  # 2 messages per turn: ~WINDOW turns
                self.samples[n].append((tokens, seconds))

    def at(self, n: int) -> tuple[float, float]:
        rows = self.samples[n]
        return (sum(t for t, _ in rows) / len(rows), sum(s for _, s in rows) / len(rows) * 1e6)


# -- locus ---------------------------------------------------------------------------


def locus_manager(kind: str) -> Meter:
    from locus.core.messages import Message
    from locus.memory import NullManager, SlidingWindowManager, SummarizingManager
    from locus.models import FunctionModel

    summarised = [0]

    def summariser(messages: list[Message], tools: Any) -> str:
        summarised[0] += sum(len((m.content or "").split()) for m in messages)
        return SUMMARY

    model = FunctionModel(summariser)
    manager: Any = {
        "none": NullManager(),
        "summarizing": SummarizingManager(threshold=THRESHOLD, keep_recent=KEEP),
        "sliding": SlidingWindowManager(window_size=KEEP),
    }[kind]
    thread: list[Message] = [Message.system("You are terse.")]
    memory: dict[str, Any] = {}
    meter = Meter()

    async def run() -> None:
        for i in range(LARGEST // 2 + WINDOW):
            thread.append(Message.user(words(i, "u")))
            before = summarised[0]
            started = time.perf_counter()
            view = await manager.async_apply(thread, memory=memory, model=model)
            elapsed = time.perf_counter() - started
            sent = sum(len((m.content or "").split()) for m in view) + summarised[0] - before
            meter.add(len(thread), sent, elapsed)
            thread.append(Message.assistant(words(i, "a")))

    asyncio.run(run())
    return meter


def locus_agent(with_manager: bool = True) -> Meter:
    from locus import Agent
    from locus.core.messages import Message
    from locus.memory import SummarizingManager
    from locus.models import FunctionModel

    sent = [0]

    def model(messages: list[Message], tools: Any) -> str:
        sent[0] += sum(len((m.content or "").split()) for m in messages)
        if "You compress conversations" in (messages[0].content or ""):
            return SUMMARY
        return words(0, "a")

    agent = Agent(
        model=FunctionModel(model),
        system_prompt="You are terse.",
        conversation_manager=(
            SummarizingManager(threshold=THRESHOLD, keep_recent=KEEP) if with_manager else None
        ),
    )
    meter = Meter()

    async def run() -> None:
        for i in range(LARGEST // 2 + WINDOW):
            before = sent[0]
            started = time.perf_counter()
            result = await agent.invoke(words(i, "u"), thread_id="bench")
            elapsed = time.perf_counter() - started
            meter.add(len(result.state.messages) - 1, sent[0] - before, elapsed)

    asyncio.run(run())
    return meter


# -- peers ---------------------------------------------------------------------------


def langmem_summarizing() -> Meter | None:
    try:
        from langchain_core.language_models import BaseChatModel
        from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
        from langchain_core.outputs import ChatGeneration, ChatResult
        from langmem.short_term import summarize_messages
    except ImportError as exc:
        print(f"(langmem unavailable: {exc})")
        return None

    summarised = [0]

    class Summariser(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "bench"

        def _generate(self, messages: list[BaseMessage], stop: Any = None, **kw: Any) -> ChatResult:
            summarised[0] += sum(len(str(m.content).split()) for m in messages)
            return ChatResult(generations=[ChatGeneration(message=AIMessage(SUMMARY))])

    def count(messages: Any) -> int:
        return sum(len(str(m.content).split()) for m in messages)

    model = Summariser()
    thread: list[BaseMessage] = [SystemMessage("You are terse.", id="sys")]
    running = None
    meter = Meter()
    for i in range(LARGEST // 2 + WINDOW):
        thread.append(HumanMessage(words(i, "u"), id=f"u{i}"))
        before = summarised[0]
        started = time.perf_counter()
        result = summarize_messages(
            thread,
            running_summary=running,
            model=model,
            token_counter=count,
            max_tokens_before_summary=THRESHOLD * WORDS + 10,
            max_tokens=KEEP * WORDS + 120,
            max_summary_tokens=60,
        )
        elapsed = time.perf_counter() - started
        running = result.running_summary
        sent = count(result.messages) + summarised[0] - before
        meter.add(len(thread), sent, elapsed)
        thread.append(AIMessage(words(i, "a"), id=f"a{i}"))
    return meter


def langchain_trim() -> Meter | None:
    try:
        from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
        from langchain_core.messages.utils import trim_messages
    except ImportError as exc:
        print(f"(langchain-core unavailable: {exc})")
        return None

    thread: list[BaseMessage] = [SystemMessage("You are terse.")]
    meter = Meter()
    for i in range(LARGEST // 2 + WINDOW):
        thread.append(HumanMessage(words(i, "u")))
        started = time.perf_counter()
        view = trim_messages(
            thread, max_tokens=KEEP + 1, token_counter=len, strategy="last", include_system=True
        )
        elapsed = time.perf_counter() - started
        meter.add(len(thread), sum(len(str(m.content).split()) for m in view), elapsed)
        thread.append(AIMessage(words(i, "a")))
    return meter


def main() -> None:
    warnings.filterwarnings("ignore")
    runs: list[tuple[str, Callable[[], Meter | None]]] = [
        ("no manager (whole thread)", lambda: locus_manager("none")),
        ("locus SummarizingManager", lambda: locus_manager("summarizing")),
        ("langmem summarize_messages", langmem_summarizing),
        ("locus SlidingWindowManager", lambda: locus_manager("sliding")),
        ("langchain trim_messages", langchain_trim),
        ("locus Agent, no manager (end to end)", lambda: locus_agent(False)),
        ("locus Agent + SummarizingManager (end to end)", locus_agent),
    ]
    rows = []
    for name, fn in runs:
        meter = fn()
        if meter is None:
            continue
        (t_small, us_small), (t_big, us_big) = meter.at(SIZES[0]), meter.at(SIZES[1])
        rows.append(
            (
                name,
                f"{t_small:,.0f}",
                f"{t_big:,.0f}",
                f"{t_big / t_small:.2f}x",
                f"{us_small:,.0f}",
                f"{us_big:,.0f}",
                f"{us_big / us_small:.2f}x",
            )
        )
    print(
        f"thread of {SIZES[0]} vs {SIZES[1]} messages ({WORDS} words each); per turn, "
        f"averaged over ±{WINDOW} messages; fold at {THRESHOLD} unsummarised, keep {KEEP}"
    )
    print(
        table(
            rows,
            (
                "",
                f"tokens@{SIZES[0]}",
                f"tokens@{SIZES[1]}",
                "growth",
                f"µs@{SIZES[0]}",
                f"µs@{SIZES[1]}",
                "growth",
            ),
        )
    )


if __name__ == "__main__":
    main()
