"""Worker threads for synchronous tool bodies: the hop off the event loop, made cheap.

``asyncio.to_thread`` goes through ``loop.run_in_executor`` and a
``ThreadPoolExecutor``: a ``concurrent.futures.Future`` chained to an asyncio
one, a work item, and the pool's locks and semaphore on every call. A sync tool
pays that once per call, and in an agent turn it was the largest cost left.

:func:`run_in_worker` keeps what matters of ``to_thread`` (the body runs off
the event loop, in a copy of the caller's context, concurrently with other
calls) and drops the rest: an idle worker thread takes the call from its own
queue and hands the result back with one ``call_soon_threadsafe``. At most
:data:`MAX_WORKERS` workers exist; a call finding them all busy goes through
``asyncio.to_thread`` as before, so concurrency is never lower than the loop's
default executor gives. Workers live for the process; at interpreter exit
idle ones stop and busy ones are waited for (as the default executor does).
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["MAX_WORKERS", "run_in_worker"]

MAX_WORKERS = min(32, (os.cpu_count() or 1) + 4)
"""Worker threads kept for sync tool bodies (the default executor's own bound)."""

_Item = tuple[
    asyncio.AbstractEventLoop,
    "asyncio.Future[Any]",
    contextvars.Context,
    Callable[..., Any],
    dict[str, Any],
]


class _Worker:
    __slots__ = ("queue", "thread")

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None


class _Workers:
    """The process's tool worker threads (one instance, replaced after a fork)."""

    def __init__(self, max_workers: int) -> None:
        self._max = max_workers
        self._idle: collections.deque[_Worker] = collections.deque()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def take(self) -> _Worker | None:
        """An idle worker, a new one while under the bound, else ``None``."""
        try:
            return self._idle.pop()  # deque.pop is atomic: no lock on the hot path
        except IndexError:
            pass
        with self._lock:
            if self._closed or len(self._all) >= self._max:
                return None
            worker = _Worker()
            thread = threading.Thread(
                target=self._work,
                args=(worker,),
                name=f"locus-tool-{len(self._all)}",
                daemon=True,
            )
            worker.thread = thread
            self._all.append(worker)
        thread.start()
        return worker

    def _work(self, worker: _Worker) -> None:
        get = worker.queue.get
        idle = self._idle
        while True:
            item = get()
            if item is None:
                return
            loop, future, context, fn, kwargs = item
            del item
            value: Any = None
            error: BaseException | None = None
            try:
                value = context.run(fn, **kwargs)
            except BaseException as exc:
                error = exc
            idle.append(worker)  # free before the loop wakes: the next call reuses it
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits
                loop.call_soon_threadsafe(_settle, future, value, error)
            del loop, future, context, fn, kwargs, value, error

    def close(self) -> None:
        """Stop idle workers and wait for busy ones (at interpreter exit)."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            worker.queue.put(None)
        for worker in workers:
            if worker.thread is not None and worker.thread is not threading.current_thread():
                worker.thread.join()


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting call was cancelled (timeout, run cancelled)
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


_WORKERS = _Workers(MAX_WORKERS)


def _reset_after_fork() -> None:
    global _WORKERS
    _WORKERS = _Workers(MAX_WORKERS)  # the parent's threads do not exist in the child


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
atexit.register(lambda: _WORKERS.close())


async def run_in_worker(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    """``fn(**kwargs)`` in a worker thread, in a copy of the current context.

    Same contract as ``await asyncio.to_thread(fn, **kwargs)``: the event loop
    keeps running while the body runs; its exception is raised here; cancelling
    the await does not stop the body (a thread cannot be interrupted).
    """
    loop = asyncio.get_running_loop()
    worker = _WORKERS.take()
    if worker is None:  # every worker busy: the loop's default executor takes it
        return await asyncio.to_thread(fn, **kwargs)
    future = loop.create_future()
    worker.queue.put((loop, future, contextvars.copy_context(), fn, kwargs))
    return await future
