"""The four nodes of the agent loop: Think → Execute → Reflect → Terminate.

Each node is a small object with an async ``__call__(ctx)`` that mutates the
run's :class:`~locus.loop.LoopContext` and emits typed events through it.
"""

from __future__ import annotations

from typing import Any

from locus.core.events import (
    GroundingEvent,
    InterruptEvent,
    ModelCompleteEvent,
    ReflectEvent,
    TerminateEvent,
    ThinkEvent,
    TokensUsedEvent,
)
from locus.core.limits import Limits, check_arguments, rejected_marker
from locus.core.messages import Message, Role, ToolCall
from locus.core.state import TokenUsage, ToolExecution
from locus.loop._context import LoopContext
from locus.loop._structured import check_structured_output, response_format

INTERRUPTS_KEY = "locus_interrupts"
"""``state.metadata`` key of tool calls paused by ``interrupt()`` (by tool call id)."""

__all__ = [
    "CONVERSATION_KEY",
    "INTERRUPTS_KEY",
    "ExecuteNode",
    "ReflectNode",
    "TerminateNode",
    "ThinkNode",
    "final_text",
    "pending_tool_calls",
    "terminate_event",
    "unanswered_calls",
]


def unanswered_calls(messages: list[Message]) -> list[ToolCall]:
    """Calls of the newest assistant turn in ``messages`` that have no tool result yet."""
    answered: set[str] = set()
    for message in reversed(messages):
        if message.role is Role.TOOL:
            if message.tool_call_id:
                answered.add(message.tool_call_id)
            continue
        if message.role is Role.ASSISTANT:
            return [c for c in message.tool_calls if c.id not in answered]
        return []
    return []


def pending_tool_calls(ctx: LoopContext) -> list[ToolCall]:
    """Calls of the newest assistant turn that have no tool result yet."""
    return unanswered_calls(ctx.state.messages)


def final_text(ctx: LoopContext) -> str:
    """Newest non-empty assistant text of the current run."""
    for message in reversed(ctx.state.messages[ctx.run_start_index :]):
        if message.role is Role.ASSISTANT and message.content:
            return message.content
    return ""


def terminate_event(ctx: LoopContext, reason: str, structured_output: Any = None) -> TerminateEvent:
    """The run's closing :class:`TerminateEvent` with ``reason`` and the state's totals."""
    state = ctx.state
    return TerminateEvent(
        reason=reason,
        final_message=final_text(ctx),
        iterations=state.iteration,
        total_tokens=state.token_usage.total_tokens,
        structured_output=structured_output,
        total_tool_calls=sum(1 for t in state.tool_executions if t.run_id in (None, state.run_id)),
        final_confidence=state.confidence,
    )


def _add_usage(ctx: LoopContext, usage: dict[str, Any]) -> None:
    """Count ``usage`` in the run's totals and emit a ``TokensUsedEvent`` (when listened to)."""
    used = TokenUsage.from_dict(usage)
    ctx.state.token_usage.add(used)
    if ctx.listening:
        ctx.emit(
            TokensUsedEvent(
                prompt_tokens=used.prompt_tokens,
                completion_tokens=used.completion_tokens,
                total_tokens=used.total_tokens,
                run_total_tokens=ctx.state.token_usage.total_tokens,
            )
        )


CONVERSATION_KEY = "locus_conversation"
"""``state.metadata`` key where the conversation manager keeps its memory (summary...)."""


async def _conversation_view(ctx: LoopContext, messages: list[Message]) -> list[Message]:
    """The conversation manager's view of the thread; its summary calls count as usage."""
    memory = ctx.state.metadata.setdefault(CONVERSATION_KEY, {})
    view: list[Message] = await ctx.conversation_manager.async_apply(
        messages, memory=memory, model=ctx.model
    )
    usage = memory.pop("usage", None)
    if usage:
        _add_usage(ctx, usage)
    ctx.conversation_view = (view, len(messages))
    return view


def screen_tool_calls(message: Message, limits: Limits) -> Message:
    """``message`` with tool calls whose arguments break ``limits`` emptied.

    Such a call keeps a note in ``raw_arguments`` and the executor answers it
    with a tool error, so a too-deep or too-large argument object never
    enters the state (where it could make a checkpoint unloadable).
    """
    if not message.tool_calls:
        return message
    calls = []
    changed = False
    for call in message.tool_calls:
        problem = (
            None if call.raw_arguments is not None else check_arguments(call.arguments, limits)
        )
        if problem:
            call = call.model_copy(
                update={"arguments": {}, "raw_arguments": rejected_marker(problem)}
            )
            changed = True
        calls.append(call)
    return message.model_copy(update={"tool_calls": calls}) if changed else message


