"""locus.a2a against the official a2a-sdk, both ways, over real HTTP.

- our A2AServer answers the SDK's own client (v1.0 JSON-RPC) and raw v0.3
  ``message/send`` / ``tasks/get`` calls;
- our A2AClient talks to a server built only from the SDK's own classes;
- a remote agent used as a tool by a local agent, and a paused run answered
  through ``input-required``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from a2a.client import ClientConfig, create_client
from a2a.helpers.proto_helpers import get_stream_response_text, new_text_message, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandlerV2
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentSkill,
    Role,
    SendMessageRequest,
    TaskState,
)
from starlette.applications import Starlette

from locus import Agent
from locus.a2a import A2AClient, A2AServer, spec
from locus.core.errors import ConfigError
from locus.core.interrupt import interrupt
from locus.core.messages import Message, ToolCall
from locus.models import FunctionModel
from locus.tools import tool

KEY = "a2a-key"


def echo_agent() -> Agent:
    def echo(messages: list[Message], tools: Any) -> str:
        turns = sum(1 for m in messages if m.role.value == "user")
        return f"echo: {messages[-1].content} (turn {turns})"

    return Agent(model=FunctionModel(echo), name="echo", description="Echoes what you say.")


def locus_server(agent: Agent | None = None) -> A2AServer:
    return A2AServer(
        agent or echo_agent(), name="echo", description="Echoes", api_key=KEY, skills=["echo"]
    )


async def test_the_sdk_client_talks_to_our_server(serve: Any) -> None:
    url = serve(locus_server().app)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as http:
        client = await create_client(
            url, client_config=ClientConfig(streaming=False, httpx_client=http)
        )
        request = SendMessageRequest(message=new_text_message("hello", role=Role.ROLE_USER))
        responses = [r async for r in client.send_message(request)]
        task = responses[-1].task
        assert task.status.state == TaskState.TASK_STATE_COMPLETED
        assert get_stream_response_text(responses[-1]) == "echo: hello (turn 1)"
        fetched = await client.get_task(
            __import__("a2a.types", fromlist=["GetTaskRequest"]).GetTaskRequest(id=task.id)
        )
        assert fetched.id == task.id
        # the same context continues the same locus thread
        again = SendMessageRequest(
            message=new_text_message("again", context_id=task.context_id, role=Role.ROLE_USER)
        )
        last = [r async for r in client.send_message(again)][-1]
        assert get_stream_response_text(last) == "echo: again (turn 2)"
        await client.close()


async def test_the_sdk_streaming_client_gets_status_and_artifact_updates(serve: Any) -> None:
    url = serve(locus_server().app)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as http:
        client = await create_client(
            url, client_config=ClientConfig(streaming=True, httpx_client=http)
        )
        request = SendMessageRequest(message=new_text_message("stream me", role=Role.ROLE_USER))
        updates = [r async for r in client.send_message(request)]
        kinds = [r.WhichOneof("payload") for r in updates]
        assert "artifact_update" in kinds
        states = [r.status_update.status.state for r in updates if r.HasField("status_update")]
        assert states[-1] == TaskState.TASK_STATE_COMPLETED
        assert TaskState.TASK_STATE_WORKING in states
        await client.close()


async def test_v0_3_json_rpc_and_cards_and_auth(serve: Any) -> None:
    url = serve(locus_server().app)
    async with httpx.AsyncClient() as http:
        card = (await http.get(f"{url}/.well-known/agent-card.json")).json()
        assert card["name"] == "echo"
        assert card["capabilities"]["streaming"] is True
        assert card["skills"][0]["name"] == "echo"
        legacy = (await http.get(f"{url}/.well-known/agent.json")).json()
        assert legacy["name"] == "echo"
        send = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "message/send",
            "params": {
                "message": {
                    "role": "user",
                    "parts": [{"kind": "text", "text": "old client"}],
                    "messageId": "m1",
                }
            },
        }
        assert (await http.post(url, json=send)).status_code == 401
        auth = {"Authorization": f"Bearer {KEY}"}
        result = (await http.post(url, json=send, headers=auth)).json()["result"]
        assert result["status"]["state"] == "completed"
        assert result["artifacts"][0]["parts"][0]["text"] == "echo: old client (turn 1)"
        get = {"jsonrpc": "2.0", "id": 2, "method": "tasks/get", "params": {"id": result["id"]}}
        assert (await http.post(url, json=get, headers=auth)).json()["result"]["id"] == result["id"]
        cancel = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tasks/cancel",
            "params": {"id": result["id"]},
        }
        # a completed task cannot be canceled: a JSON-RPC error, not a crash
        assert "error" in (await http.post(url, json=cancel, headers=auth)).json()


class SlowUpper(AgentExecutor):
    """An executor written only with the SDK: upper-cases the text; 'wait' blocks until canceled."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        from a2a.helpers.proto_helpers import new_task_from_user_message

        task = context.current_task or new_task_from_user_message(context.message)
        if context.current_task is None:
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work()
        text = context.get_user_input()
        if text == "wait":
            await asyncio.sleep(30)
        await updater.add_artifact([new_text_part(text.upper())])
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        task = context.current_task
        await TaskUpdater(event_queue, task.id, task.context_id).cancel()


