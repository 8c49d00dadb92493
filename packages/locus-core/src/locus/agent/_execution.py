"""How an :class:`~locus.agent.Agent` run executes: thread hold, preparation, loop, result."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from locus.agent._helpers import (
    NO_ANSWER,
    Prompt,
    emit_resumed,
    last_user_index,
    prompt_messages,
    prompt_text,
)
from locus.agent._threads import begin_new_run, settle_dangling_calls, tool_schema
from locus.agent.result import AgentResult
from locus.checkpoint._thread_run import DEFAULT_BUSY_TIMEOUT, OnBusy, ThreadRun, check_on_busy
from locus.core._copy import fork_state
from locus.core.errors import CheckpointNotFoundError, ConfigError, ValidationError
from locus.core.events import LocusEvent, RunStartEvent, TerminateEvent
from locus.core.messages import Message, Role
from locus.core.state import AgentState
from locus.loop import LoopContext, entry_point, final_text, run_loop
from locus.loop.nodes import INTERRUPTS_KEY, terminate_event
from locus.observability import activity, current_run_id, publish_event
from locus.tools import ToolExecutor

if TYPE_CHECKING:
    from pydantic import BaseModel

    from locus.core.limits import Limits
    from locus.core.protocols import ToolProtocol
    from locus.hooks import HookRegistry
    from locus.memory.conversation import ConversationManager
    from locus.memory.store import StoreContext
    from locus.reasoning import Grounding, Reflexion

__all__ = ["AgentExecution"]


class AgentExecution:
    """The run/stream execution path of :class:`~locus.agent.Agent` (a mixin).

    The attributes are set by ``Agent.__init__``.
    """

    model: Any
    tools: dict[str, ToolProtocol]
    system_prompt: str | None
    reflexion: Reflexion | None
    grounding: Grounding | None
    termination: Any
    checkpointer: Any
    output_schema: type[BaseModel] | None
    hooks: HookRegistry
    max_iterations: int
    tool_timeout: float | None
    structured_output_retries: int
    stream: bool
    model_options: dict[str, Any]
    name: str | None
    limits: Limits
    conversation_manager: ConversationManager | None
    store: StoreContext | None
    _threads: dict[str, AgentState]

    async def _execute(
        self,
        prompt: Prompt | None,
        answer: Any,
        thread_id: str | None,
        holder: dict[str, AgentResult] | None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        listen: bool = True,
    ) -> AsyncIterator[LocusEvent]:
        """The run's events; ``listen=False``: the caller drops them (see ``LoopContext``)."""
        if self.model is None:
            raise ConfigError(
                "This agent has no model: pass Agent(model='openai:gpt-4.1') or a model "
                "object (Agent(model='test') runs offline)."
            )
        check_on_busy(on_busy, busy_timeout)
        if prompt is None and thread_id is None:
            raise ValidationError(
                "no prompt and no thread: a None prompt or Command(resume=...) continues a "
                "paused thread, so pass thread_id='...' (the thread that paused); to start a "
                "run, pass a prompt"
            )
        if thread_id is not None and (not isinstance(thread_id, str) or not thread_id):
            raise ValidationError(f"thread_id must be a non-empty string, got {thread_id!r}")
        # The TerminateEvent is yielded last, after the run let go of its thread (lease,
        # queue), ran its hooks and set its result: a consumer that stops reading at it
        # (the documented last event) without closing the stream leaves nothing held.
        last: LocusEvent | None = None
        failure: Exception | None = None
        async with activity(), contextlib.AsyncExitStack() as stack:
            owner = None
            if thread_id is not None:
                owner = await stack.enter_async_context(
                    self._owner(thread_id, on_busy, busy_timeout)
                )
            ctx, entry, done = await self._prepare(prompt, owner, answer)
            ctx.listening = listen or current_run_id() is not None
            state = ctx.state
            start = RunStartEvent(
                run_id=state.run_id,
                thread_id=thread_id,
                agent_name=self.name,
                prompt=prompt_text(prompt),
            )
            publish_event(start)
            yield start
            if done:
                last = terminate_event(ctx, state.stop_reason or "", state.structured_output)
                publish_event(last)
            else:
                if self.hooks.has("before_invocation"):
                    await self.hooks.before_invocation(
                        agent=self, state=state, prompt=prompt_text(prompt)
                    )
                try:
                    async for event in run_loop(ctx, entry):
                        if isinstance(event, TerminateEvent):
                            last = event
                        else:
                            yield event
                except Exception as exc:
                    if self.hooks.has("after_invocation"):
                        await self.hooks.after_invocation(
                            agent=self, state=state, result=None, error=exc
                        )
                    if last is None:
                        raise
                    failure = exc
            if failure is None:
                result = self._result(ctx)
                if not done and self.hooks.has("after_invocation"):
                    await self.hooks.after_invocation(
                        agent=self, state=state, result=result, error=None
                    )
                if holder is not None:
                    holder["result"] = result
        if last is not None:
            yield last
        if failure is not None:
            raise failure

    def _owner(self, thread_id: str, on_busy: OnBusy, busy_timeout: float) -> ThreadRun:
        """The run's hold on ``thread_id`` (see :class:`~locus.checkpoint.ThreadRun`)."""
        on_discard = None
        if self.checkpointer is None:  # threads kept in this agent: rollback restores the last
            before = self._threads.get(thread_id)

            def on_discard() -> None:
                if before is None:
                    self._threads.pop(thread_id, None)
                else:
                    self._threads[thread_id] = before

        return ThreadRun(
            self.checkpointer,
            thread_id,
            on_busy=on_busy,
            busy_timeout=busy_timeout,
            scope=self,
            on_discard=on_discard,
        )

    async def _prepare(
        self, prompt: Prompt | None, owner: ThreadRun | None, answer: Any = NO_ANSWER
    ) -> tuple[LoopContext, Any, bool]:
        thread_id = owner.thread_id if owner is not None else None
        state = await self._load(owner) if owner is not None else None
        lock = asyncio.Lock()
        if prompt is None:  # resume
            if state is None:
                raise CheckpointNotFoundError(
                    f"No checkpoint for thread {thread_id!r} to resume; start it with "
                    "agent.run(prompt, thread_id=...) on an agent with a checkpointer."
                )
            ctx = self._context(state, last_user_index(state), lock, owner)
            if state.status == "completed":
                return ctx, "think", True
            paused = state.metadata.get(INTERRUPTS_KEY) or {}
            if answer is not NO_ANSWER and paused:
                next(iter(paused.values())).setdefault("resumes", []).append(answer)
            state.status = "running"
            emit_resumed(state)
            return ctx, entry_point(ctx), False
        if state is None:
            state = AgentState(thread_id=thread_id)
            if self.system_prompt:
                state.messages.append(Message.system(self.system_prompt))
        else:
            settle_dangling_calls(state, self.tools)
            begin_new_run(state)
            state.thread_id = thread_id
            if self.system_prompt and not any(m.role is Role.SYSTEM for m in state.messages):
                state.messages.insert(0, Message.system(self.system_prompt))
            emit_resumed(state)
        start_index = len(state.messages)
        state.messages.extend(prompt_messages(prompt))
        ctx = self._context(state, start_index, lock, owner)
        await ctx.save("input")
        return ctx, "think", False

    def _context(
        self,
        state: AgentState,
        start_index: int,
        lock: asyncio.Lock,
        owner: ThreadRun | None,
    ) -> LoopContext:
        thread_id = state.thread_id
        hooks = self.hooks if len(self.hooks) else None

        async def save(source: str) -> None:
            if thread_id is None or owner is None or owner.superseded:
                return
            if self.checkpointer is None:
                self._threads[thread_id] = state
            metadata = {
                "source": source,
                "step": state.iteration,
                "run_id": state.run_id,
                "agent": self.name,
            }
            async with lock:  # parallel tool calls save one at a time: one parent chain
                # a run may stop after any save except a tool call's intent (its body must run)
                await owner.save(state, metadata, stop_ok=source != "intent")

        return LoopContext(
            state=state,
            model=self.model,
            executor=ToolExecutor(
                self.tools,
                default_timeout=self.tool_timeout,
                hooks=hooks,
                store=self.store,
                limits=self.limits,
            ),
            tool_schemas=[tool_schema(t) for t in self.tools.values()] or None,
            hooks=hooks,
            termination=self.termination,
            max_iterations=self.max_iterations,
            stream=self.stream,
            reflexion=self.reflexion,
            grounding=self.grounding,
            output_schema=self.output_schema,
            structured_retries=self.structured_output_retries,
            model_kwargs=self.model_options,
            save_fn=save if thread_id is not None else None,
            agent=self,
            agent_name=self.name,
            run_start_index=start_index,
            conversation_manager=self.conversation_manager,
        )

    async def _load(self, owner: ThreadRun) -> AgentState | None:
        if self.checkpointer is None:
            saved = self._threads.get(owner.thread_id)
            return fork_state(saved) if saved is not None else None
        return await owner.load()

    def _result(self, ctx: LoopContext) -> AgentResult:
        state = ctx.state
        structured = ctx.structured_value
        if structured is None and self.output_schema is not None and state.structured_output:
            structured = self.output_schema.model_validate(state.structured_output)
        return AgentResult(
            message=final_text(ctx),
            stop_reason=state.stop_reason or "",
            iterations=state.iteration,
            usage=state.token_usage.model_copy(),
            tool_executions=[e for e in state.tool_executions if e.run_id == state.run_id],
            structured_output=structured,
            grounding_score=state.grounding_score,
            confidence=state.confidence,
            interrupts=[
                entry["interrupt"] for entry in (state.metadata.get(INTERRUPTS_KEY) or {}).values()
            ]
            if state.status == "interrupted"
            else [],
            thread_id=state.thread_id,
            run_id=state.run_id,
            duration_ms=max(0.0, (time.time() - state.started_at) * 1000),
            reflexion_evaluations=ctx.reflexion_evaluations,
            state=state,
        )