class ThinkNode:
    """Model turn: sends the conversation and tool schemas, appends the reply.

    Streams (``ModelChunkEvent`` s) when the agent has ``stream=True``. Emits
    ``ModelCompleteEvent``, ``ThinkEvent`` and ``TokensUsedEvent``.
    """

    name = "think"

    async def __call__(self, ctx: LoopContext) -> None:
        state = ctx.state
        state.iteration += 1
        ctx.force_continue = False
        kwargs = dict(ctx.model_kwargs)
        if ctx.output_schema is not None and "response_format" not in kwargs:
            if ctx.response_format is None:  # built once per run, not once per turn
                ctx.response_format = response_format(ctx.output_schema)
            kwargs["response_format"] = ctx.response_format
        messages = list(state.messages)
        if ctx.conversation_manager is not None:
            messages = await _conversation_view(ctx, messages)
        try:
            response, duration = await ctx.call_model(
                messages, ctx.tool_schemas, kwargs, stream=ctx.stream
            )
        except BaseException:
            state.iteration -= 1  # no turn happened: a resume runs it as the same iteration
            raise
        message = response.message
        if message.role is not Role.ASSISTANT:
            message = message.model_copy(update={"role": Role.ASSISTANT})
        message = screen_tool_calls(message, ctx.executor.limits)
        ctx.screened_calls = message.tool_calls  # checked: the executor need not measure them again
        state.messages.append(message)
        if ctx.listening:
            ctx.emit(
                ModelCompleteEvent(
                    message=message,
                    usage=dict(response.usage),
                    stop_reason=response.stop_reason,
                    duration_ms=duration,
                    model=response.model or getattr(ctx.model, "model", None),
                )
            )
            ctx.emit(
                ThinkEvent(
                    iteration=state.iteration,
                    reasoning=message.reasoning or None,
                    content=message.content,
                    tool_calls=list(message.tool_calls),
                )
            )
        _add_usage(ctx, response.usage)


class ExecuteNode:
    """Runs the turn's tool calls concurrently and checkpoints the state afterwards."""

    name = "execute"

    async def __call__(self, ctx: LoopContext) -> None:
        calls = pending_tool_calls(ctx)
        if not calls:
            return
        state = ctx.state
        pending: dict[str, Any] = state.metadata.get(INTERRUPTS_KEY) or {}
        # calls of the turn the Think node just screened were measured against the limits there
        first = calls[0]
        screened = any(first is call for call in ctx.screened_calls)
        outcomes = await ctx.executor.execute(
            calls,
            state=state,
            iteration=state.iteration,
            emit=ctx.emit if ctx.listening else None,
            save=ctx.save_fn,
            agent_name=ctx.agent_name,
            agent=ctx.agent,
            resumes={cid: list(entry.get("resumes", [])) for cid, entry in pending.items()},
            checked=[call.id for call in calls] if screened else (),
        )
        paused: dict[str, Any] = {}
        for outcome in outcomes:
            if outcome.interrupt is not None:
                previous = pending.get(outcome.call.id, {}).get("resumes", [])
                paused[outcome.call.id] = {
                    "tool_name": outcome.call.name,
                    "interrupt": outcome.interrupt.model_dump(mode="json"),
                    "resumes": list(previous),
                }
                continue
            result = outcome.result
            state.messages.append(Message.tool(result))
            state.tool_executions.append(
                ToolExecution(
                    tool_call_id=result.tool_call_id,
                    name=result.name,
                    arguments=outcome.arguments,
                    result=result.content,
                    error=result.error,
                    iteration=state.iteration,
                    duration_ms=result.duration_ms,
                    cached=result.cached,
                    in_doubt=result.in_doubt,
                    run_id=state.run_id,
                    traceback=result.traceback,
                )
            )
        if paused:
            state.metadata[INTERRUPTS_KEY] = paused
            state.status = "interrupted"
            ctx.interrupted = True
        else:
            state.metadata.pop(INTERRUPTS_KEY, None)
        await ctx.save("execute")
        for entry in paused.values():
            value = entry["interrupt"]
            ctx.emit(
                InterruptEvent(
                    interrupt_id=value["interrupt_id"],
                    payload=value.get("payload"),
                    node_id=entry["tool_name"],
                )
            )


