"""A served compiled graph and a served pattern on every thread endpoint, like an agent.

Graph threads are viewed (values, next nodes, checkpoints), paused by
``interrupt()`` and answered over HTTP with approval tokens bound to the
thread, the interrupt id and the payload; forked and continued from any step.
A runnable that keeps no threads answers a typed 404 on the thread routes.
"""

from __future__ import annotations

import time
from typing import Any, TypedDict

import pytest
from server_helpers import ALICE, BOB, KEYS, parse_sse

from locus import Agent
from locus.checkpoint._lease import ThreadLease
from locus.core.interrupt import interrupt
from locus.models import FunctionModel
from locus.multiagent.debate import Debate
from locus.multiagent.graph import END, START, StateGraph
from locus.server import AgentServer, GraphRunnable


class Refund(TypedDict, total=False):
    prompt: str
    amount: int
    decision: str
    note: str
    answer: str


def intake(state: Refund) -> dict[str, Any]:
    return {"amount": int(state["prompt"].split()[-1])}


def review(state: Refund) -> dict[str, Any]:
    decision = interrupt({"question": f"Refund {state['amount']} EUR?"})
    note = interrupt({"question": "Note for the customer?"}) if decision == "note" else ""
    return {"decision": decision, "note": note}


def reply(state: Refund) -> dict[str, Any]:
    return {"answer": f"refund {state['amount']}: {state['decision']}{state.get('note') or ''}"}


def refund_graph() -> GraphRunnable:
    graph = StateGraph(Refund)
    graph.add_node(intake).add_node(review).add_node(reply)
    graph.add_edge(START, "intake").add_edge("intake", "review")
    graph.add_edge("review", "reply").add_edge("reply", END)
    return GraphRunnable(graph.compile(), output_key="answer")


def serve(target: Any) -> AgentServer:
    return AgentServer(target, api_key=KEYS)


async def pause(client: Any, thread: str, amount: int = 120) -> dict[str, Any]:
    body = (
        await client.post(
            "/invoke", json={"prompt": f"refund {amount}", "thread_id": thread}, headers=ALICE
        )
    ).json()
    assert body["success"] is False
    assert body["stop_reason"] == "interrupted"
    return body


def answer(call: dict[str, Any], value: Any, token: str | None = None) -> dict[str, Any]:
    return {
        "answer": value,
        "tool_call_id": call["tool_call_id"],
        "approval_token": token or call["approval_token"],
    }


async def test_a_paused_graph_is_listed_and_resumed_with_its_token(client_for: Any) -> None:
    client = client_for(serve(refund_graph()).app)
    paused = await pause(client, "g1")
    (call,) = paused["pending"]
    assert call["tool_name"] == "review"
    assert call["interrupt"]["payload"] == {"question": "Refund 120 EUR?"}
    view = (await client.get("/threads/g1", headers=ALICE)).json()
    assert view["status"] == "interrupted"
    assert view["next"] == ["review"]
    assert view["values"]["amount"] == 120
    assert view["pending"] == paused["pending"]
    assert view["checkpoints"]
    assert (await client.get("/threads", headers=ALICE)).json()["threads"] == ["g1"]
    done = await client.post("/threads/g1/resume", json=answer(call, "yes"), headers=ALICE)
    assert done.status_code == 200, done.text
    assert done.json()["message"] == "refund 120: yes"
    assert done.json()["success"] is True
    finished = (await client.get("/threads/g1", headers=ALICE)).json()
    assert finished["status"] == "completed"
    assert finished["pending"] == []
    again = await client.post("/threads/g1/resume", json=answer(call, "yes"), headers=ALICE)
    assert again.status_code == 409
    assert again.json()["error"]["kind"] == "not_resumable"
    # bob sees nothing of it
    assert (await client.get("/threads/g1", headers=BOB)).status_code == 404


