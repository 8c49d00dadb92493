"""Console stream handlers: a ``rich`` rendering of a run, and a plain minimal one.

``ConsoleHandler`` needs ``rich`` (``pip install 'locus-core[console]'``),
imported when a handler is built, never when locus is imported.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, TYPE_CHECKING, Any

from locus.streaming._event import AnyEvent, event_view
from locus.streaming.handler import BaseStreamHandler

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

__all__ = ["ConsoleHandler", "MinimalConsoleHandler"]


def _load_rich() -> Any:
    try:
        import rich.console
        import rich.text
    except ImportError as exc:
        from locus.core.errors import ConfigError

        raise ConfigError(
            "ConsoleHandler renders with rich, which is not installed: "
            "pip install 'locus-core[console]' (or use MinimalConsoleHandler for plain text)",
            cause=exc,
        ) from exc
    return rich


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ConsoleHandler(BaseStreamHandler):
    """Render a run on a terminal with ``rich``: live tool calls, reasoning, tokens, progress.

    Model text streams as it arrives (``Agent(stream=True)``); each tool call
    shows its name (and arguments with ``show_tool_args``) when it starts and
    its result or error when it ends; reasoning and reflections show dimmed;
    each model turn adds a token line; the run ends with the answer and a
    summary (stop reason, iterations, tokens, time). On a terminal, a
    transient progress line (spinner, phase, iteration, tokens, elapsed time)
    stays under the output while the run goes on; when the output is not a
    terminal (a file, a pipe) there is no progress line and no colour.

    Args:
        output: Where to write (default: ``sys.stdout``).
        show_reasoning: Show the model's reasoning.
        show_tool_args: Show tool arguments.
        show_tool_results: Show tool results.
        show_timestamps: Prefix lines with the time.
        show_progress: Show the live progress line on a terminal.
        use_color: Colour (only on a terminal).
        use_emoji: Use emoji markers (plain markers otherwise).
        max_result_length: Longest tool result / reasoning shown.
        indent: Indentation of nested lines.

    Raises:
        locus.core.errors.ConfigError: ``rich`` is not installed.
    """

    def __init__(
        self,
        output: IO[str] | None = None,
        show_reasoning: bool = True,
        show_tool_args: bool = False,
        show_tool_results: bool = True,
        show_timestamps: bool = False,
        show_progress: bool = True,
        use_color: bool = True,
        use_emoji: bool = True,
        max_result_length: int = 500,
        indent: str = "  ",
    ) -> None:
        rich = _load_rich()
        self._text = rich.text.Text
        self.console: Console = rich.console.Console(
            file=output or sys.stdout, no_color=not use_color, highlight=False, emoji=False
        )
        self.show_reasoning = show_reasoning
        self.show_tool_args = show_tool_args
        self.show_tool_results = show_tool_results
        self.show_timestamps = show_timestamps
        self.show_progress = show_progress
        self.max_result_length = max_result_length
        self.indent = indent
        self._marks = (
            {"think": "💭", "tool": "🔧", "ok": "↳", "fail": "✗", "done": "✓", "tokens": "🪙"}
            if use_emoji
            else {"think": "~", "tool": ">", "ok": "<", "fail": "x", "done": "=", "tokens": "#"}
        )
        self._status: Status | None = None
        self._started = time.monotonic()
        self._iteration = 0
        self._tokens = 0
        self._phase = "starting"
        self._streaming = False  # model text is being streamed on the current line
        self._turn_streamed = False  # the current model turn's text was streamed
        self._answer_shown = False  # the last turn's text is already on screen

    # -- output helpers -----------------------------------------------------------

    def _line(self, text: str, style: str = "", *, indent: int = 0) -> None:
        self._end_stream()
        prefix = time.strftime("%H:%M:%S ") if self.show_timestamps else ""
        self.console.print(self._text(prefix + self.indent * indent + text, style=style))

    def _end_stream(self) -> None:
        if self._streaming:
            self.console.print()
            self._streaming = False

    def _progress(self) -> None:
        if self._streaming or not (self.show_progress and self.console.is_terminal):
            return  # a live line redrawn mid-sentence would erase the streamed text
        elapsed = time.monotonic() - self._started
        text = (
            f"{self._phase} · iteration {self._iteration} · {self._tokens} tokens · {elapsed:.1f}s"
        )
        if self._status is None:
            self._status = self.console.status(text, spinner="dots")
            self._status.start()
        else:
            self._status.update(text)

    def _stop_progress(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    # -- handler ---------------------------------------------------------------------

    def on_event(self, event: AnyEvent) -> None:
        view = event_view(event)
        data = view.data
        kind = view.event_type
        marks = self._marks
        if kind == "agent.started":
            self._started = time.monotonic()
            name = data.get("agent_name") or "agent"
            self._line(f"▶ {name}", "bold")
            self._phase = "thinking"
        elif kind == "agent.model.chunk":
            content = data.get("content")
            if content:
                self._stop_progress()
                self.console.print(self._text(content), end="")
                self._streaming = self._turn_streamed = True
        elif kind == "agent.think":
            self._iteration = int(data.get("iteration") or self._iteration)
            reasoning = data.get("reasoning") or ""
            content = data.get("content") or ""
            if self.show_reasoning and reasoning and reasoning != content:
                self._line(
                    f"{marks['think']} {_clip(reasoning, self.max_result_length)}", "dim italic"
                )
            self._answer_shown = self._turn_streamed
            self._turn_streamed = False
            if content and not self._answer_shown and data.get("tool_calls"):
                self._line(_clip(content, self.max_result_length))
            self._end_stream()
        elif kind == "agent.tool.started":
            name = data.get("tool_name")
            args = ""
            if self.show_tool_args:
                args = json.dumps(data.get("arguments") or {}, default=str)
            self._line(f"{marks['tool']} {name}({_clip(args, self.max_result_length)})", "cyan")
            self._phase = f"running {name}"
        elif kind == "agent.tool.completed":
            ms = float(data.get("duration_ms") or 0.0)
            if data.get("error"):
                self._line(f"{marks['fail']} {data['error']}", "red", indent=1)
            elif self.show_tool_results:
                result = _clip(str(data.get("result") or ""), self.max_result_length)
                cached = " (cached)" if data.get("cached") else ""
                self._line(f"{marks['ok']} {result}  [{ms:.0f} ms{cached}]", "green", indent=1)
            self._phase = "thinking"
        elif kind == "agent.tool.progress":
            fraction = data.get("fraction")
            done = f" ({fraction:.0%})" if isinstance(fraction, int | float) else ""
            self._line(f"… {data.get('message')}{done}", "dim", indent=1)
            self._phase = f"running {data.get('tool_name')}{done}"
        elif kind == "agent.tokens.used":
            self._tokens = int(data.get("run_total_tokens") or self._tokens)
            self._line(
                f"{marks['tokens']} {data.get('prompt_tokens', 0)} in · "
                f"{data.get('completion_tokens', 0)} out · {self._tokens} total",
                "dim",
                indent=1,
            )
        elif kind == "agent.reflect" and self.show_reasoning:
            self._line(
                f"{marks['think']} reflection: confidence {data.get('confidence', 0):.2f} - "
                f"{_clip(str(data.get('assessment') or ''), self.max_result_length)}",
                "dim",
            )
        elif kind == "agent.interrupt":
            self._line(
                f"⏸ waiting for input: {json.dumps(data.get('payload'), default=str)}", "yellow"
            )
        elif kind == "agent.error":
            self._line(
                f"{marks['fail']} {data.get('error_kind')}: {data.get('message')}", "bold red"
            )
        elif kind == "agent.terminate":
            self._stop_progress()
            answer = data.get("final_message") or ""
            if answer and not self._answer_shown:
                self._line(answer, "bold")
            self._end_stream()
            elapsed = time.monotonic() - self._started
            self._line(
                f"{marks['done']} {data.get('reason')} · {data.get('iterations', 0)} iterations · "
                f"{data.get('total_tokens', 0)} tokens · {elapsed:.1f}s",
                "bold green",
            )
            return
        elif not kind.startswith("agent."):  # graphs, patterns, memory...: one dim line
            fields = " ".join(
                f"{k}={v}" for k, v in data.items() if isinstance(v, str | int | float | bool)
            )
            self._line(f"· {kind} {_clip(fields, self.max_result_length)}", "dim")
        self._progress()

    def on_complete(self) -> None:
        self._stop_progress()
        self._end_stream()

    def on_error(self, error: BaseException) -> None:
        self._stop_progress()
        kind = getattr(error, "kind", None) or type(error).__name__
        self._line(f"{self._marks['fail']} run failed: {kind}: {error}", "bold red")


class MinimalConsoleHandler(BaseStreamHandler):
    """Plain text, no dependencies: streamed model text, tool names, the final answer.

    Args:
        output: Where to write (default: ``sys.stdout``).
    """

    def __init__(self, output: IO[str] | None = None) -> None:
        self.output = output or sys.stdout
        self._streamed = False

    def _write(self, text: str) -> None:
        self.output.write(text)
        self.output.flush()

    def on_event(self, event: AnyEvent) -> None:
        view = event_view(event)
        data = view.data
        if view.event_type == "agent.model.chunk" and data.get("content"):
            self._write(data["content"])
            self._streamed = True
        elif view.event_type == "agent.tool.started":
            self._write(f"{chr(10) if self._streamed else ''}[{data.get('tool_name')}]\n")
            self._streamed = False
        elif view.event_type == "agent.terminate":
            if self._streamed:
                self._write("\n")
            elif data.get("final_message"):
                self._write(f"{data['final_message']}\n")
            self._streamed = False

    def on_error(self, error: BaseException) -> None:
        self._write(f"\nerror: {error}\n")
