"""Everything the loop nodes share for one run."""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from locus.core.durable import StepInfo, current_step_runner
from locus.core.errors import LocusError
from locus.core.events import LocusEvent, ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.core.state import AgentState
from locus.hooks import BeforeModelCallEvent, HookRegistry
from locus.models.response import ModelResponse
from locus.observability import current_run_id, emit, publish_event
from locus.tools import ToolExecutor

__all__ = ["LoopContext", "collect_stream"]

SaveFn = Callable[[str], Awaitable[None]]

if TYPE_CHECKING:
    from locus.reasoning import Grounding, Reflexion


@dataclass
class LoopContext:
    """Configuration and live state of one run of the loop.

    Nodes read the configuration, mutate :attr:`state` and report through
    :meth:`emit`, which publishes to the EventBus and queues the event for the
    ``agent.run()`` consumer.

    :attr:`listening` is ``False`` when nobody takes the per-turn events (the
    run is awaited, not iterated, and no ``run_context()`` is open): the nodes
    then skip building them. The closing ``TerminateEvent`` and the run's
    ``ErrorEvent``/``InterruptEvent`` are always emitted.
    """

    state: AgentState
    model: Any
    executor: ToolExecutor
    tool_schemas: list[dict[str, Any]] | None = None
    hooks: HookRegistry | None = None
    termination: Any = None
    max_iterations: int = 20
    stream: bool = False
    reflexion: Reflexion | None = None
    grounding: Grounding | None = None
    output_schema: Any = None
    structured_retries: int = 2
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    save_fn: SaveFn | None = None
    agent: Any = None
    agent_name: str | None = None
    conversation_manager: Any = None
    # the manager's view of the last model turn and the thread length it covered
    conversation_view: tuple[list[Message], int] | None = None
    # run-time bookkeeping
    force_continue: bool = False
    structured_attempts: int = 0
    reflexion_evaluations: int = 0
    research_rounds: int = 0
    structured_value: Any = None
    response_format: dict[str, Any] | None = None
    interrupted: bool = False
    run_start_index: int = 0
    listening: bool = True
    # the tool calls of the model turn the Think node screened against the limits
    screened_calls: list[ToolCall] = field(default_factory=list)
    _buffer: collections.deque[LocusEvent] = field(default_factory=collections.deque)
    _signal: asyncio.Event | None = None

    def emit(self, event: LocusEvent) -> None:
        """Publish ``event`` and hand it to the run's consumer."""
        publish_event(event)
        self._buffer.append(event)
        if self._signal is not None:
            self._signal.set()

    async def save(self, source: str) -> None:
        """Checkpoint the state (a no-op without a checkpointer)."""
        if self.save_fn is not None:
            await self.save_fn(source)

    async def call_model(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        kwargs: dict[str, Any],
        *,
        stream: bool = False,
    ) -> tuple[ModelResponse, float]:
        """Call the model through the hooks; returns (response, duration in ms)."""
        started = time.perf_counter()
        hooks = self.hooks
        event = None
        if hooks is not None:  # built only for hooks, which may read or change the call
            event = BeforeModelCallEvent(
                agent=self.agent, state=self.state, messages=messages, tools=tools, kwargs=kwargs
            )
            if hooks.has("before_model_call"):
                decision = await hooks.before_model_call(event)
                if decision.response is not None:
                    return decision.response, (time.perf_counter() - started) * 1000
            messages, tools = event.messages, event.tools
        emit_chunk = self.emit if self.listening else None

        async def call() -> ModelResponse:
            # hooks may change the call up to the last moment (around_model_call)
            if event is None:
                sent, offered, options = messages, tools, kwargs
            else:
                sent, offered, options = event.messages, event.tools, event.kwargs
            if stream:
                return await collect_stream(self.model.stream(sent, offered, **options), emit_chunk)
            response: ModelResponse = await self.model.complete(sent, offered, **options)
            return response

        model_name = _model_name(self.model) if current_run_id() is not None else None
        if model_name is not None:
            emit(
                "agent.model.started",
                model=model_name,
                messages=len(messages),
                tools=len(tools or ()),
            )
        try:
            if hooks is not None and event is not None and hooks.has("around_model_call"):
                hooked, before = hooks, event

                async def step() -> ModelResponse:
                    return await hooked.call_model(call, before)

            else:
                step = call
            runner = current_step_runner()
            if runner is None:  # in-process: no step record to describe
                response = await step()
            else:
                response = await runner.run_step(StepInfo("model", _model_name(self.model)), step)
        except Exception as exc:
            if model_name is not None:
                kind = exc.kind if isinstance(exc, LocusError) else type(exc).__name__
                emit("agent.model.error", model=model_name, error_kind=kind, message=str(exc))
            raise
        if hooks is not None and event is not None and hooks.has("after_model_call"):
            response = await hooks.after_model_call(
                agent=self.agent, state=self.state, response=response, messages=event.messages
            )
        return response, (time.perf_counter() - started) * 1000


def _model_name(model: Any) -> str:
    return str(getattr(model, "model", None) or type(model).__name__)


async def collect_stream(
    chunks: Any, emit: Callable[[LocusEvent], None] | None = None
) -> ModelResponse:
    """Assemble streamed :class:`ModelChunkEvent` s into a :class:`ModelResponse`, emitting each.

    Text, reasoning and tool-call fragments concatenate; each chunk's
    ``metadata`` merges (in order) into the message's ``metadata``; the
    ``done`` chunk gives ``usage`` and ``stop_reason``.
    """
    content: list[str] = []
    reasoning: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    metadata: dict[str, Any] = {}
    usage: dict[str, Any] = {}
    stop_reason: str | None = None
    async for chunk in chunks:
        if emit is not None:
            emit(chunk)
        if not isinstance(chunk, ModelChunkEvent):
            continue
        if chunk.content:
            content.append(chunk.content)
        if chunk.reasoning:
            reasoning.append(chunk.reasoning)
        if chunk.tool_call_delta is not None:
            _merge_delta(calls, chunk.tool_call_delta)
        if chunk.metadata:
            metadata.update(chunk.metadata)
        if chunk.done:
            usage = dict(chunk.usage or {})
            stop_reason = chunk.stop_reason
    tool_calls = []
    for index in sorted(calls):
        entry = calls[index]
        data = {"id": entry["id"], "function": {"name": entry["name"], "arguments": entry["args"]}}
        tool_calls.append(ToolCall.from_openai_format(data))
    message = Message(
        role=Role.ASSISTANT,
        content="".join(content) or None,
        reasoning="".join(reasoning) or None,
        tool_calls=tool_calls,
        metadata=metadata,
    )
    return ModelResponse(message=message, usage=usage, stop_reason=stop_reason)


def _merge_delta(calls: dict[int, dict[str, Any]], delta: ToolCallDelta) -> None:
    entry = calls.setdefault(delta.index, {"id": None, "name": "", "args": ""})
    if delta.id:
        entry["id"] = delta.id
    if delta.name:
        entry["name"] = delta.name
    entry["args"] += delta.arguments_delta