def sdk_server(url_holder: list[str]) -> Starlette:
    card = AgentCard(
        name="upper",
        description="Upper-cases text.",
        version="1.0",
        supported_interfaces=[
            AgentInterface(
                url="http://placeholder/", protocol_binding="JSONRPC", protocol_version="1.0"
            )
        ],
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[AgentSkill(id="upper", name="upper", description="Upper-cases", tags=["text"])],
    )
    handler = DefaultRequestHandlerV2(
        agent_executor=SlowUpper(), task_store=InMemoryTaskStore(), agent_card=card
    )

    async def card_with_url(c: AgentCard) -> AgentCard:
        fixed = AgentCard()
        fixed.CopyFrom(c)
        fixed.supported_interfaces[0].url = url_holder[0] + "/"
        return fixed

    routes = [
        *create_agent_card_routes(card, card_modifier=card_with_url),
        *create_jsonrpc_routes(handler, "/"),
    ]
    return Starlette(routes=routes)


async def test_our_client_talks_to_an_sdk_server(serve: Any) -> None:
    holder: list[str] = []
    holder.append(serve(sdk_server(holder)))
    async with A2AClient(holder[0]) as client:
        card = await client.get_agent_card()
        assert card.name == "upper"
        assert await client.invoke("quiet please") == "QUIET PLEASE"
        updates = [u async for u in client.send_message_streaming("streamed")]
        kinds = {u.kind for u in updates}
        assert {"task", "status-update", "artifact-update"} <= kinds
        texts = [u.artifact.parts[0].root.text for u in updates if u.kind == "artifact-update"]
        assert texts == ["STREAMED"]
        task = await client.send_message("again")
        fetched = await client.get_task(task.id)
        assert isinstance(fetched, spec.Task)  # the A2A JSON model, as locus always returned
        assert fetched.status.state == spec.TaskState.completed


async def test_our_client_cancels_a_running_task(serve: Any) -> None:
    holder: list[str] = []
    holder.append(serve(sdk_server(holder)))
    async with A2AClient(holder[0]) as client:
        stream = client.send_message_streaming("wait")
        first = await stream.__anext__()
        task_id = first.id if first.kind == "task" else first.task_id
        canceled = await client.cancel_task(task_id)
        assert canceled.status.state == spec.TaskState.canceled
        await stream.aclose()


async def test_a_remote_agent_as_a_tool_of_a_local_agent(serve: Any) -> None:
    url = serve(locus_server().app)
    remote = A2AClient(url, api_key=KEY)
    await remote.get_agent_card()
    delegate = remote.as_tool(name="ask_echo")
    assert delegate.description == "Echoes"

    def planner(messages: list[Message], tools: Any) -> Any:
        if messages[-1].role.value == "tool":
            return f"remote said: {messages[-1].content}"
        return ToolCall(id="c1", name="ask_echo", arguments={"prompt": "ping"})

    local = Agent(model=FunctionModel(planner), tools=[delegate])
    result = await local.invoke("go")
    assert result.message == "remote said: echo: ping (turn 1)"
    await remote.aclose()


@tool
def approve(amount: float) -> str:
    """Ask a human.

    Args:
        amount: Amount.
    """
    return f"approved={interrupt(f'approve {amount}?')}"


async def test_a_paused_run_is_input_required_and_the_next_message_answers_it(serve: Any) -> None:
    def model(messages: list[Message], tools: Any) -> Any:
        if messages[-1].role.value == "tool":
            return messages[-1].content
        return ToolCall(id="c1", name="approve", arguments={"amount": 5.0})

    url = serve(locus_server(Agent(model=FunctionModel(model), tools=[approve])).app)
    async with A2AClient(url, api_key=KEY) as client:
        task = await client.send_message("pay 5")
        assert task.status.state == spec.TaskState.input_required
        assert task.status.message.parts[0].root.text == "approve 5.0?"
        done = await client.send_message("yes", context_id=task.context_id, task_id=task.id)
        assert done.status.state == spec.TaskState.completed
        assert done.artifacts[-1].parts[0].root.text == "approved=yes"


def test_a_server_without_a_key_must_say_so() -> None:
    with pytest.raises(ConfigError, match="api_key"):
        A2AServer(echo_agent())
    A2AServer(echo_agent(), allow_unauthenticated=True)


def test_locus_a2a_command_shows_the_card_and_sends_a_message(serve: Any) -> None:
    import os
    import subprocess
    import sys

    url = serve(locus_server().app)
    env = {**os.environ, "LOCUS_A2A_API_KEY": KEY}
    card = subprocess.run(
        [sys.executable, "-m", "locus.cli", "a2a", url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert '"name": "echo"' in card.stdout
    answer = subprocess.run(
        [sys.executable, "-m", "locus.cli", "a2a", url, "hi there"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert answer.stdout.strip() == "echo: hi there (turn 1)"


async def test_observed_tasks_and_client_calls_reach_the_event_bus(serve: Any) -> None:
    from locus.observability import get_event_bus, run_context

    server = A2AServer(echo_agent(), name="echo", api_key=KEY, observe=True)
    url = serve(server.app)
    async with A2AClient(url, api_key=KEY) as client, run_context() as caller:
        task = await client.send_message("watched")
    client_side = [e.event_type for e in get_event_bus().history(caller)]
    assert client_side == ["a2a.request.sent", "a2a.response.received"]
    server_side = [e.event_type for e in get_event_bus().history(task.id)]
    assert server_side[0] == "a2a.task.received"
    assert "agent.terminate" in server_side
    assert server_side[-1] == "a2a.task.completed"
