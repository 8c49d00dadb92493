"""The opt-in a2a_delegate protocol against a real locus A2AServer over HTTP (uvicorn).

A frame needing a capability no local tool provides goes to the remote agent
only when the compiler has an ``a2a_endpoint``; the answer comes back through
locus.a2a's client.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from locus import Agent
from locus.a2a import A2AServer
from locus.core.messages import Message
from locus.models import FunctionModel
from locus.router import (
    A2ARunnable,
    CapabilityIndex,
    CognitiveCompiler,
    GoalFrame,
    NoMatchingProtocolError,
    PolicyGate,
    ProtocolRegistry,
    Router,
    builtin_protocols,
)

FRAME = {"primary_goal": "remediate", "risk": "medium", "required_capabilities": ["db.failover"]}


@pytest.fixture
def remote_dba() -> Iterator[str]:
    """A remote 'DBA' agent served over A2A on a free port."""

    def dba(messages: list[Message], tools: Any) -> str:
        return f"dba: failover planned for: {messages[-1].content}"

    agent = Agent(model=FunctionModel(dba), name="dba", description="Database operations")
    app = A2AServer(agent, name="dba", allow_unauthenticated=True).app
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


def _router(a2a_endpoint: str | None) -> Router:
    registry = ProtocolRegistry()
    registry.register_many(builtin_protocols())
    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=CapabilityIndex(),
        policy=PolicyGate(),
        model=FunctionModel(lambda messages, tools: "local"),
        a2a_endpoint=a2a_endpoint,
    )
    extractor = Agent(
        model=FunctionModel(lambda messages, tools: json.dumps(FRAME)), output_schema=GoalFrame
    )
    return Router(extractor=extractor, compiler=compiler)


async def test_missing_capability_is_delegated_to_the_remote_agent(remote_dba: str) -> None:
    router = _router(remote_dba)
    result = await router.dispatch("Fail the orders database over to the replica.")
    assert result.protocol_id == "a2a_delegate"
    assert result.text == "dba: failover planned for: Fail the orders database over to the replica."
    assert result.verdict.decision == "allow"
    runnable = router.compiler.build(result.decision)  # type: ignore[arg-type]
    assert isinstance(runnable, A2ARunnable)
    assert runnable.shape == f"A2AClient[{remote_dba}]"
    await runnable.client.aclose()


async def test_without_an_endpoint_nothing_leaves_the_process() -> None:
    with pytest.raises(NoMatchingProtocolError, match=r"a2a_delegate: requires \['a2a"):
        await _router(None).dispatch("Fail the orders database over to the replica.")
