"""AgentServer overhead: ``/invoke`` and ``/stream`` vs a bare FastAPI endpoint on the same agent.

Both servers run the same offline agent (a ``FunctionModel`` answering at
once, in-memory checkpointer, a new thread per request), each in its own
uvicorn process with one worker, on this machine. The bare app is what a
user would write without locus-server: one ``POST /invoke`` calling
``agent.invoke`` and one ``POST /stream`` writing ``agent.run`` events as SSE,
no authentication, no limits. AgentServer adds bearer-key auth, per-user
thread scoping, body/prompt limits, the run registry and resumable stream ids.

Method (robust on a loaded, shared 2-core machine):

- for each (route, clients) cell, ``LOCUS_BENCH_ROUNDS`` rounds; in each
  round both servers get the same ``LOCUS_BENCH_REQUESTS`` requests, one
  after the other, the order alternating between rounds (locus first, then
  bare first), so both see the same background load;
- per round and server: the **server process's CPU time per request**
  (user + system of the uvicorn pid from ``/proc/<pid>/stat``, before and
  after the round, divided by the requests) -- the client's CPU and other
  jobs do not count, which makes this the stable measure -- and, on the wall
  clock, requests/s, p50/p99 latency (``/invoke``) or time to the first SSE
  event (``/stream``);
- each round gives a locus/bare ratio; the table shows the **median ratio**
  over rounds and its spread (min-max), next to the median absolute values.

Ratios are locus / bare: CPU, latency and time ratios (lower is better);
``req/s`` is shown as bare/locus so that it too reads "times slower".

Run: ``python bench/bench_server.py`` (``LOCUS_BENCH_REQUESTS``,
``LOCUS_BENCH_ROUNDS``, ``LOCUS_BENCH_CONCURRENCY`` as ``1,50,200``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, os.path.dirname(__file__))
from _peers import median, table

REQUESTS = int(os.environ.get("LOCUS_BENCH_REQUESTS", "300"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "9"))
CONCURRENCY = [int(c) for c in os.environ.get("LOCUS_BENCH_CONCURRENCY", "1,50,200").split(",")]
KEY = "bench-key"


def build_agent() -> Any:
    from locus import Agent
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.models import FunctionModel

    return Agent(
        model=FunctionModel(lambda messages, tools: f"ok: {messages[-1].content}"),
        name="bench",
        checkpointer=MemoryCheckpointer(),
    )


def locus_app() -> Any:
    from locus.server import AgentServer

    return AgentServer(build_agent(), api_key=KEY, playground=False).app


def bare_app() -> Any:
    import json
    import uuid

    from fastapi import FastAPI
    from fastapi.responses import StreamingResponse

    agent = build_agent()
    app = FastAPI()

    @app.post("/invoke")
    async def invoke(body: Body) -> dict[str, Any]:
        thread = body.thread_id or uuid.uuid4().hex
        result = await agent.invoke(body.prompt, thread_id=thread)
        return {"message": result.message, "thread_id": thread, "stop_reason": result.stop_reason}

    @app.post("/stream")
    async def stream(body: Body) -> StreamingResponse:
        thread = body.thread_id or uuid.uuid4().hex

        async def frames() -> Any:
            async for event in agent.run(body.prompt, thread_id=thread):
                data = json.dumps(event.model_dump(mode="json"))
                yield f"event: {event.event_type}\ndata: {data}\n\n"

        return StreamingResponse(frames(), media_type="text/event-stream")

    return app


class Body(BaseModel):
    """The bare app's request body."""

    prompt: str
    thread_id: str | None = None


