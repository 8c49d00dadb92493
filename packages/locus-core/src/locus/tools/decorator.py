"""``@tool``: turn a typed Python function into a tool an agent can call."""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from pydantic import BaseModel

from locus.core.errors import ToolError, ValidationError
from locus.tools._schema import ArgsSpec, build_args_spec, parse_docstring
from locus.tools._workers import run_in_worker
from locus.tools.context import ToolContext

__all__ = ["IdempotencyScope", "InDoubtPolicy", "Tool", "render_result", "tool"]

IdempotencyScope = Literal["thread", "run"]

InDoubtPolicy = Literal["report", "retry", "fail"]
"""What an idempotent tool does with a call found *in doubt* (intent recorded, no result):

- ``"report"`` (default): do not run the body; tell the model the outcome is
  unknown (``ToolResult.in_doubt``). At most once: an effect may be lost.
- ``"retry"``: run the body again with the same ``ToolContext.idempotency_key``.
  Exactly once when the downstream system dedupes on that key; at least once
  otherwise.
- ``"fail"``: do not run the body; the run fails with ``ToolInDoubtError`` so
  someone reconciles with the downstream system first. At most once.
"""
F = TypeVar("F", bound=Callable[..., Any])


def _caller_locals() -> dict[str, Any] | None:
    """Locals of the scope applying the decorator (for local types in string annotations)."""
    frame = sys._getframe(2)
    return dict(frame.f_locals) if frame.f_code.co_name != "<module>" else None


