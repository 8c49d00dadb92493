"""Helpers of the locus-server tests: offline agents, an in-process client, a real uvicorn server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from locus import Agent
from locus.core.interrupt import interrupt
from locus.core.messages import Message, ToolCall
from locus.models import FunctionModel
from locus.tools import tool

KEY = "key-alice"
KEYS = {KEY: "alice", "key-bob": "bob"}
ALICE = {"Authorization": f"Bearer {KEY}"}
BOB = {"Authorization": "Bearer key-bob"}


@tool
def refund(order: str, amount: float) -> str:
    """Refund an order after a human approved it.

    Args:
        order: Order id.
        amount: Amount in EUR.
    """
    answer = interrupt({"question": f"Refund {amount} EUR on {order}?"})
    return f"refunded {amount} on {order}" if answer == "yes" else f"refund refused ({answer})"


def refund_model(messages: list[Message], tools: Any) -> Any:
    """Asks for a refund of the amount in the prompt, then reports the tool's answer."""
    last = messages[-1]
    if last.role.value == "tool":
        return f"done: {last.content}"
    words = (last.content or "").split()
    return ToolCall(
        id=f"call-{len(messages)}", name="refund", arguments={"order": words[-1], "amount": 10.0}
    )


def refund_agent() -> Agent:
    """An agent whose every prompt pauses on an approval."""
    return Agent(model=FunctionModel(refund_model), tools=[refund], name="refunds")


def echo_agent() -> Agent:
    """An agent answering 'echo: <prompt>' and counting the user turns it has seen."""

    def echo(messages: list[Message], tools: Any) -> str:
        turns = sum(1 for m in messages if m.role.value == "user")
        return f"echo: {messages[-1].content} (turn {turns})"

    return Agent(model=FunctionModel(echo), name="echo")


@pytest.fixture
async def client_for() -> AsyncIterator[Any]:
    """``client_for(app)``: an httpx client talking to the ASGI app in process."""
    clients: list[httpx.AsyncClient] = []

    def make(app: Any) -> httpx.AsyncClient:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        clients.append(c)
        return c

    yield make
    for c in clients:
        await c.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving an app in a background thread on a free port."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def live() -> Iterator[Any]:
    """``live(app)``: start a real uvicorn server for the test; stopped afterwards."""
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


def parse_sse(text: str) -> list[dict[str, str]]:
    """Split an SSE body into frames of their fields."""
    frames = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line and not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
        if fields:
            frames.append(fields)
    return frames


async def wait_until(predicate: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.01)
