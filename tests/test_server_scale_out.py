"""AgentServer scaled out: server processes sharing one PostgreSQL checkpointer.

Each worker is a real ``uvicorn locus.server:run`` process. The server keeps
no thread state of its own, so:

- a thread started on one worker is continued on the other;
- 200 concurrent SSE streams spread over two workers each deliver every event
  of their run exactly once, in order;
- a worker killed in the middle of a run (inside a tool) leaves the thread
  at its last checkpoint, and ``POST /threads/{id}/resume`` on the other
  worker finishes it;
- ``DELETE /threads/{id}`` on one worker answers 409 while the other runs
  the thread (the thread lease lives in PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
pytest.importorskip("locus.checkpoint.postgres", reason="locus-checkpoint-postgres not installed")
pytest.importorskip("locus.server", reason="locus-server not installed")

KEY = "scale-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
SCHEMA = f"locus_server_scale_{uuid.uuid4().hex[:10]}"
STREAMS = int(os.environ.get("LOCUS_TEST_STREAMS", "200"))

APP = textwrap.dedent(
    '''
    import asyncio
    import os
    from pathlib import Path

    from locus import Agent
    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.core.messages import ToolCall
    from locus.models import FunctionModel
    from locus.tools import tool

    WORKER = os.environ["WORKER"]


    @tool
    async def slow_step(label: str) -> str:
        """One step of long work.

        Args:
            label: What to work on.
        """
        if "slowly" in label:
            await asyncio.sleep(1.0)
        if label.startswith("work hold "):  # run until the test drops a release file
            name = label.removeprefix("work hold ")
            Path(f"held-{name}").write_text(WORKER)
            while not Path(f"release-{name}").exists():
                await asyncio.sleep(0.02)
        if os.environ.get("HANG_IN_TOOL") == "1":
            Path(os.environ["HANG_MARKER"]).write_text("in tool")
            await asyncio.sleep(3600)
        return f"step {label} done on {WORKER}"


    def model(messages, tools):
        last = messages[-1]
        if last.role.value == "tool":
            return f"finished: {last.content}"
        text = last.content or ""
        if text.startswith("work"):
            return ToolCall(id=f"c-{len(messages)}", name="slow_step", arguments={"label": text})
        turns = sum(1 for m in messages if m.role.value == "user")
        return f"{WORKER} saw turn {turns}: {text}"


    agent = Agent(
        model=FunctionModel(model),
        tools=[slow_step],
        name="scaled",
        checkpointer=PostgresCheckpointer.from_conn_string(
            os.environ["PG_DSN"], schema=os.environ["PG_SCHEMA"], max_size=20
        ),
    )
    '''
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Worker:
    """One ``uvicorn locus.server:run`` process."""

    def __init__(self, name: str, app_dir: Path, dsn: str, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {
            **os.environ,
            "LOCUS_SERVER_AGENT": "scaleapp:agent",
            "LOCUS_SERVER_API_KEY": KEY,
            "WORKER": name,
            "PG_DSN": dsn,
            "PG_SCHEMA": SCHEMA,
            "LOCUS_SERVER_STREAM_MIRROR": "redis://127.0.0.1:6379/0",
            "LOCUS_ALLOW_MODEL_REQUESTS": "0",
            **env,
        }
        # the log goes to a file: an unread pipe fills up and blocks the worker
        self.log = app_dir / f"worker-{name}-{self.port}.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "locus.server:run",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=app_dir,
            env=environ,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker {name} did not start: {self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    from locus.checkpoint.postgres.testing import local_dsn

    value = local_dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scaleapp")
    (folder / "scaleapp.py").write_text(APP)
    return folder


@pytest.fixture(scope="module")
def workers(app_dir: Path, dsn: str) -> Iterator[tuple[Worker, Worker]]:
    a = Worker("A", app_dir, dsn)
    b = Worker("B", app_dir, dsn)
    yield a, b
    a.stop()
    b.stop()


def test_a_thread_started_on_one_worker_continues_on_the_other(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    thread = f"t-{uuid.uuid4().hex[:8]}"
    first = httpx.post(
        f"{a.url}/invoke", json={"prompt": "hello", "thread_id": thread}, headers=AUTH, timeout=30
    )
    assert first.json()["message"] == "A saw turn 1: hello"
    second = httpx.post(
        f"{b.url}/invoke", json={"prompt": "again", "thread_id": thread}, headers=AUTH, timeout=30
    )
    assert second.json()["message"] == "B saw turn 2: again"
    view = httpx.get(f"{a.url}/threads/{thread}", headers=AUTH).json()
    assert [m["content"] for m in view["messages"] if m["role"] == "user"] == ["hello", "again"]
    assert thread in httpx.get(f"{b.url}/threads", headers=AUTH).json()["threads"]


def _frames(text: str) -> list[dict[str, str]]:
    frames = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            fields[name] = value
        if fields.get("id"):
            frames.append(fields)
    return frames


def test_200_concurrent_streams_over_two_workers_lose_and_repeat_nothing(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    batch = uuid.uuid4().hex[:6]

    async def one(
        client: httpx.AsyncClient, worker: Worker, name: str, index: int
    ) -> tuple[str, int, list[dict[str, str]]]:
        body = {"prompt": f"s{index}", "thread_id": f"{batch}-{index}"}
        async with client.stream(
            "POST", f"{worker.url}/stream", json=body, headers=AUTH
        ) as response:
            assert response.status_code == 200
            text = "".join([chunk async for chunk in response.aiter_text()])
        return name, index, _frames(text)

    async def main() -> list[tuple[str, int, list[dict[str, str]]]]:
        limits = httpx.Limits(max_connections=400, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=120, limits=limits) as client:
            jobs = [one(client, (a, b)[i % 2], "AB"[i % 2], i) for i in range(STREAMS)]
            return await asyncio.gather(*jobs)

    results = asyncio.run(main())
    assert len(results) == STREAMS
    for name, index, frames in results:
        ids = [f["id"] for f in frames]
        assert len(set(ids)) == len(ids), f"duplicated events in stream {index}"
        runs = {i.rsplit(":", 1)[0] for i in ids}
        assert len(runs) == 1
        assert [int(i.rsplit(":", 1)[1]) for i in ids] == list(range(len(ids))), (
            f"gap in stream {index}"
        )
        assert frames[0]["event"] == "agent.started"
        assert frames[-1]["event"] == "agent.terminate"
        assert (
            json.loads(frames[-1]["data"])["data"]["final_message"]
            == f"{name} saw turn 1: s{index}"
        )


def test_a_worker_killed_mid_run_is_resumed_on_the_other(
    workers: tuple[Worker, Worker], app_dir: Path, dsn: str, tmp_path: Path
) -> None:
    _, b = workers
    marker = tmp_path / "hang.marker"
    doomed = Worker("C", app_dir, dsn, HANG_IN_TOOL="1", HANG_MARKER=str(marker))
    thread = f"k-{uuid.uuid4().hex[:8]}"
    try:
        request = subprocess.Popen(  # a client whose request dies with the worker
            [
                sys.executable,
                "-c",
                "import httpx,sys; httpx.post(sys.argv[1], json={'prompt': 'work X', 'thread_id': sys.argv[2]},"
                " headers={'Authorization': 'Bearer " + KEY + "'}, timeout=120)",
                f"{doomed.url}/invoke",
                thread,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline, "the run never reached the tool"
            time.sleep(0.05)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=20)
        request.wait(timeout=30)
    finally:
        doomed.stop()

    before = httpx.get(f"{b.url}/threads/{thread}", headers=AUTH).json()
    assert before["status"] == "running"  # the last checkpoint: the tool call was decided, not done
    resumed = httpx.post(f"{b.url}/threads/{thread}/resume", json={}, headers=AUTH, timeout=30)
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["message"] == "finished: step work X done on B"
    after = httpx.get(f"{b.url}/threads/{thread}", headers=AUTH).json()
    assert after["status"] == "completed"
    assert [m["content"] for m in after["messages"] if m["role"] == "user"] == ["work X"]
    assert [m["content"] for m in after["messages"] if m["role"] == "tool"] == [
        "step work X done on B"
    ]


def test_a_stream_started_on_one_worker_is_resumed_through_the_other(
    workers: tuple[Worker, Worker],
) -> None:
    a, b = workers
    thread = f"m-{uuid.uuid4().hex[:8]}"
    seen: list[dict[str, str]] = []
    with httpx.stream(
        "POST",
        f"{a.url}/stream",
        json={"prompt": "work slowly", "thread_id": thread},
        headers=AUTH,
        timeout=30,
    ) as response:
        buffer = ""
        for chunk in response.iter_text():
            buffer += chunk
            *blocks, buffer = buffer.split("\n\n")
            seen += _frames("\n\n".join(blocks))
            if any(f["event"] == "agent.tool.started" for f in seen):
                break  # the client drops while the tool still runs
    last_id = seen[-1]["id"]
    resumed = httpx.post(
        f"{b.url}/stream",
        json={"prompt": "ignored", "thread_id": thread},
        headers={**AUTH, "Last-Event-ID": last_id},
        timeout=30,
    )
    assert resumed.status_code == 200
    rest = _frames(resumed.text)
    ids = [f["id"] for f in seen + rest]
    assert [int(i.rsplit(":", 1)[1]) for i in ids] == list(range(len(ids)))  # no gap, no repeat
    assert rest[-1]["event"] == "agent.terminate"
    assert (
        json.loads(rest[-1]["data"])["data"]["final_message"]
        == "finished: step work slowly done on A"
    )
    other_user = httpx.post(
        f"{b.url}/stream",
        json={"prompt": "x"},
        headers={"Authorization": "Bearer wrong", "Last-Event-ID": last_id},
    )
    assert other_user.status_code == 401


def test_delete_on_one_worker_is_409_while_the_other_runs_the_thread(
    workers: tuple[Worker, Worker], app_dir: Path
) -> None:
    a, b = workers
    name = uuid.uuid4().hex[:8]
    thread = f"d-{name}"
    held, release = app_dir / f"held-{name}", app_dir / f"release-{name}"

    async def main() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            run = asyncio.create_task(
                client.post(
                    f"{a.url}/invoke",
                    json={"prompt": f"work hold {name}", "thread_id": thread},
                    headers=AUTH,
                )
            )
            deadline = time.monotonic() + 30
            while not held.exists():  # worker A is inside the tool, holding the thread
                assert time.monotonic() < deadline, "the run never reached the tool"
                await asyncio.sleep(0.02)
            busy = await client.delete(f"{b.url}/threads/{thread}", headers=AUTH)
            assert busy.status_code == 409, busy.text
            assert busy.json()["error"]["kind"] == "thread_busy"
            release.write_text("go")
            done = await run
            assert done.json()["message"] == f"finished: step work hold {name} done on A"
            gone = await client.delete(f"{b.url}/threads/{thread}", headers=AUTH)
            assert gone.status_code == 204
            assert (await client.get(f"{a.url}/threads/{thread}", headers=AUTH)).status_code == 404

    asyncio.run(main())
