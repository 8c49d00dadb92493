"""``locus demo``: an on-call incident run end to end, offline, in a few seconds.

A scripted SRE model reads two metrics, pages on-call through an idempotent
``page_oncall`` tool and stops on ``ToolCalled("page_oncall") | MaxIterations(8)``.
The thread is saved to SQLite; a second Agent instance continues the same
thread, the model asks for the page again, and the ledger answers it: the
pager fires exactly once. ``--model openai:gpt-4.1`` runs the same workflow
on a real provider.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from locus.core.events import (
    LocusEvent,
    TerminateEvent,
    ThinkEvent,
    TokensUsedEvent,
    ToolCompleteEvent,
    ToolStartEvent,
)
from locus.core.messages import Message, Role, ToolCall

__all__ = ["build_demo_agent", "run_demo", "sre_model"]

SLO_P99_MS = 500.0
METRICS = {"p99_latency_ms": 2430.0, "error_rate_pct": 4.7, "saturation_pct": 61.0}
SYSTEM_PROMPT = (
    "You are the on-call SRE assistant for the checkout service. Read the metrics you need "
    "with get_metric, then page the on-call engineer with page_oncall if the p99 latency is "
    f"above the {SLO_P99_MS:.0f} ms SLO. Keep the page reason short and factual."
)
FIRST_PROMPT = "p99 latency spiked on checkout. Investigate and page if critical."
SECOND_PROMPT = "The alert is still firing. Re-check the metrics and page again if critical."


class Pager:
    """The side effect the demo protects: counts real pages."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, reason: str) -> str:
        self.sent.append(reason)
        return f"PAGE-{1000 + len(self.sent)}: on-call paged ({reason})"


def sre_model() -> Any:
    """A FunctionModel playing a careful SRE (metrics first, page when over SLO)."""
    from locus.models import FunctionModel

    def brain(messages: list[Message], tools: list[dict[str, Any]] | None) -> Message:
        turn = _since_last_user(messages)
        results = {m.name: m.content or "" for m in turn if m.role is Role.TOOL}
        asked = [c.name for m in turn if m.role is Role.ASSISTANT for c in m.tool_calls]
        if "get_metric" not in asked:
            return Message.assistant(
                "Checking checkout latency and error rate before deciding anything.",
                [
                    ToolCall(name="get_metric", arguments={"name": "p99_latency_ms"}),
                    ToolCall(name="get_metric", arguments={"name": "error_rate_pct"}),
                ],
            )
        values = _metric_values(turn)
        p99 = values.get("p99_latency_ms", 0.0)
        if "page_oncall" not in asked and p99 > SLO_P99_MS:
            reason = (
                f"checkout p99 {p99:.0f}ms > {SLO_P99_MS:.0f}ms SLO, "
                f"errors {values.get('error_rate_pct', 0.0):.1f}%"
            )
            return Message.assistant(
                f"p99 is {p99:.0f} ms against a {SLO_P99_MS:.0f} ms SLO: critical. Paging on-call.",
                [ToolCall(name="page_oncall", arguments={"reason": reason})],
            )
        page = results.get("page_oncall", "no page needed")
        return Message.assistant(f"Incident handled: {page}")

    return FunctionModel(brain, name="scripted-sre")


def _since_last_user(messages: list[Message]) -> list[Message]:
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].role is Role.USER:
            return messages[index + 1 :]
    return list(messages)


def _metric_values(turn: list[Message]) -> dict[str, float]:
    names = {
        c.id: str(c.arguments.get("name"))
        for m in turn
        if m.role is Role.ASSISTANT
        for c in m.tool_calls
        if c.name == "get_metric"
    }
    values: dict[str, float] = {}
    for m in turn:
        if m.role is Role.TOOL and m.tool_call_id in names:
            match = re.search(r"-?\d+(?:\.\d+)?", m.content or "")
            if match:
                values[names[m.tool_call_id]] = float(match.group())
    return values


def build_demo_agent(model: Any, checkpointer: Any, pager: Pager) -> Any:
    """The on-call agent: two tools, termination algebra, a SQLite checkpointer."""
    from locus.agent import Agent
    from locus.core.termination import MaxIterations, ToolCalled
    from locus.tools import tool

    @tool(idempotent=True, idempotency_scope="run")
    def get_metric(name: str) -> float:
        """Return the current value of a named SRE metric of the checkout service.

        Args:
            name: One of p99_latency_ms, error_rate_pct, saturation_pct.
        """
        if name not in METRICS:
            raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}")
        return METRICS[name]

    @tool(idempotent=True)
    def page_oncall(reason: str) -> str:
        """Page the on-call engineer. Fires exactly once per reason.

        Args:
            reason: Short, factual reason for the page.
        """
        return pager.send(reason)

    return Agent(
        model=model,
        tools=[get_metric, page_oncall],
        system_prompt=SYSTEM_PROMPT,
        termination=ToolCalled("page_oncall") | MaxIterations(8),
        checkpointer=checkpointer,
        name="oncall",
    )


