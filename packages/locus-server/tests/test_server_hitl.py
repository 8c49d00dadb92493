"""Human in the loop over HTTP: paused calls listed, answered with call-bound tokens."""

from __future__ import annotations

from typing import Any

from server_helpers import ALICE, BOB, KEYS, refund_agent

from locus.server import AgentServer


async def start_paused(client: Any, thread: str, prompt: str = "refund order A1") -> dict[str, Any]:
    body: dict[str, Any] = (
        await client.post("/invoke", json={"prompt": prompt, "thread_id": thread}, headers=ALICE)
    ).json()
    return body


async def approve(client: Any, thread: str, call_id: str, token: str, who: dict[str, str]) -> Any:
    """POST /threads/{thread}/resume answering "yes" with a call id and token."""
    body = {"answer": "yes", "tool_call_id": call_id, "approval_token": token}
    return await client.post(f"/threads/{thread}/resume", json=body, headers=who)


async def test_a_paused_call_is_listed_and_resumed_with_its_token(client_for: Any) -> None:
    client = client_for(AgentServer(refund_agent(), api_key=KEYS).app)
    paused = await start_paused(client, "h1")
    assert paused["success"] is False
    assert paused["stop_reason"].startswith("Interrupted")
    [call] = paused["pending"]
    assert call["tool_name"] == "refund"
    assert call["arguments"] == {"order": "A1", "amount": 10.0}
    assert call["interrupt"]["payload"] == {"question": "Refund 10.0 EUR on A1?"}
    view = (await client.get("/threads/h1", headers=ALICE)).json()
    assert view["status"] == "interrupted"
    assert view["pending"] == paused["pending"]

    done = await approve(client, "h1", call["tool_call_id"], call["approval_token"], ALICE)
    assert done.status_code == 200
    assert done.json()["message"] == "done: refunded 10.0 on A1"
    assert done.json()["pending"] == []
    # the token was for that pause: the run finished, nothing is left to approve
    again = await approve(client, "h1", call["tool_call_id"], call["approval_token"], ALICE)
    assert again.status_code == 409
    assert again.json()["error"]["kind"] == "not_resumable"


async def test_a_token_cannot_approve_another_thread_or_call(client_for: Any) -> None:
    client = client_for(AgentServer(refund_agent(), api_key=KEYS).app)
    one = (await start_paused(client, "h-one"))["pending"][0]
    two = (await start_paused(client, "h-two", "refund order B2"))["pending"][0]
    # thread two's token does not approve thread one's call, even with the right call id
    crossed = await approve(client, "h-one", one["tool_call_id"], two["approval_token"], ALICE)
    assert crossed.status_code == 403
    assert crossed.json()["error"]["kind"] == "approval_invalid"
    forged = await client.post(
        "/threads/h-one/resume",
        json={"answer": "yes", "tool_call_id": "call-999", "approval_token": one["approval_token"]},
        headers=ALICE,
    )
    assert forged.status_code == 403
    # bob cannot use alice's token on her thread: for him it does not exist
    bob = await approve(client, "h-one", one["tool_call_id"], one["approval_token"], BOB)
    assert bob.status_code == 404
    # nothing ran: still paused
    assert (await client.get("/threads/h-one", headers=ALICE)).json()["status"] == "interrupted"


async def test_a_token_does_not_approve_changed_arguments(client_for: Any) -> None:
    agent = refund_agent()
    server = AgentServer(agent, api_key=KEYS)
    client = client_for(server.app)
    call = (await start_paused(client, "h-tamper"))["pending"][0]
    # someone with store access raises the amount of the paused call
    from locus.server._threads import scoped_thread

    scoped = scoped_thread("alice", "h-tamper")
    state = await agent.checkpointer.load(scoped)
    for message in state.messages:
        for tool_call in message.tool_calls:
            if tool_call.id == call["tool_call_id"]:
                tool_call.arguments["amount"] = 10_000.0
    await agent.checkpointer.save(state, scoped)
    refused = await approve(client, "h-tamper", call["tool_call_id"], call["approval_token"], ALICE)
    assert refused.status_code == 403
    view = (await client.get("/threads/h-tamper", headers=ALICE)).json()
    assert view["status"] == "interrupted"
    assert view["pending"][0]["approval_token"] != call["approval_token"]


async def test_a_paused_call_needs_its_token(client_for: Any) -> None:
    client = client_for(AgentServer(refund_agent(), api_key=KEYS).app)
    await start_paused(client, "h-empty")
    assert (
        await client.post("/threads/h-empty/resume", json={"answer": "yes"}, headers=ALICE)
    ).status_code == 403


async def test_an_unfinished_run_is_continued_by_an_empty_resume(client_for: Any) -> None:
    from locus.core.errors import ModelThrottledError
    from locus.models import FunctionModel

    calls: list[int] = []

    def flaky(messages: Any, tools: Any) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ModelThrottledError("provider overloaded")
        return "recovered"

    from locus import Agent

    client = client_for(AgentServer(Agent(model=FunctionModel(flaky)), api_key=KEYS).app)
    failed = await client.post(
        "/invoke", json={"prompt": "go", "thread_id": "h-flaky"}, headers=ALICE
    )
    assert failed.status_code == 502
    assert (await client.get("/threads/h-flaky", headers=ALICE)).json()["status"] == "failed"
    resumed = await client.post("/threads/h-flaky/resume", json={}, headers=ALICE)
    assert resumed.status_code == 200
    assert resumed.json()["message"] == "recovered"
    view = (await client.get("/threads/h-flaky", headers=ALICE)).json()
    assert [m["content"] for m in view["messages"] if m["role"] == "user"] == ["go"]
