"""A locus agent as an a2a-sdk ``AgentExecutor``: one A2A task = one agent run.

The A2A ``context_id`` is the agent's thread: messages of one context continue
one conversation (through the agent's checkpointer). A run that pauses on
``interrupt()`` puts the task in ``input-required``; the next message of the
task answers it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from a2a.helpers.proto_helpers import new_task_from_user_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from locus.agent import Agent
from locus.core.events import TerminateEvent
from locus.observability import emit, run_context

__all__ = ["LocusAgentExecutor"]

PREVIEW = 200


class LocusAgentExecutor(AgentExecutor):
    """Runs a locus Agent (or any object with ``run``/``invoke``) for A2A tasks.

    Args:
        agent: What to run: an Agent, or an object with an async-generator
            ``run(prompt, thread_id=...)`` or an ``invoke(prompt)``.
        name: Agent name for events.
        observe: Publish each task's events (``a2a.task.*`` and the agent's)
            on the EventBus under a run whose id is the task id.
    """

    def __init__(self, agent: Any, name: str, *, observe: bool = False) -> None:
        self.agent = agent
        self.name = name
        self.observe = observe

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Run the agent on the task's message and report its answer as an artifact.

        With ``observe`` the task is a ``run_context()`` whose id is the task id.
        """
        if not self.observe:
            await self._execute(context, event_queue)
            return
        async with run_context(context.task_id):
            await self._execute(context, event_queue)

    async def _execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        prompt = context.get_user_input()
        task = context.current_task
        if task is None:
            if context.message is None:
                raise ValueError("an A2A task needs a user message")
            task = new_task_from_user_message(context.message)
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        emit(
            "a2a.task.received", task_id=task.id, agent=self.name, message_preview=prompt[:PREVIEW]
        )
        await updater.start_work()
        answer, paused = await self._run(prompt, task.context_id, resuming=_is_paused(task))
        if paused:
            await updater.requires_input(
                new_text_message(answer, context_id=task.context_id, task_id=task.id)
            )
            status = "input-required"
        else:
            await updater.add_artifact([_text_part(answer)], name="answer")
            await updater.complete()
            status = "completed"
        emit(
            "a2a.task.completed",
            task_id=task.id,
            status=status,
            output_preview=answer[:PREVIEW],
        )

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Mark the task canceled (the SDK has already cancelled the running ``execute``)."""
        task = context.current_task
        if task is None:
            return
        await TaskUpdater(event_queue, task.id, task.context_id).cancel()

    async def _run(self, prompt: str, thread_id: str, *, resuming: bool) -> tuple[str, bool]:
        agent = self.agent
        if isinstance(agent, Agent):
            if resuming:
                result = await agent.resume_invoke(thread_id, prompt)
            else:
                result = await agent.invoke(prompt, thread_id=thread_id)
            if result.interrupts:
                payload = result.interrupts[0].get("payload")
                return (str(payload) if payload is not None else result.message), True
            return result.message, False
        run = getattr(agent, "run", None)
        if run is not None:
            final = ""
            async for event in run(prompt, thread_id=thread_id):
                if isinstance(event, TerminateEvent):
                    final = event.final_message
            return final, False
        outcome = agent.invoke(prompt)
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        return str(getattr(outcome, "message", outcome)), False


def _is_paused(task: Any) -> bool:
    from a2a.types import TaskState

    return bool(task.status.state == TaskState.TASK_STATE_INPUT_REQUIRED)


def _text_part(text: str) -> Any:
    from a2a.helpers.proto_helpers import new_text_part

    return new_text_part(text)
