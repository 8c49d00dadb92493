"""Run a coroutine to completion from sync code, with or without a running loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["run_coroutine_sync"]

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
