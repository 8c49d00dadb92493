"""Double texting over HTTP: a second request on a busy thread does what ``on_busy`` says."""

from __future__ import annotations

import asyncio
from typing import Any

from server_helpers import ALICE, KEYS, wait_until

from locus import Agent
from locus.core.messages import Message
from locus.models import FunctionModel
from locus.server import AgentServer


def gated_server() -> tuple[AgentServer, asyncio.Event]:
    gate = asyncio.Event()

    async def model(messages: list[Message], tools: Any) -> str:
        if messages[-1].content == "slow":
            await gate.wait()
        turns = sum(1 for m in messages if m.role.value == "user")
        return f"{messages[-1].content} (turn {turns})"

    return AgentServer(Agent(model=FunctionModel(model)), api_key=KEYS), gate


async def test_reject_is_409_and_enqueue_waits_its_turn(client_for: Any) -> None:
    server, gate = gated_server()
    client = client_for(server.app)
    first = asyncio.create_task(
        client.post("/invoke", json={"prompt": "slow", "thread_id": "b"}, headers=ALICE)
    )

    async def running() -> bool:
        view = await client.get("/threads/b", headers=ALICE)
        return view.status_code == 200 and view.json()["running"]

    flags: list[bool] = []

    async def poll() -> None:
        while not flags or not flags[-1]:
            flags.append(await running())
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), 10)
    rejected = await client.post(
        "/invoke", json={"prompt": "now", "thread_id": "b", "on_busy": "reject"}, headers=ALICE
    )
    assert rejected.status_code == 409
    assert rejected.json()["error"]["kind"] == "thread_busy"
    assert (await client.delete("/threads/b", headers=ALICE)).status_code == 409
    queued = asyncio.create_task(
        client.post("/invoke", json={"prompt": "queued", "thread_id": "b"}, headers=ALICE)
    )
    await asyncio.sleep(0.1)
    assert not queued.done()  # waiting for the active run, not refused
    gate.set()
    assert (await first).json()["message"] == "slow (turn 1)"
    assert (await queued).json()["message"] == "queued (turn 2)"
    await wait_until(lambda: not server._core.is_busy(server._core.scope("alice", "b")))
    assert (await client.delete("/threads/b", headers=ALICE)).status_code == 204


async def test_a_stream_on_a_busy_thread_reports_thread_busy(client_for: Any) -> None:
    server, gate = gated_server()
    client = client_for(server.app)
    first = asyncio.create_task(
        client.post("/invoke", json={"prompt": "slow", "thread_id": "s"}, headers=ALICE)
    )
    await asyncio.sleep(0.1)
    streamed = await client.post(
        "/stream", json={"prompt": "now", "thread_id": "s", "on_busy": "reject"}, headers=ALICE
    )
    assert streamed.status_code == 409
    assert streamed.json()["error"]["kind"] == "thread_busy"
    gate.set()
    await first