class ReflectNode:
    """Structured-output check, Reflexion and Grounding of a turn.

    - ``output_schema``: a final answer that fails validation is sent back
      with the error (bounded), else ``StructuredOutputError``.
    - Reflexion: a side call asking for assessment + confidence; sets
      ``state.confidence``; emits ``ReflectEvent``.
    - Grounding (final answers): claims scored against tool outputs; sends
      the answer back once for re-research, then drops ungrounded claims;
      emits ``GroundingEvent``.
    """

    name = "reflect"

    async def __call__(self, ctx: LoopContext, *, final: bool) -> None:
        if final and ctx.output_schema is not None and not await check_structured_output(ctx):
            return
        if ctx.reflexion is not None and (final or not ctx.reflexion.final_turn_only):
            await self._reflect(ctx)
        if final and ctx.grounding is not None:
            self._ground(ctx)

    async def _reflect(self, ctx: LoopContext) -> None:
        reflexion = ctx.reflexion
        assert reflexion is not None
        conversation = list(ctx.state.messages)
        if ctx.conversation_view is not None:  # judge what the model saw, not the whole thread
            view, covered = ctx.conversation_view
            conversation = [*view, *conversation[covered:]]
        messages = reflexion.messages(conversation)
        kwargs = {"response_format": reflexion.response_format()}
        response, _ = await ctx.call_model(messages, None, kwargs)
        _add_usage(ctx, response.usage)
        ctx.reflexion_evaluations += 1
        reflection = reflexion.parse(response.message.content or "")
        previous = ctx.state.confidence or 0.0
        if reflection.confidence is not None:
            ctx.state.confidence = reflection.confidence
        confidence = reflection.confidence if reflection.confidence is not None else 0.0
        ctx.emit(
            ReflectEvent(
                iteration=ctx.state.iteration,
                assessment=reflection.assessment,
                confidence=confidence,
                should_continue=confidence < reflexion.continue_below,
                confidence_delta=confidence - previous,
            )
        )

    def _ground(self, ctx: LoopContext) -> None:
        grounding = ctx.grounding
        assert grounding is not None
        state = ctx.state
        run_messages = state.messages[ctx.run_start_index :]
        evidence = [
            m.content or ""
            for m in run_messages
            if m.role is Role.TOOL or (m.role is Role.USER and "locus" not in m.metadata)
        ]
        answer_message = state.messages[-1]
        answer = answer_message.content or ""
        report = grounding.evaluate(answer, evidence)
        state.grounding_score = report.score
        action = "accept"
        if report.ungrounded:
            if grounding.needs_research(report) and ctx.research_rounds < grounding.max_research:
                action = "replan" if getattr(report, "tier", None) == "replan" else "research"
                ctx.research_rounds += 1
                prompt = Message.user(grounding.research_prompt(report))
                prompt.metadata["locus"] = "grounding_research"
                state.messages.append(prompt)
                ctx.force_continue = True
            elif grounding.drop_ungrounded and ctx.output_schema is None:
                action = "drop"
                revised = grounding.revise(answer, report)
                metadata = {**answer_message.metadata, "ungrounded_original": answer}
                state.messages[-1] = answer_message.model_copy(
                    update={"content": revised, "metadata": metadata}
                )
        ctx.emit(
            GroundingEvent(
                score=report.score,
                grounded_claims=report.grounded,
                ungrounded_claims=report.ungrounded,
                action=action,
            )
        )


class TerminateNode:
    """Decides whether to stop; returns the stop reason or ``None``.

    The user's condition is checked first. Whatever it says, the loop stops on
    a model turn without tool calls (reason ``NoToolCalls()`` unless the
    user's condition fired) and at ``max_iterations`` (``MaxIterations(n)``).
    """

    name = "terminate"

    def __call__(self, ctx: LoopContext, *, final: bool) -> str | None:
        state = ctx.state
        if ctx.termination is not None:
            reason: str | None = ctx.termination.check(state)
            if reason:
                return reason
        if final and not ctx.force_continue:
            return "NoToolCalls()"
        if state.iteration >= ctx.max_iterations:
            return f"MaxIterations({ctx.max_iterations})"
        return None