def serve(kind: str, port: int) -> None:
    import uvicorn

    app = locus_app() if kind == "locus" else bare_app()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=60,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(kind: str) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", kind, str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.post(
                f"{url}/invoke", json={"prompt": "warm"}, headers={"Authorization": f"Bearer {KEY}"}
            )
            return process, url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(url: str, path: str, concurrency: int) -> tuple[float, list[float]]:
    """(requests/s, per-request latency or time-to-first-event in seconds)."""
    import httpx

    headers = {"Authorization": f"Bearer {KEY}"}
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(REQUESTS):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=120
    ) as client:

        async def worker() -> None:
            while True:
                try:
                    i = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = {"prompt": f"p{i}"}
                started = time.perf_counter()
                if path == "/invoke":
                    response = await client.post(path, json=body)
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - started)
                else:
                    async with client.stream("POST", path, json=body) as response:
                        response.raise_for_status()
                        first = None
                        async for line in response.aiter_lines():
                            if first is None and line.startswith("data:"):
                                first = time.perf_counter() - started
                        latencies.append(first if first is not None else float("nan"))

        wall = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - wall
    return REQUESTS / wall, latencies


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (``/proc/<pid>/stat``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


Cell = dict[str, float]


def measure(process: subprocess.Popen[bytes], url: str, path: str, concurrency: int) -> Cell:
    """One round of one server: CPU ms/request of the server, req/s, p50/p99 ms."""
    before = cpu_seconds(process.pid)
    rps, lat = asyncio.run(load(url, path, concurrency))
    cpu = (cpu_seconds(process.pid) - before) / REQUESTS * 1000
    return {
        "cpu": cpu,
        "rps": rps,
        "p50": percentile(lat, 0.5) * 1000,
        "p99": percentile(lat, 0.99) * 1000,
    }


def spread(values: list[float]) -> str:
    """``median [min-max]`` of ratios."""
    return f"{median(values):.2f}x [{min(values):.2f}-{max(values):.2f}]"


def main() -> None:
    servers = {kind: start(kind) for kind in ("locus", "bare")}
    cells: dict[tuple[str, int], list[dict[str, Cell]]] = {}
    try:
        for concurrency in CONCURRENCY:
            for path in ("/invoke", "/stream"):
                for round_ in range(ROUNDS):
                    order = ("locus", "bare") if round_ % 2 == 0 else ("bare", "locus")
                    cells.setdefault((path, concurrency), []).append(
                        {kind: measure(*servers[kind], path, concurrency) for kind in order}
                    )
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()

    rows = []
    for (path, concurrency), rounds in cells.items():

        def med(kind: str, key: str, rounds: list[dict[str, Cell]] = rounds) -> float:
            return median([r[kind][key] for r in rounds])

        def ratios(key: str, rounds: list[dict[str, Cell]] = rounds) -> list[float]:
            if key == "rps":
                return [r["bare"][key] / r["locus"][key] for r in rounds]
            return [r["locus"][key] / r["bare"][key] for r in rounds]

        rows.append(
            (
                str(concurrency),
                path,
                f"{med('locus', 'cpu'):.2f} / {med('bare', 'cpu'):.2f}",
                spread(ratios("cpu")),
                f"{med('locus', 'rps'):.0f} / {med('bare', 'rps'):.0f}",
                spread(ratios("rps")),
                f"{med('locus', 'p50'):.1f} / {med('bare', 'p50'):.1f}",
                spread(ratios("p50")),
                f"{med('locus', 'p99'):.1f} / {med('bare', 'p99'):.1f}",
                spread(ratios("p99")),
            )
        )
    load_avg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"AgentServer vs bare FastAPI, same offline agent; {REQUESTS} requests per server per "
        f"round, {ROUNDS} interleaved rounds per cell; one uvicorn worker each; "
        f"{os.cpu_count()} CPUs, load average at the end {load_avg}. Values: median over "
        "rounds (locus / bare); ratios: median of the per-round ratios [min-max]. "
        "/stream p50/p99 are of the time to the first event."
    )
    header = (
        "clients",
        "route",
        "server CPU ms/req",
        "CPU ratio",
        "req/s",
        "bare/locus req/s",
        "p50 ms",
        "p50 ratio",
        "p99 ms",
        "p99 ratio",
    )
    print(table(rows, header))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
