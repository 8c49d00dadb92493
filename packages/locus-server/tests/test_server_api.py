"""AgentServer over HTTP: runs, threads, per-user isolation, errors and limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from server_helpers import ALICE, BOB, KEY, KEYS, echo_agent, parse_sse

from locus import Agent
from locus.core.errors import ConfigError
from locus.multiagent.graph import END, StateGraph
from locus.server import AgentServer, Forbidden, GraphRunnable


def server(agent: Any = None, **options: Any) -> AgentServer:
    options.setdefault("api_key", KEYS)
    return AgentServer(agent=agent or echo_agent(), **options)


async def test_invoke_returns_full_result_and_continues_the_thread(client_for: Any) -> None:
    client = client_for(server().app)
    first = await client.post(
        "/invoke", json={"prompt": "hello", "thread_id": "c42"}, headers=ALICE
    )
    assert first.status_code == 200
    body = first.json()
    assert body["message"] == "echo: hello (turn 1)"
    assert body["thread_id"] == "c42"
    assert body["success"] is True
    assert body["stop_reason"] == "NoToolCalls()"
    assert body["usage"]["total_tokens"] > 0
    second = await client.post(
        "/invoke", json={"prompt": "again", "thread_id": "c42"}, headers=ALICE
    )
    assert second.json()["message"] == "echo: again (turn 2)"


async def test_invoke_without_thread_id_returns_a_new_thread_to_continue(client_for: Any) -> None:
    client = client_for(server().app)
    first = (await client.post("/invoke", json={"prompt": "a"}, headers=ALICE)).json()
    assert first["thread_id"]
    again = await client.post(
        "/invoke", json={"prompt": "b", "thread_id": first["thread_id"]}, headers=ALICE
    )
    assert again.json()["message"] == "echo: b (turn 2)"


async def test_stream_sends_every_typed_event_with_ids(client_for: Any) -> None:
    client = client_for(server().app)
    response = await client.post("/stream", json={"prompt": "hi", "thread_id": "s1"}, headers=ALICE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = parse_sse(response.text)
    types = [f["event"] for f in frames]
    assert types[0] == "agent.started"
    assert "agent.think" in types
    assert types[-1] == "agent.terminate"
    run_keys = {f["id"].split(":")[0] for f in frames}
    assert len(run_keys) == 1
    assert [int(f["id"].split(":")[1]) for f in frames] == list(range(len(frames)))
    last = json.loads(frames[-1]["data"])
    assert last["data"]["final_message"] == "echo: hi (turn 1)"
    started = json.loads(frames[0]["data"])
    assert started["data"]["thread_id"] == "s1"  # the client's id, not the store's scoped one


async def test_last_event_id_replays_after_that_event_without_a_new_run(client_for: Any) -> None:
    app = server().app
    client = client_for(app)
    full = parse_sse(
        (await client.post("/stream", json={"prompt": "x", "thread_id": "r1"}, headers=ALICE)).text
    )
    resumed = await client.post(
        "/stream",
        json={"prompt": "x", "thread_id": "r1"},
        headers={**ALICE, "Last-Event-ID": full[1]["id"]},
    )
    assert resumed.status_code == 200
    assert [f["id"] for f in parse_sse(resumed.text)] == [f["id"] for f in full[2:]]
    replay = await client.get(f"/streams/{full[0]['id'].split(':')[0]}", headers=ALICE)
    assert [f["id"] for f in parse_sse(replay.text)] == [f["id"] for f in full]
    # no second run happened on the thread
    thread = (await client.get("/threads/r1", headers=ALICE)).json()
    assert [m["content"] for m in thread["messages"] if m["role"] == "user"] == ["x"]
    # another user cannot follow alice's stream
    other = await client.post(
        "/stream", json={"prompt": "x"}, headers={**BOB, "Last-Event-ID": full[1]["id"]}
    )
    assert other.status_code == 404
    bad = await client.post(
        "/stream", json={"prompt": "x"}, headers={**ALICE, "Last-Event-ID": "nope"}
    )
    assert bad.status_code == 422


async def test_threads_are_private_to_their_user(client_for: Any) -> None:
    client = client_for(server().app)
    await client.post(
        "/invoke", json={"prompt": "secret", "thread_id": "shared-name"}, headers=ALICE
    )
    assert (await client.get("/threads/shared-name", headers=BOB)).status_code == 404
    assert (await client.delete("/threads/shared-name", headers=BOB)).status_code == 404
    # bob "continuing" the same id starts his own conversation: alice's history is not in it
    bob = await client.post(
        "/invoke", json={"prompt": "peek", "thread_id": "shared-name"}, headers=BOB
    )
    assert bob.json()["message"] == "echo: peek (turn 1)"
    assert (await client.get("/threads", headers=BOB)).json()["threads"] == ["shared-name"]
    alice = (await client.get("/threads/shared-name", headers=ALICE)).json()
    assert [m["content"] for m in alice["messages"] if m["role"] == "user"] == ["secret"]
    assert (await client.delete("/threads/shared-name", headers=ALICE)).status_code == 204
    assert (await client.get("/threads/shared-name", headers=ALICE)).status_code == 404
    assert (await client.get("/threads/shared-name", headers=BOB)).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {KEY}"},
        {"Authorization": "Bearer "},
    ],
)
async def test_missing_or_wrong_key_is_401_json(client_for: Any, headers: dict[str, str]) -> None:
    client = client_for(server().app)
    response = await client.post("/invoke", json={"prompt": "hi"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["kind"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"
    assert (await client.get("/health")).status_code == 200  # the probe needs no key


async def test_a_pluggable_authenticator_names_the_user_or_forbids(client_for: Any) -> None:
    async def by_header(request: Any) -> str | None:
        user = request.headers.get("x-user")
        if user == "mallory":
            raise Forbidden("mallory is banned")
        return user

    client = client_for(server(api_key=None, authenticator=by_header).app)
    ok = await client.post(
        "/invoke", json={"prompt": "hi", "thread_id": "t"}, headers={"x-user": "carol"}
    )
    assert ok.status_code == 200
    assert (await client.get("/threads/t", headers={"x-user": "dave"})).status_code == 404
    banned = await client.post("/invoke", json={"prompt": "hi"}, headers={"x-user": "mallory"})
    assert banned.status_code == 403
    assert banned.json()["error"] == {"kind": "forbidden", "message": "mallory is banned"}
    assert (await client.post("/invoke", json={"prompt": "hi"})).status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"prompt": ""}, 422),
        ({"prompt": 5}, 422),
        ({"prompt": "hi", "thread_id": "../etc"}, 422),
        ({"prompt": "hi", "unknown": 1}, 422),
        ({"prompt": "x" * 101}, 413),
    ],
)
async def test_bad_input_gets_a_json_4xx(
    client_for: Any, body: dict[str, Any], status: int
) -> None:
    client = client_for(server(max_prompt_chars=100).app)
    response = await client.post("/invoke", json=body, headers=ALICE)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["kind"]
    assert error["message"]
    assert "Traceback" not in response.text


async def test_malformed_json_and_oversized_bodies(client_for: Any) -> None:
    client = client_for(server(max_body_bytes=1000).app)
    garbled = await client.post(
        "/invoke", content=b"{not json", headers={**ALICE, "content-type": "application/json"}
    )
    assert garbled.status_code == 422
    big = await client.post("/invoke", json={"prompt": "y" * 5000}, headers=ALICE)
    assert big.status_code == 413
    assert big.json()["error"]["kind"] == "payload_too_large"

    async def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"z" * 200

    chunked = await client.post("/invoke", content=chunks(), headers=ALICE)
    assert chunked.status_code == 413
    unknown = await client.get("/nowhere", headers=ALICE)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["kind"] == "not_found"
    assert (await client.get("/threads/bad%20id", headers=ALICE)).status_code == 422


async def test_a_failing_agent_is_a_json_error_without_a_trace(client_for: Any) -> None:
    def broken(messages: Any, tools: Any) -> str:
        raise RuntimeError("secret internals")

    from locus.models import FunctionModel

    client = client_for(server(Agent(model=FunctionModel(broken))).app)
    response = await client.post("/invoke", json={"prompt": "hi"}, headers=ALICE)
    assert response.status_code >= 500
    assert "secret internals" not in response.text
    assert response.json()["error"]["kind"]
    stream = await client.post("/stream", json={"prompt": "hi"}, headers=ALICE)
    events = [f["event"] for f in parse_sse(stream.text)]
    assert events[-2:] == ["agent.error", "agent.terminate"]  # the stream ends at the terminate
    assert "secret internals" not in stream.text


async def test_cors_allows_only_configured_origins(client_for: Any) -> None:
    client = client_for(server(cors_origins=["https://app.example.com"]).app)
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    ok = await client.options("/invoke", headers={"Origin": "https://app.example.com", **preflight})
    assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
    evil = await client.options("/invoke", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in evil.headers


def test_no_credentials_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOCUS_SERVER_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="api_key"):
        AgentServer(agent=echo_agent())
    monkeypatch.setenv("LOCUS_SERVER_API_KEY", "from-env")
    AgentServer(agent=echo_agent())
    with pytest.raises(ConfigError, match="cannot serve"):
        AgentServer(agent=object(), api_key="k")


async def test_serves_a_compiled_graph_and_a_plain_runnable(client_for: Any) -> None:
    graph = StateGraph()
    graph.add_node("shout", lambda state: {"answer": state["prompt"].upper()})
    graph.set_entry_point("shout")
    graph.add_edge("shout", END)
    client = client_for(server(GraphRunnable(graph.compile(), output_key="answer")).app)
    body = (await client.post("/invoke", json={"prompt": "quiet"}, headers=ALICE)).json()
    assert body["message"] == "QUIET"
    frames = parse_sse((await client.post("/stream", json={"prompt": "quiet"}, headers=ALICE)).text)
    assert any(f["event"].startswith("multiagent.graph.") for f in frames)
    assert json.loads(frames[-1]["data"])["data"]["final_message"] == "QUIET"

    class Reverser:
        name = "reverser"

        def invoke(self, prompt: str) -> str:
            return prompt[::-1]

    plain = client_for(server(Reverser()).app)
    assert (await plain.post("/invoke", json={"prompt": "abc"}, headers=ALICE)).json()[
        "message"
    ] == "cba"
    frames = parse_sse((await plain.post("/stream", json={"prompt": "abc"}, headers=ALICE)).text)
    assert [f["event"] for f in frames] == ["agent.started", "agent.terminate"]

    class Streamer:  # run() only: /invoke takes the last event as the result
        async def run(self, prompt: str, *, thread_id: str | None = None) -> Any:
            from locus.core.events import TerminateEvent

            yield TerminateEvent(reason="done", final_message=prompt * 2)

    streamer = client_for(server(Streamer()).app)
    assert (await streamer.post("/invoke", json={"prompt": "ab"}, headers=ALICE)).json()[
        "message"
    ] == "abab"


async def test_time_travel_and_fork_over_http(client_for: Any) -> None:
    client = client_for(server().app)
    await client.post("/invoke", json={"prompt": "one", "thread_id": "tt"}, headers=ALICE)
    await client.post("/invoke", json={"prompt": "two", "thread_id": "tt"}, headers=ALICE)
    checkpoints = (await client.get("/threads/tt", headers=ALICE)).json()["checkpoints"]
    first_run_end = next(c for c in reversed(checkpoints) if c["metadata"]["source"] == "terminate")
    past = await client.get(
        f"/threads/tt/checkpoints/{first_run_end['checkpoint_id']}", headers=ALICE
    )
    assert [m["content"] for m in past.json()["messages"]] == ["one", "echo: one (turn 1)"]
    forked = await client.post(
        "/threads/tt/fork",
        json={"checkpoint_id": first_run_end["checkpoint_id"], "new_thread_id": "tt-b"},
        headers=ALICE,
    )
    assert forked.status_code == 201
    branch = await client.post(
        "/invoke", json={"prompt": "other", "thread_id": "tt-b"}, headers=ALICE
    )
    assert branch.json()["message"] == "echo: other (turn 2)"
    original = (await client.get("/threads/tt", headers=ALICE)).json()
    assert [m["content"] for m in original["messages"] if m["role"] == "user"] == ["one", "two"]
    again = await client.post("/threads/tt/fork", json={"new_thread_id": "tt-b"}, headers=ALICE)
    assert again.status_code == 409
    # bob can neither see alice's past nor fork her thread
    assert (
        await client.get(f"/threads/tt/checkpoints/{first_run_end['checkpoint_id']}", headers=BOB)
    ).status_code == 404
    assert (await client.post("/threads/tt/fork", json={}, headers=BOB)).status_code == 404
    assert (await client.get("/threads/tt/checkpoints/nope", headers=ALICE)).status_code == 404


async def test_the_playground_page_is_served_without_credentials(client_for: Any) -> None:
    client = client_for(server().app)
    page = await client.get("/playground")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="events"' in page.text
    assert (await client.get("/")).headers["location"] == "playground"
    assert "/playground" not in (await client.get("/openapi.json")).json()["paths"]
    hidden = client_for(server(playground=False).app)
    assert (await hidden.get("/playground")).status_code == 404


async def test_observe_puts_each_request_and_its_run_on_the_event_bus(client_for: Any) -> None:
    from locus.observability import get_event_bus

    client = client_for(server(observe=True).app)
    reply = await client.post("/invoke", json={"prompt": "seen", "thread_id": "obs"}, headers=ALICE)
    run_id = reply.headers["x-locus-run-id"]
    types = [e.event_type for e in get_event_bus().history(run_id)]
    assert types[0] == "server.request.received"
    assert "agent.started" in types
    assert "agent.terminate" in types
    assert types[-1] == "server.request.completed"
    completed = get_event_bus().history(run_id)[-1].data
    assert completed["status"] == 200
    assert completed["path"] == "/invoke"
    refused = await client.post("/invoke", json={"prompt": "x"})
    assert [e.event_type for e in get_event_bus().history(refused.headers["x-locus-run-id"])] == [
        "server.auth.failed",
        "server.request.completed",
    ]
    quiet = client_for(server().app)
    assert (
        "x-locus-run-id"
        not in (await quiet.post("/invoke", json={"prompt": "q"}, headers=ALICE)).headers
    )
