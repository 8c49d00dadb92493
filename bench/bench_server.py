"""AgentServer overhead: ``/invoke`` and ``/stream`` vs a bare FastAPI endpoint on the same agent.

Both servers run the same offline agent (a ``FunctionModel`` answering at
once, in-memory checkpointer, a new thread per request), each in its own
uvicorn process with one worker, on this machine. The bare app is what a
user would write without locus-server: one ``POST /invoke`` calling
``agent.invoke`` and one ``POST /stream`` writing ``agent.run`` events as SSE,
no authentication, no limits. AgentServer adds bearer-key auth, per-user
thread scoping, body/prompt limits, the run registry and resumable stream ids.

For 1, 50 and 200 concurrent clients (httpx, in this process): requests per
second and p50/p99 latency of ``/invoke``, and the median/p99 time to the
first SSE event of ``/stream``. Variants alternate; each cell is the median
over ``LOCUS_BENCH_ROUNDS`` rounds. Ratios are locus / bare (latency: lower
is better; req/s: higher is better).

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

REQUESTS = int(os.environ.get("LOCUS_BENCH_REQUESTS", "400"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "3"))
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


def main() -> None:
    servers = {kind: start(kind) for kind in ("locus", "bare")}
    results: dict[tuple[str, str, int], list[tuple[float, float, float]]] = {}
    try:
        for _ in range(ROUNDS):
            for concurrency in CONCURRENCY:
                for path in ("/invoke", "/stream"):
                    for kind in ("locus", "bare"):
                        rps, lat = asyncio.run(load(servers[kind][1], path, concurrency))
                        cell = (rps, percentile(lat, 0.5) * 1000, percentile(lat, 0.99) * 1000)
                        results.setdefault((kind, path, concurrency), []).append(cell)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()

    rows = []
    for concurrency in CONCURRENCY:
        for path in ("/invoke", "/stream"):
            cells = {
                kind: tuple(
                    median([r[i] for r in results[(kind, path, concurrency)]]) for i in range(3)
                )
                for kind in ("locus", "bare")
            }
            loc, bare = cells["locus"], cells["bare"]
            measure = "latency" if path == "/invoke" else "first event"
            rows.append(
                (
                    str(concurrency),
                    path,
                    f"{loc[0]:.0f} / {bare[0]:.0f}",
                    f"{bare[0] / loc[0]:.2f}x",
                    f"{loc[1]:.2f} / {bare[1]:.2f}",
                    f"{loc[1] / bare[1]:.2f}x",
                    f"{loc[2]:.2f} / {bare[2]:.2f}",
                    f"{loc[2] / bare[2]:.2f}x",
                    measure,
                )
            )
    print(
        f"AgentServer vs bare FastAPI, same offline agent; {REQUESTS} requests per cell, "
        f"median of {ROUNDS} rounds; one uvicorn worker each"
    )
    header = (
        "clients",
        "route",
        "req/s locus/bare",
        "time ratio",
        "p50 ms locus/bare",
        "p50 ratio",
        "p99 ms locus/bare",
        "p99 ratio",
        "p50/p99 of",
    )
    print(table(rows, header))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
