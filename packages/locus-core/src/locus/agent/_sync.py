"""Run a coroutine to completion from sync code, with or without a running loop."""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["iterate_sync", "run_coroutine_sync"]

T = TypeVar("T")


def run_coroutine_sync(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``factory()`` to completion and return its result.

    Without a running event loop this is ``asyncio.run``. Inside one (a
    notebook, an ``async with run_context()`` block) the coroutine runs on a
    fresh loop in a worker thread with a copy of the caller's context, so
    context variables such as the open run are seen.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    context = contextvars.copy_context()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = context.run(asyncio.run, factory())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="locus-run-sync", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


_DONE = object()


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def iterate_sync(items: AsyncIterator[T]) -> Iterator[T]:
    """Iterate an async iterator from sync code.

    It runs on a fresh event loop in a worker thread (with a copy of the
    caller's context), so this works with or without a running loop. Items
    are handed over as they come; an error is raised in the caller. Leaving
    the loop early stops the iterator at its next item and closes it.
    """
    handoff: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    async def pump() -> None:
        try:
            async for item in items:
                handoff.put(item)
                if stop.is_set():
                    break
        except BaseException as exc:  # handed to the caller
            handoff.put(_Failure(exc))
        finally:
            aclose = getattr(items, "aclose", None)
            if aclose is not None:
                await aclose()
            handoff.put(_DONE)

    context = contextvars.copy_context()
    worker = threading.Thread(
        target=context.run, args=(asyncio.run, pump()), name="locus-iterate-sync", daemon=True
    )
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()