def _render(event: LocusEvent, out: TextIO) -> None:
    if isinstance(event, ThinkEvent):
        text = (event.content or event.reasoning or "").strip().replace("\n", " ")
        print(f"  think  #{event.iteration}  {text[:110]}", file=out)
    elif isinstance(event, ToolStartEvent):
        args = ", ".join(f"{k}={v!r}" for k, v in event.arguments.items())
        print(f"  tool   {event.tool_name}({args})", file=out)
    elif isinstance(event, ToolCompleteEvent):
        if event.cached:
            note = "  [idempotency ledger: recorded result, body NOT run]"
        elif event.in_doubt:
            note = "  [in doubt: not re-run]"
        elif event.error:
            note = "  [error]"
        else:
            note = ""
        print(f"         -> {(event.error or event.result)[:90]}{note}", file=out)
    elif isinstance(event, TokensUsedEvent):
        print(f"  tokens +{event.total_tokens} (run total {event.run_total_tokens})", file=out)
    elif isinstance(event, TerminateEvent):
        print(
            f"  stop   {event.reason}  after {event.iterations} iteration(s), "
            f"{event.total_tokens} tokens",
            file=out,
        )


async def _run_once(agent: Any, prompt: str, thread_id: str, quiet: bool, out: TextIO) -> Any:
    last: TerminateEvent | None = None
    async for event in agent.run(prompt, thread_id=thread_id):
        if not quiet:
            _render(event, out)
        if isinstance(event, TerminateEvent):
            last = event
    return last


async def _demo(args: argparse.Namespace, directory: Path, out: TextIO) -> int:
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    spec = getattr(args, "model", None) or "test"
    offline = spec == "test"
    thread_id = getattr(args, "thread_id", None) or "oncall-demo"
    quiet = bool(getattr(args, "quiet", False))
    db = directory / "locus-demo.db"
    pager = Pager()

    def model() -> Any:
        if offline:
            return sre_model()
        from locus.models import get_model

        return get_model(spec)

    label = "offline scripted SRE model" if offline else spec
    print(f"locus demo: on-call incident ({label})", file=out)
    print(f"thread {thread_id!r} stored in {db}", file=out)

    print(f"\n[run 1] agent A: {FIRST_PROMPT}", file=out)
    first = build_demo_agent(model(), SQLiteCheckpointer(db), pager)
    await _run_once(first, FIRST_PROMPT, thread_id, quiet, out)
    saved = await SQLiteCheckpointer(db).load(thread_id)
    count = len(saved.messages) if saved is not None else 0
    print(f"  saved  thread checkpoint to SQLite ({count} messages)", file=out)

    print(f"\n[run 2] agent B (new instance, same thread): {SECOND_PROMPT}", file=out)
    second = build_demo_agent(model(), SQLiteCheckpointer(db), pager)
    result = await _run_once(second, SECOND_PROMPT, thread_id, quiet, out)
    state = await SQLiteCheckpointer(db).load(thread_id)
    requested = sum(1 for e in (state.tool_executions if state else []) if e.name == "page_oncall")
    print("", file=out)
    print(f"page_oncall requested: {requested}", file=out)
    print(f"pages sent: {len(pager.sent)}", file=out)
    if requested > len(pager.sent):
        print("the repeated page was answered from the idempotency ledger.", file=out)
    if result is not None:
        print(f"final answer: {result.final_message}", file=out)
    return 0 if len(pager.sent) <= 1 else 1


def run_demo(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Entry point of ``locus demo``; returns the exit code.

    Args:
        args: ``model`` (``"test"`` = offline), ``dir`` (SQLite directory; a
            temporary one when ``None``), ``thread_id``, ``quiet``.
        out: Where to print (default: stdout).
    """
    from locus.core.errors import LocusError

    stream = out or sys.stdout
    directory = getattr(args, "dir", None)
    try:
        if directory:
            path = Path(directory)
            path.mkdir(parents=True, exist_ok=True)
            return asyncio.run(_demo(args, path, stream))
        with tempfile.TemporaryDirectory(prefix="locus-demo-") as tmp:
            return asyncio.run(_demo(args, Path(tmp), stream))
    except LocusError as exc:
        print(f"locus demo failed ({exc.kind}): {exc}", file=sys.stderr)
        return 2