def render_result(value: Any) -> str:
    """Render a tool's return value as the text the model sees."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    try:
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError):
        return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return str(value)


class Tool:
    """A callable tool: name, description, JSON schema, validation and execution.

    Satisfies :class:`locus.core.protocols.ToolProtocol` and stays callable
    like the function it wraps (``get_metric("cpu")`` runs the body directly).

    Attributes:
        name: Name the model calls it by.
        description: What it does (from the docstring unless given).
        parameters: JSON schema of the arguments (from type hints).
        fn: The wrapped function.
        idempotent: Dedupe calls on (name, canonical JSON of validated args).
        idempotency_scope: ``"thread"`` (default; the ledger persists with the
            thread's checkpoint) or ``"run"``.
        idempotency_ttl: Seconds a ledger record dedupes, or ``None`` for ever.
        in_doubt: What an idempotent call found in doubt does (:data:`InDoubtPolicy`).
        timeout: Seconds before a call fails with a timeout error, or ``None``.
        inline: A sync body runs on the event-loop thread instead of a worker
            thread (see :func:`tool`).

    ``localns`` resolves string annotations naming local types (``@tool``
    passes the decorating scope's locals).
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
        idempotent: bool = False,
        idempotency_scope: IdempotencyScope = "thread",
        idempotency_ttl: float | None = None,
        in_doubt: InDoubtPolicy = "report",
        timeout: float | None = None,
        inline: bool = False,
        localns: dict[str, Any] | None = None,
    ) -> None:
        if not callable(fn):
            raise ValidationError(f"@tool needs a function, got {fn!r}")
        tool_name = name or getattr(fn, "__name__", None)
        if not tool_name or not isinstance(tool_name, str) or tool_name == "<lambda>":
            raise ValidationError(
                "@tool needs a name: pass @tool(name='...') for lambdas/callables"
            )
        if idempotency_scope not in ("thread", "run"):
            raise ValidationError(
                f"idempotency_scope must be 'thread' or 'run', got {idempotency_scope!r}"
            )
        if idempotency_ttl is not None and idempotency_ttl <= 0:
            raise ValidationError(f"idempotency_ttl must be > 0 seconds, got {idempotency_ttl}")
        if in_doubt not in ("report", "retry", "fail"):
            raise ValidationError(f"in_doubt must be 'report', 'retry' or 'fail', got {in_doubt!r}")
        if in_doubt != "report" and not idempotent:
            raise ValidationError(
                f"in_doubt={in_doubt!r} applies to idempotent tools only: "
                "pass @tool(idempotent=True, in_doubt=...)"
            )
        if timeout is not None and timeout <= 0:
            raise ValidationError(f"timeout must be > 0 seconds, got {timeout}")
        is_async = inspect.iscoroutinefunction(fn)
        if inline and is_async:
            raise ValidationError(
                f"inline=True is for sync bodies; {tool_name!r} is async and already "
                "runs on the event loop: drop inline=True"
            )
        if inline and timeout is not None:
            raise ValidationError(
                f"inline=True with timeout={timeout}: a body running on the event-loop thread "
                "cannot be timed out; drop one of them"
            )
        summary, arg_docs = parse_docstring(inspect.getdoc(fn))
        self.fn = fn
        self.name: str = tool_name
        self.description: str = description if description is not None else summary
        self.idempotent = idempotent
        self.idempotency_scope: IdempotencyScope = idempotency_scope
        self.idempotency_ttl = idempotency_ttl
        self.in_doubt: InDoubtPolicy = in_doubt
        self.timeout = timeout
        self.inline = inline
        self._spec: ArgsSpec = build_args_spec(fn, tool_name, arg_docs, localns)
        self.parameters: dict[str, Any] = self._spec.parameters
        self.is_async = is_async
        functools.update_wrapper(self, fn)

    @property
    def context_param(self) -> str | None:
        """Name of the parameter receiving the :class:`ToolContext`, if any."""
        return self._spec.context_param

    @property
    def wants_context(self) -> bool:
        """Whether a call builds a :class:`ToolContext` for this tool.

        True for a body with a ``ToolContext`` parameter and for a subclass
        that overrides :meth:`call_validated` (it may read the context, e.g.
        to report progress); other tools skip building one.
        """
        return (
            self.context_param is not None or type(self).call_validated is not Tool.call_validated
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the wrapped function directly (no validation, no ledger)."""
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        flags = ", idempotent=True" if self.idempotent else ""
        flags += ", inline=True" if self.inline else ""
        return f"Tool({self.name!r}{flags})"

    def to_openai_schema(self) -> dict[str, Any]:
        """The tool in OpenAI ``tools=[...]`` format."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    def validate_arguments(self, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Validate model arguments; returns (kwargs for the body, canonical JSON).

        Raises:
            locus.core.errors.ToolValidationError: arguments do not match the schema.
        """
        return self._spec.validate(self.name, arguments)

    def coerce_arguments(self, arguments: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Validate model arguments; returns (kwargs for the body, the validated arguments as JSON).

        Like :meth:`validate_arguments` without building the canonical JSON
        text (the idempotency key's input), for calls that have no key.

        A subclass that overrides only :meth:`validate_arguments` (a tool
        validated against its own schema) is honoured: its result is used.

        Raises:
            locus.core.errors.ToolValidationError: arguments do not match the schema.
        """
        if type(self).validate_arguments is not Tool.validate_arguments:
            kwargs, text = self.validate_arguments(arguments)
            validated: dict[str, Any] = json.loads(text)
            return kwargs, validated
        return self._spec.coerce(self.name, arguments)

    async def call_validated(
        self, kwargs: dict[str, Any], context: ToolContext | None = None
    ) -> Any:
        """Run the body with already-validated ``kwargs``.

        A sync body runs in a worker thread (in a copy of the caller's
        context), or on the event-loop thread when the tool is ``inline``.
        """
        if self.context_param is not None:
            kwargs = {**kwargs, self.context_param: context or ToolContext(tool_name=self.name)}
        if self.is_async:
            return await self.fn(**kwargs)
        result = self.fn(**kwargs) if self.inline else await run_in_worker(self.fn, kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def execute(self, **kwargs: Any) -> Any:
        """Validate ``kwargs`` and run the body (``ToolProtocol``); no ledger, no timeout."""
        validated, _ = self.validate_arguments(kwargs)
        return await self.call_validated(validated)


@overload
def tool(fn: F, /) -> Tool: ...


@overload
def tool(
    fn: None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    idempotent: bool = False,
    idempotency_scope: IdempotencyScope = "thread",
    idempotency_ttl: float | None = None,
    in_doubt: InDoubtPolicy = "report",
    timeout: float | None = None,
    inline: bool = False,
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    fn: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    idempotent: bool = False,
    idempotency_scope: IdempotencyScope = "thread",
    idempotency_ttl: float | None = None,
    in_doubt: InDoubtPolicy = "report",
    timeout: float | None = None,
    inline: bool = False,
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Make a tool from a sync or async function.

    The description comes from the docstring, per-argument descriptions from
    its Google-style ``Args:`` section, the JSON schema from the type hints.
    Arguments are validated before the body runs. A parameter annotated
    :class:`ToolContext` is injected and kept out of the schema.

    Args:
        fn: The function (when used as bare ``@tool``).
        name: Tool name (default: the function name).
        description: Description (default: the docstring summary).
        idempotent: Dedupe calls on (name, canonical JSON of the validated
            arguments): a re-fire returns the recorded result without running
            the body, within a run and after a checkpoint resume.
        idempotency_scope: ``"thread"`` (default) or ``"run"``.
        idempotency_ttl: Seconds a record dedupes (``None``: no expiry).
        in_doubt: A call whose intent was recorded but not its result (the
            process died mid-call, or it timed out): ``"report"`` (default:
            not run again, reported in doubt), ``"retry"`` (run again with the
            same ``ToolContext.idempotency_key``) or ``"fail"`` (the run fails
            with ``ToolInDoubtError``). See :data:`InDoubtPolicy`.
        timeout: Per-call timeout in seconds (overrides the agent's ``tool_timeout``).
        inline: Run a sync body on the event-loop thread instead of a worker
            thread. Saves the thread hop (the largest per-call cost of a
            trivial sync tool) but blocks the event loop while the body runs:
            every other run, request and timer on that loop waits, and no
            timeout can stop the body (``timeout=`` is refused; the agent's
            ``tool_timeout`` does not apply). Only for fast, pure functions
            (microseconds, no I/O, no sleeps, no locks). Calls of one turn to
            inline tools run one after another. Not for async bodies.

    Returns:
        A :class:`Tool`, or a decorator making one.

    Raises:
        locus.core.errors.ValidationError: invalid options.
        locus.core.errors.ToolError: the signature cannot become a schema.
    """
    options: dict[str, Any] = {
        "name": name,
        "description": description,
        "idempotent": idempotent,
        "idempotency_scope": idempotency_scope,
        "idempotency_ttl": idempotency_ttl,
        "in_doubt": in_doubt,
        "timeout": timeout,
        "inline": inline,
    }
    if fn is not None:
        if isinstance(fn, Tool):
            raise ToolError(f"{fn!r} is already a tool")
        return Tool(fn, localns=_caller_locals(), **options)

    def decorate(func: Callable[..., Any]) -> Tool:
        return Tool(func, localns=_caller_locals(), **options)

    return decorate
