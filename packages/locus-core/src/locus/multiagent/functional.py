"""The Functional API: workflows as plain async functions.

``@task`` marks a unit of work; calling it starts it and returns a
:class:`TaskFuture` you ``await`` (or ``asyncio.gather``). ``@entrypoint``
marks a workflow: its ``invoke(input, thread_id=...)`` records every task
result in the thread's checkpoint, so after an ``interrupt()`` the workflow
resumed with ``Command(resume=...)`` replays finished tasks from the
checkpoint instead of running them again. Task results must be
JSON-serialisable to be checkpointed (a pydantic model comes back as a dict).

```python
import asyncio

from locus.core.send import scatter
from locus.multiagent.functional import entrypoint, task


@task
async def square(x: int) -> int:
    return x * x


@entrypoint()
async def total(numbers: list[int]) -> int:
    futures = [square(s.payload["item"]) for s in scatter("square", numbers)]
    return sum(await asyncio.gather(*futures))


assert await total.invoke([1, 2, 3]) == 14
```
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
import uuid
from collections.abc import Callable, Generator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.interrupt import (
    GraphInterrupted,
    InterruptException,
    InterruptState,
    interrupt,
    interrupt_scope,
)
from locus.core.send import Send, SendBatch
from locus.multiagent.graph import RetryPolicy

__all__ = [
    "Entrypoint",
    "EntrypointResult",
    "RetryPolicy",
    "Send",
    "SendBatch",
    "Task",
    "TaskFuture",
    "TaskResult",
    "entrypoint",
    "interrupt",
    "task",
]

T = TypeVar("T")


@dataclass
class _RunContext:
    name: str
    results: dict[str, Any] = field(default_factory=dict)
    counter: int = 0


_RUN: ContextVar[_RunContext | None] = ContextVar("locus_entrypoint_run", default=None)
# set by Entrypoint.get_result to receive the run's context (task results)
_COLLECT: ContextVar[list[_RunContext] | None] = ContextVar(
    "locus_entrypoint_collect", default=None
)


@dataclass
class TaskResult:
    """One task's result in an :class:`EntrypointResult` (the original locus's shape).

    ``duration_ms`` is not recorded per task here (0.0): the
    ``multiagent.task.completed`` event carries it.
    """

    value: Any = None
    duration_ms: float = 0.0
    task_name: str = ""
    error: str | None = None

    @property
    def success(self) -> bool:
        """The task returned a value."""
        return self.error is None


@dataclass
class EntrypointResult:
    """What :meth:`Entrypoint.get_result` returns: the value, the task results, timing, error."""

    value: Any = None
    tasks: list[TaskResult] = field(default_factory=list)
    duration_ms: float = 0.0
    error: str | None = None

    @property
    def success(self) -> bool:
        """The workflow returned a value without raising."""
        return self.error is None


class TaskFuture(Generic[T]):
    """The pending result of a ``@task`` call: ``await`` it, or gather several."""

    __slots__ = ("_future",)

    def __init__(self, future: asyncio.Future[T]) -> None:
        self._future = future

    def __await__(self) -> Generator[Any, None, T]:
        return self._future.__await__()

    def done(self) -> bool:
        """Whether the task finished."""
        return self._future.done()

    def result(self) -> T:
        """The result of a finished task (raises its exception if it failed)."""
        return self._future.result()


class Task(Generic[T]):
    """A ``@task`` function; calling it schedules it and returns a :class:`TaskFuture`."""

    def __init__(
        self, fn: Callable[..., Any], *, name: str | None, retry: RetryPolicy | None
    ) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "task")
        self.retry = retry
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> TaskFuture[T]:
        ctx = _RUN.get()
        key = None
        if ctx is not None:
            key = f"{self.name}:{ctx.counter}"
            ctx.counter += 1
            if key in ctx.results:
                done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
                done.set_result(ctx.results[key])
                return TaskFuture(done)
        return TaskFuture(asyncio.ensure_future(self._run(ctx, key, args, kwargs)))

    async def _run(self, ctx: _RunContext | None, key: str | None, args: Any, kwargs: Any) -> T:
        from locus.observability import current_run_id, emit

        bus = current_run_id() is not None
        entry = ctx.name if ctx else None
        if bus:
            emit("multiagent.task.started", task=self.name, entrypoint=entry)
        started = time.perf_counter()
        attempt = 0
        while True:
            attempt += 1
            try:
                value = self.fn(*args, **kwargs)
                if inspect.isawaitable(value):
                    value = await value
                break
            except InterruptException:
                raise
            except Exception as exc:
                wait = self.retry.retry_delay(exc, attempt) if self.retry is not None else None
                if wait is None:
                    raise
                await asyncio.sleep(wait)
        if ctx is not None and key is not None:
            ctx.results[key] = value
        if bus:
            duration = (time.perf_counter() - started) * 1000.0
            emit(
                "multiagent.task.completed",
                task=self.name,
                entrypoint=entry,
                duration_ms=duration,
                cached=False,
            )
        result: T = value
        return result


def task(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    retry: RetryPolicy | None = None,
    retry_attempts: int = 1,
) -> Any:
    """Mark a function (sync or async) as a task: ``@task`` or ``@task(retry=RetryPolicy(...))``.

    Calls return a :class:`TaskFuture`; inside an :func:`entrypoint` run the
    result is recorded in the checkpoint and replayed on resume.
    ``retry_attempts=n`` (the original locus's form) is ``retry=RetryPolicy(max_attempts=n)``.
    """
    if retry is None and retry_attempts > 1:
        retry = RetryPolicy(max_attempts=retry_attempts)
    if fn is None:
        return lambda f: Task(f, name=name, retry=retry)
    return Task(fn, name=name, retry=retry)


class Entrypoint:
    """A ``@entrypoint`` workflow.

    Args:
        fn: ``fn(input)``, sync or async.
        checkpointer: Where runs with a ``thread_id`` are saved (default in-memory).
        name: Workflow name (default: the function's).
    """

    def __init__(
        self, fn: Callable[..., Any], *, checkpointer: Any = None, name: str | None = None
    ) -> None:
        self.fn = fn
        self.name: str = name or str(getattr(fn, "__name__", "entrypoint"))
        if isinstance(checkpointer, str):
            from locus.checkpoint import get_checkpointer

            checkpointer = get_checkpointer(checkpointer)
        self.checkpointer = checkpointer
        functools.update_wrapper(self, fn)

    def _store(self) -> Any:
        if self.checkpointer is None:
            from locus.checkpoint.memory import MemoryCheckpointer

            self.checkpointer = MemoryCheckpointer()
        return self.checkpointer

    async def invoke(self, input: Any, *, thread_id: str | None = None) -> Any:
        """Run the workflow; ``Command(resume=...)`` resumes a paused thread.

        Raises:
            GraphInterrupted: the workflow called ``interrupt()``; resume with
                ``invoke(Command(resume=...), thread_id=exc.thread_id)``.
            locus.core.errors.ValidationError: resuming a thread with no paused run.
        """
        resumes: list[Any] = []
        results: dict[str, Any] = {}
        if isinstance(input, Command):
            command = input
            saved = await self._store().load(thread_id) if thread_id else None
            data = saved.metadata.get("entrypoint") if saved is not None else None
            if not data or data.get("status") != "interrupted":
                raise ValidationError(
                    f"thread {thread_id!r} has no paused {self.name} run to resume; "
                    f"invoke with an input to start one"
                )
            input = data["input"]
            results = dict(data["results"])
            resumes = [*data["resumes"], command.resume]
        ctx = _RunContext(self.name, results)
        collect = _COLLECT.get()
        if collect is not None:
            collect.append(ctx)
        token = _RUN.set(ctx)
        try:
            with interrupt_scope(self.name, self.name, resumes):
                value = self.fn(input)
                if inspect.isawaitable(value):
                    value = await value
        except InterruptException as exc:
            thread_id = thread_id or f"entry-{uuid.uuid4().hex[:12]}"
            checkpoint_id = await self._save(thread_id, "interrupted", input, ctx, resumes)
            state = InterruptState(interrupt=exc.value, node_id=self.name)
            raise GraphInterrupted(state, checkpoint_id, thread_id=thread_id) from None
        finally:
            _RUN.reset(token)
        if thread_id is not None:
            await self._save(thread_id, "completed", input, ctx, resumes, value)
        return value

    async def get_result(self, input: Any, *, thread_id: str | None = None) -> EntrypointResult:
        """Run like :meth:`invoke`, returning an :class:`EntrypointResult` instead of raising.

        An exception of the workflow becomes ``error``; an ``interrupt()``
        still raises :class:`GraphInterrupted` (resume as with :meth:`invoke`).
        """
        runs: list[_RunContext] = []
        token = _COLLECT.set(runs)
        started = time.perf_counter()
        value, error = None, None
        try:
            value = await self.invoke(input, thread_id=thread_id)
        except GraphInterrupted:
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            _COLLECT.reset(token)
        tasks = [
            TaskResult(value=v, task_name=key.rsplit(":", 1)[0])
            for run in runs[:1]
            for key, v in run.results.items()
        ]
        duration = (time.perf_counter() - started) * 1000.0
        return EntrypointResult(value=value, tasks=tasks, duration_ms=duration, error=error)

    def invoke_sync(self, input: Any, *, thread_id: str | None = None) -> Any:
        """Blocking :meth:`invoke`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.invoke(input, thread_id=thread_id))

    async def __call__(self, input: Any) -> Any:
        return await self.invoke(input)

    async def _save(
        self,
        thread_id: str,
        status: str,
        input: Any,
        ctx: _RunContext,
        resumes: list[Any],
        output: Any = None,
    ) -> str:
        from pydantic_core import to_jsonable_python

        from locus.core.state import AgentState

        try:
            data = to_jsonable_python(
                {
                    "status": status,
                    "input": input,
                    "results": ctx.results,
                    "resumes": resumes,
                    "output": output,
                }
            )
        except Exception as exc:
            raise ValidationError(
                f"{self.name}: input, task results and resume values must be JSON-serialisable "
                f"to be checkpointed: {exc}"
            ) from exc
        state = AgentState(
            thread_id=thread_id,
            status="interrupted" if status == "interrupted" else "completed",
            metadata={"entrypoint": data},
        )
        checkpoint_id: str = await self._store().save(state, thread_id)
        return checkpoint_id


def entrypoint(
    checkpointer: Any = None, *, name: str | None = None
) -> Callable[[Callable[..., Any]], Entrypoint]:
    """Mark a workflow function: ``@entrypoint()`` or ``@entrypoint(checkpointer=...)``.

    Args:
        checkpointer: A checkpointer or URL; runs with a ``thread_id`` are saved there.
        name: Workflow name (default: the function's).
    """
    if callable(checkpointer) and not hasattr(checkpointer, "save"):
        fn = checkpointer
        return Entrypoint(fn, name=name)  # type: ignore[return-value]

    def wrap(fn: Callable[..., Any]) -> Entrypoint:
        return Entrypoint(fn, checkpointer=checkpointer, name=name)

    return wrap