async def test_a_graph_token_answers_only_its_own_pause(client_for: Any) -> None:
    server = serve(refund_graph())
    client = client_for(server.app)
    first = (await pause(client, "g-a"))["pending"][0]
    other = (await pause(client, "g-b"))["pending"][0]
    # a token of another thread, or a pause id of another thread, is refused
    for body in (
        answer(other, "yes", token=first["approval_token"]),
        answer(first, "yes"),  # g-a's pause sent to g-b
    ):
        refused = await client.post("/threads/g-b/resume", json=body, headers=ALICE)
        assert refused.status_code == 403
        assert refused.json()["error"]["kind"] == "approval_invalid"
    # a second interrupt() in the same node is a new pause: the first token does not answer it
    noted = await client.post("/threads/g-a/resume", json=answer(first, "note"), headers=ALICE)
    second = noted.json()["pending"][0]
    assert second["tool_call_id"] != first["tool_call_id"]
    stale = await client.post(
        "/threads/g-a/resume",
        json=answer(second, "x", token=first["approval_token"]),
        headers=ALICE,
    )
    assert stale.status_code == 403
    done = await client.post("/threads/g-a/resume", json=answer(second, "!"), headers=ALICE)
    assert done.json()["message"] == "refund 120: note!"
    untouched = (await client.get("/threads/g-b", headers=ALICE)).json()
    assert untouched["status"] == "interrupted"


async def test_a_graph_token_does_not_answer_a_changed_payload(client_for: Any) -> None:
    runnable = refund_graph()
    server = serve(runnable)
    client = client_for(server.app)
    call = (await pause(client, "g-c"))["pending"][0]
    # the stored pause changes (same thread, same interrupt id, another amount asked)
    store = runnable.checkpointer
    (scoped,) = await store.list_threads()
    state = await store.load(scoped)
    state.metadata["graph"]["interrupts"][0]["value"]["payload"] = {"question": "Refund 9000 EUR?"}
    await store.save(state, scoped)
    refused = await client.post("/threads/g-c/resume", json=answer(call, "yes"), headers=ALICE)
    assert refused.status_code == 403
    fresh = (await client.get("/threads/g-c", headers=ALICE)).json()["pending"][0]
    assert fresh["tool_call_id"] == call["tool_call_id"]
    assert fresh["approval_token"] != call["approval_token"]
    ok = await client.post("/threads/g-c/resume", json=answer(fresh, "yes"), headers=ALICE)
    assert ok.status_code == 200


async def test_a_graph_thread_travels_in_time_and_forks_from_any_step(client_for: Any) -> None:
    client = client_for(serve(refund_graph()).app)
    await pause(client, "g-t", amount=50)
    checkpoints = (await client.get("/threads/g-t", headers=ALICE)).json()["checkpoints"]
    oldest = checkpoints[-1]["checkpoint_id"]  # newest first
    past = (await client.get(f"/threads/g-t/checkpoints/{oldest}", headers=ALICE)).json()
    assert past["status"] == "running"
    assert past["next"] == ["review"]
    assert past["values"]["amount"] == 50
    assert past["pending"] == []
    # fork before the pause: an unfinished step, continued by an empty resume
    early = await client.post(
        "/threads/g-t/fork", json={"checkpoint_id": oldest, "new_thread_id": "g-t2"}, headers=ALICE
    )
    assert early.status_code == 201
    paused_again = await client.post("/threads/g-t2/resume", json={}, headers=ALICE)
    assert paused_again.status_code == 200, paused_again.text
    fork_call = paused_again.json()["pending"][0]
    # fork of the paused head: the same pause in a new thread, with a token of its own
    head_fork = await client.post(
        "/threads/g-t/fork", json={"new_thread_id": "g-t3"}, headers=ALICE
    )
    assert head_fork.status_code == 201
    copy_call = (await client.get("/threads/g-t3", headers=ALICE)).json()["pending"][0]
    original = (await client.get("/threads/g-t", headers=ALICE)).json()["pending"][0]
    assert copy_call["tool_call_id"] == original["tool_call_id"]
    assert copy_call["approval_token"] != original["approval_token"]
    assert (
        await client.post("/threads/g-t3/resume", json=answer(original, "no"), headers=ALICE)
    ).status_code == 403
    done = await client.post("/threads/g-t3/resume", json=answer(copy_call, "no"), headers=ALICE)
    assert done.json()["message"] == "refund 50: no"
    done2 = await client.post("/threads/g-t2/resume", json=answer(fork_call, "yes"), headers=ALICE)
    assert done2.json()["message"] == "refund 50: yes"
    assert (await client.get("/threads/g-t", headers=ALICE)).json()["status"] == "interrupted"


