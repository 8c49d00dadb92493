""":class:`A2AClient`: discover, invoke and stream remote A2A agents (a2a-sdk client)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx

import locus.a2a.spec as spec
from a2a.client import A2ACardResolver, ClientConfig, ClientFactory
from a2a.client.client import Client
from a2a.compat.v0_3 import conversions
from a2a.helpers.proto_helpers import get_stream_response_text, new_text_message
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Role,
    SendMessageRequest,
    StreamResponse,
    Task,
)
from locus.observability import emit
from locus.tools import Tool

__all__ = ["A2AClient"]

PREVIEW = 200


class A2AClient:
    """A client of one remote A2A agent (the official a2a-sdk client underneath).

    Results are the A2A JSON models of :mod:`locus.a2a.spec` (``Task``,
    ``Message``, ``AgentCard``...); :meth:`invoke` returns the answer's text.

    Args:
        url: The agent's base URL (its card is at ``<url>/.well-known/agent-card.json``).
        api_key: Bearer key sent on every call, if the agent needs one.
        timeout: Seconds per HTTP request.
        httpx_client: Your own ``httpx.AsyncClient`` (tests, proxies, mTLS).
    """

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        httpx_client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx_client or httpx.AsyncClient(timeout=timeout, headers=headers)
        if httpx_client is not None and headers:
            self._http.headers.update(headers)
        self._card: AgentCard | None = None
        self._clients: dict[bool, Client] = {}

    async def get_agent_card(self) -> spec.AgentCard:
        """Fetch (once) and return the agent's card."""
        return _compat_card(await self._resolve_card())

    async def _resolve_card(self) -> AgentCard:
        if self._card is None:
            self._card = await A2ACardResolver(self._http, self.url).get_agent_card()
        return self._card

    async def _client(self, streaming: bool) -> Client:
        if streaming not in self._clients:
            config = ClientConfig(streaming=streaming, httpx_client=self._http)
            self._clients[streaming] = ClientFactory(config).create(await self._resolve_card())
        return self._clients[streaming]

    @staticmethod
    def _request(text: str, context_id: str | None, task_id: str | None) -> SendMessageRequest:
        message = new_text_message(
            text, context_id=context_id, task_id=task_id, role=Role.ROLE_USER
        )
        return SendMessageRequest(message=message)

    async def send_message(
        self, text: str, *, context_id: str | None = None, task_id: str | None = None
    ) -> spec.Task | spec.Message:
        """Send ``text`` and return the finished task (or the agent's direct message).

        ``context_id`` continues a conversation; ``task_id`` answers a task
        waiting for input.
        """
        outcome = await self._send(text, context_id, task_id)
        if isinstance(outcome, Task):
            return conversions.to_compat_task(outcome)
        return conversions.to_compat_message(outcome)

    async def _send(self, text: str, context_id: str | None, task_id: str | None) -> Task | Message:
        started = time.perf_counter()
        emit("a2a.request.sent", url=self.url, task_id=task_id, message_preview=text[:PREVIEW])
        last: StreamResponse | None = None
        try:
            client = await self._client(streaming=False)
            async for response in client.send_message(self._request(text, context_id, task_id)):
                last = response
        except Exception as exc:
            emit("a2a.error", url=self.url, task_id=task_id, error=str(exc)[:PREVIEW])
            raise
        if last is None:
            raise RuntimeError(f"the A2A agent at {self.url} sent no response")
        outcome: Task | Message = last.task if last.HasField("task") else last.message
        emit(
            "a2a.response.received",
            url=self.url,
            task_id=outcome.id if isinstance(outcome, Task) else task_id,
            status=_state_name(outcome),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )
        return outcome

    async def send_message_streaming(
        self, text: str, *, context_id: str | None = None, task_id: str | None = None
    ) -> AsyncIterator[
        spec.Task | spec.Message | spec.TaskStatusUpdateEvent | spec.TaskArtifactUpdateEvent
    ]:
        """Send ``text`` and yield the agent's updates as they come.

        Each is a ``Task``, a ``Message``, a ``TaskStatusUpdateEvent`` or a
        ``TaskArtifactUpdateEvent`` (``.kind`` says which).
        """
        emit("a2a.request.sent", url=self.url, task_id=task_id, message_preview=text[:PREVIEW])
        client = await self._client(streaming=True)
        async for response in client.send_message(self._request(text, context_id, task_id)):
            yield _compat_update(response)

    async def get_task(self, task_id: str) -> spec.Task:
        """The task's current state, history and artifacts."""
        client = await self._client(streaming=False)
        return conversions.to_compat_task(await client.get_task(GetTaskRequest(id=task_id)))

    async def cancel_task(self, task_id: str) -> spec.Task:
        """Ask the agent to cancel a task; returns the task."""
        client = await self._client(streaming=False)
        return conversions.to_compat_task(await client.cancel_task(CancelTaskRequest(id=task_id)))

    async def invoke(self, text: str, *, context_id: str | None = None) -> str:
        """Send ``text`` and return the answer's text."""
        outcome = await self._send(text, context_id, None)
        if isinstance(outcome, Task):
            return get_stream_response_text(StreamResponse(task=outcome)) or _status_text(outcome)
        return get_stream_response_text(StreamResponse(message=outcome))

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This remote agent as a locus tool with a ``prompt`` argument."""
        client = self

        async def delegate(prompt: str) -> str:
            """Delegate a task to the remote agent.

            Args:
                prompt: The task, in plain language, with everything the agent needs.
            """
            return await client.invoke(prompt)

        card = self._card
        text = (
            description
            or (card.description if card is not None else "")
            or (f"Delegate a task to the remote A2A agent at {self.url}.")
        )
        return Tool(delegate, name=name or "a2a_delegate", description=text)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        for client in self._clients.values():
            await client.close()
        await self._http.aclose()

    async def __aenter__(self) -> A2AClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _compat_card(card: AgentCard) -> spec.AgentCard:
    """The card as the JSON model; a v1.0-only card is shown through its first interface."""
    if any(i.protocol_version.startswith("0.") for i in card.supported_interfaces):
        return conversions.to_compat_agent_card(card)
    view = AgentCard()
    view.CopyFrom(card)
    for interface in view.supported_interfaces:
        interface.protocol_version = ""
    return conversions.to_compat_agent_card(view)


def _compat_update(
    response: StreamResponse,
) -> spec.Task | spec.Message | spec.TaskStatusUpdateEvent | spec.TaskArtifactUpdateEvent:
    if response.HasField("task"):
        return conversions.to_compat_task(response.task)
    if response.HasField("message"):
        return conversions.to_compat_message(response.message)
    if response.HasField("status_update"):
        return conversions.to_compat_task_status_update_event(response.status_update)
    return conversions.to_compat_task_artifact_update_event(response.artifact_update)


def _state_name(outcome: Task | Message) -> str:
    if isinstance(outcome, Task):
        from a2a.types import TaskState

        return str(TaskState.Name(outcome.status.state))
    return "message"


def _status_text(task: Task) -> str:
    if task.status.HasField("message"):
        return get_stream_response_text(StreamResponse(message=task.status.message))
    return ""
