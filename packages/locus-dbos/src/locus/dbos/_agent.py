"""An :class:`~locus.Agent` whose runs are DBOS workflows."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from dbos import DBOS, DBOSClient, SetWorkflowID, WorkflowHandleAsync
from locus.agent import Agent
from locus.agent.result import AgentResult
from locus.core.errors import ConfigError
from locus.core.events import LocusEvent
from locus.dbos._events import EventWriter, finish_events, read_events, writing_events
from locus.dbos._queue import queue_named
from locus.dbos._workflow import _Done, durable_workflow, event_sink, stream_events

__all__ = ["DBOSAgent"]


class DBOSAgent:
    """Runs ``agent`` as the DBOS workflow ``locus.agent.<name>``.

    Each model call, tool body and checkpoint load/save is a DBOS step: a
    recovered run replays recorded steps (the model is not called again, a
    finished tool does not run again) and goes on live from the first step
    that has no record. Create it at import time, before ``DBOS.launch()``,
    with the same ``name`` in every process that enqueues or runs it.

    With a checkpointer and a ``thread_id``, the thread is loaded when a run
    starts and saved once when it ends (DBOS records the turns in between);
    ``save_every_step=True`` saves it after every turn too, as a plain run does.

    Args:
        agent: The agent.
        name: Workflow name suffix (default: the agent's name).
        queue: Default queue name for :meth:`enqueue`.
        save_every_step: Save the thread after every turn too.
    """

    def __init__(
        self,
        agent: Agent,
        *,
        name: str | None = None,
        queue: str | None = None,
        save_every_step: bool = False,
    ) -> None:
        self.agent = agent
        self.name = name or agent.name
        if not self.name:
            raise ConfigError("DBOSAgent needs a name: DBOSAgent(agent, name='support').")
        self.workflow_name = f"locus.agent.{self.name}"
        self.queue = queue

        @durable_workflow(self.workflow_name, save_every_step=save_every_step)
        async def run_agent(
            prompt: Any, thread_id: str | None, stream: bool = False
        ) -> AgentResult:
            sink = event_sink()
            writer = EventWriter() if stream else None
            run = agent.run(prompt, thread_id=thread_id)
            with writing_events(writer):
                try:
                    async for event in run:
                        if sink is not None:
                            sink(event)
                        if writer is not None:
                            writer.add(event)
                except BaseException:
                    if writer is not None:  # the run's error, not the stream's, goes up
                        with contextlib.suppress(Exception):
                            await finish_events(writer)
                    raise
                if writer is not None:
                    await finish_events(writer)
            return run.result

        self.workflow = run_agent

    async def invoke(
        self, prompt: Any, *, thread_id: str | None = None, workflow_id: str | None = None
    ) -> AgentResult:
        """Run to completion in this process as a workflow (``workflow_id``: idempotent start)."""
        with SetWorkflowID(workflow_id or str(uuid.uuid4())):
            handle: WorkflowHandleAsync[AgentResult] = await DBOS.start_workflow_async(
                self.workflow, prompt, thread_id
            )
        return await handle.get_result()

    async def run(
        self, prompt: Any, *, thread_id: str | None = None, workflow_id: str | None = None
    ) -> AsyncIterator[LocusEvent]:
        """Run in this process as a workflow, yielding its events as :meth:`Agent.run` does."""
        wid = workflow_id or str(uuid.uuid4())

        async def start() -> AgentResult:
            with SetWorkflowID(wid):
                handle: WorkflowHandleAsync[AgentResult] = await DBOS.start_workflow_async(
                    self.workflow, prompt, thread_id
                )
            return await handle.get_result()

        async for item in stream_events(wid, start):
            if not isinstance(item, _Done):
                yield item

    async def enqueue(
        self,
        prompt: Any,
        *,
        thread_id: str | None = None,
        queue: str | None = None,
        workflow_id: str | None = None,
        stream: bool = False,
    ) -> WorkflowHandleAsync[AgentResult]:
        """Put a run on a DBOS queue; any worker listening to it runs it.

        Returns the workflow handle (``await handle.get_result()``).
        A ``workflow_id`` makes the enqueue idempotent. With ``stream=True``
        the worker writes the run's events to a DBOS stream, which
        :meth:`events` (or :func:`~locus.dbos.read_events` with a
        ``DBOSClient``) reads from any process.
        """
        target = await queue_named(queue or self.queue)
        with SetWorkflowID(workflow_id or str(uuid.uuid4())):
            return await target.enqueue_async(self.workflow, prompt, thread_id, stream)

    def events(
        self,
        workflow_id: str,
        *,
        client: DBOSClient | None = None,
        idle_timeout: float | None = None,
    ) -> AsyncIterator[LocusEvent]:
        """Yield the events of a run enqueued with ``stream=True``, wherever it runs.

        The events are those :meth:`Agent.run` yields, in order, the last a
        ``TerminateEvent``; see :func:`~locus.dbos.read_events`.
        """
        return read_events(workflow_id, client=client, idle_timeout=idle_timeout)