async def test_a_graph_stream_shows_the_pause_and_delete_removes_the_thread(
    client_for: Any,
) -> None:
    client = client_for(serve(refund_graph()).app)
    frames = parse_sse(
        (
            await client.post(
                "/stream", json={"prompt": "refund 7", "thread_id": "g-s"}, headers=ALICE
            )
        ).text
    )
    events = [f["event"] for f in frames]
    assert events[0] == "agent.started"
    assert events[-1] == "agent.terminate"
    assert "agent.interrupt" in events
    assert (await client.get("/threads/g-s", headers=ALICE)).json()["pending"]
    assert (await client.delete("/threads/g-s", headers=ALICE)).status_code == 204
    assert (await client.get("/threads/g-s", headers=ALICE)).status_code == 404


async def test_delete_is_409_while_another_process_holds_the_thread_lease(
    client_for: Any,
) -> None:
    runnable = refund_graph()
    client = client_for(serve(runnable).app)
    await pause(client, "g-busy")
    store = runnable.checkpointer
    (scoped,) = await store.list_threads()
    # a run of another server process holds the thread (its lease, as PG/Redis store them)
    other = ThreadLease(scoped, "other-host:4242:run", time.time() + 30)
    assert await store._lease_acquire(other) is None
    busy = await client.delete("/threads/g-busy", headers=ALICE)
    assert busy.status_code == 409
    assert busy.json()["error"]["kind"] == "thread_busy"
    assert (await client.get("/threads/g-busy", headers=ALICE)).status_code == 200
    await store._lease_release(scoped, other.owner)
    assert (await client.delete("/threads/g-busy", headers=ALICE)).status_code == 204


def debate() -> Debate:
    def speaker(word: str) -> Agent:
        return Agent(
            model=FunctionModel(lambda m, t: f"{word} because {m[-1].content[:20]}"), name=word
        )

    verdict = '{"winner": "pro", "reasoning": "r", "answer": "go", "confidence": 0.9}'
    judge = Agent(model=FunctionModel(lambda messages, tools: verdict))
    return Debate(debaters=[speaker("pro"), speaker("con")], judge=judge, rounds=1)


async def test_a_served_pattern_has_threads_like_an_agent(client_for: Any) -> None:
    pattern = debate()
    client = client_for(serve(pattern).app)
    body = (
        await client.post("/invoke", json={"prompt": "ship it?", "thread_id": "d1"}, headers=ALICE)
    ).json()
    assert body["stop_reason"] == "debate_completed"
    view = (await client.get("/threads/d1", headers=ALICE)).json()
    assert view["status"] == "completed"
    assert view["values"]["topic"] == "ship it?"
    assert len(view["values"]["transcript"]) == 2
    assert view["checkpoints"]
    oldest = view["checkpoints"][-1]["checkpoint_id"]
    past = await client.get(f"/threads/d1/checkpoints/{oldest}", headers=ALICE)
    assert past.status_code == 200
    assert past.json()["values"]["transcript"] == []
    fork = await client.post(
        "/threads/d1/fork", json={"checkpoint_id": oldest, "new_thread_id": "d2"}, headers=ALICE
    )
    assert fork.status_code == 201
    continued = await client.post("/threads/d2/resume", json={}, headers=ALICE)
    assert continued.status_code == 200, continued.text
    assert (await client.get("/threads/d2", headers=ALICE)).json()["status"] == "completed"
    finished = await client.post("/threads/d1/resume", json={}, headers=ALICE)
    assert finished.status_code == 409
    assert (await client.delete("/threads/d1", headers=ALICE)).status_code == 204


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/threads/t1", None),
        ("DELETE", "/threads/t1", None),
        ("POST", "/threads/t1/resume", {}),
        ("POST", "/threads/t1/fork", {}),
        ("GET", "/threads/t1/checkpoints/c1", None),
    ],
)
async def test_a_runnable_without_threads_says_so(
    client_for: Any, method: str, path: str, body: Any
) -> None:
    class Reverser:
        name = "reverser"

        def invoke(self, prompt: str) -> str:
            return prompt[::-1]

    client = client_for(serve(Reverser()).app)
    reply = await client.request(method, path, json=body, headers=ALICE)
    assert reply.status_code == 404
    assert reply.json()["error"]["kind"] == "threads_unsupported"
    assert "keeps no threads" in reply.json()["error"]["message"]
