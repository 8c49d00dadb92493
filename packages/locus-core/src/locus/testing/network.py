"""Network-fault conformance: a checkpointer behind a :class:`FaultProxy` (pytest).

Subclass :class:`NetworkFaultConformance` next to a backend's tests, set
``upstream`` (the real server) and implement :meth:`make_checkpointer`; the
suite then checks, through a proxy it breaks on purpose:

- a blackholed server (accepts, never answers), mid-run and before the first
  connection: :class:`~locus.core.errors.CheckpointTimeoutError` naming the
  backend and operation, then recovery when the proxy passes again;
- a refused port: a fast typed error;
- a connection killed (RST) mid-operation: a typed error, then recovery;
- added latency under the bounds: calls still succeed.

Timings are measured and printed (``[fault] backend fault: N s``), never
asserted, except an outer bound (:attr:`outer_bound`) that only keeps a hung
test from hanging CI. Needs ``pytest`` and ``pytest-asyncio``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from locus.checkpoint._base import BaseCheckpointer
from locus.core.errors import CheckpointConnectionError, CheckpointError, CheckpointTimeoutError
from locus.core.state import AgentState
from locus.testing.faults import FaultProxy, refused_port

__all__ = ["FAULT_TIMINGS", "NetworkFaultConformance"]

FAULT_TIMINGS: list[tuple[str, str, str, float]] = []
"""``(backend, fault, error class, seconds to the error)`` of every fault test run."""


@pytest.mark.asyncio
class NetworkFaultConformance:
    """Checkpointer behaviour on a broken network.

    Attributes:
        upstream: ``(host, port)`` of the real server the proxy forwards to.
        backend: The ``backend`` a typed error must name.
        operation_timeout: The bound given to :meth:`make_checkpointer`.
        outer_bound: Seconds after which a test fails as hung.
    """

    upstream: tuple[str, int] = ("127.0.0.1", 0)
    backend: str = "custom"
    operation_timeout: float = 2.0
    outer_bound: float = 60.0
    kill_options: dict[str, Any] = {}
    """Extra options for the kill test's checkpointer (e.g. turn off a
    pre-use connection check that would replace the killed connection)."""

    async def make_checkpointer(
        self, host: str, port: int, *, operation_timeout: float, **options: Any
    ) -> BaseCheckpointer:
        """A checkpointer reaching the server at ``host:port``, every wait bounded
        by about ``operation_timeout`` seconds (connect, statement, pool, call)."""
        raise NotImplementedError("implement make_checkpointer(host, port, operation_timeout=)")

    @pytest.fixture
    def proxy(self) -> Iterator[FaultProxy]:
        """A running proxy to :attr:`upstream`."""
        with FaultProxy(*self.upstream) as proxy:
            yield proxy

    @staticmethod
    def tid() -> str:
        """A thread id unique to this test."""
        return f"fault-{uuid.uuid4().hex[:10]}"

    async def _timed_error(self, fault: str, call: Any) -> CheckpointError:
        started = time.monotonic()
        with pytest.raises(CheckpointError) as info:
            await asyncio.wait_for(call, self.outer_bound)
        elapsed = time.monotonic() - started
        FAULT_TIMINGS.append((self.backend, fault, type(info.value).__name__, elapsed))
        print(f"[fault] {self.backend} {fault}: {type(info.value).__name__} after {elapsed:.3f}s")
        return info.value

    async def _close(self, cp: BaseCheckpointer) -> None:
        await asyncio.wait_for(cp.aclose(), self.outer_bound)

    def _names_backend(self, error: CheckpointError) -> None:
        assert isinstance(error, CheckpointTimeoutError | CheckpointConnectionError), error
        assert error.backend == self.backend
        assert error.operation
        assert error.operation in str(error)

    async def test_blackhole_mid_run_times_out_then_recovers(self, proxy: FaultProxy) -> None:
        cp = await self.make_checkpointer(
            proxy.host, proxy.port, operation_timeout=self.operation_timeout
        )
        try:
            t = self.tid()
            first = await cp.save(AgentState(iteration=1), t)
            proxy.blackhole()
            error = await self._timed_error("blackhole", cp.save(AgentState(iteration=2), t))
            assert isinstance(error, CheckpointTimeoutError), error
            self._names_backend(error)
            assert "saving" in error.operation
            error = await self._timed_error("blackhole-read", cp.load(t))
            assert isinstance(error, CheckpointTimeoutError), error
            proxy.passthrough()
            second = await asyncio.wait_for(cp.save(AgentState(iteration=3), t), self.outer_bound)
            loaded = await asyncio.wait_for(cp.load(t), self.outer_bound)
            assert loaded is not None
            assert loaded.iteration == 3
            ids = await cp.list_checkpoints(t)
            assert ids[0] == second
            assert first in ids
            await cp.delete_thread(t)
        finally:
            proxy.passthrough()
            await self._close(cp)

    async def test_blackhole_before_first_connection_times_out(self, proxy: FaultProxy) -> None:
        proxy.blackhole()
        cp = await self.make_checkpointer(
            proxy.host, proxy.port, operation_timeout=self.operation_timeout
        )
        try:
            error = await self._timed_error("blackhole-connect", cp.load(self.tid()))
            assert isinstance(error, CheckpointTimeoutError), error
            self._names_backend(error)
            proxy.passthrough()
            assert await asyncio.wait_for(cp.load(self.tid()), self.outer_bound) is None
        finally:
            proxy.passthrough()
            await self._close(cp)

    async def test_refused_port_fails_fast_with_a_typed_error(self) -> None:
        cp = await self.make_checkpointer(
            "127.0.0.1", refused_port(), operation_timeout=self.operation_timeout
        )
        try:
            error = await self._timed_error("refused", cp.save(AgentState(), self.tid()))
            assert isinstance(error, CheckpointConnectionError), error
            self._names_backend(error)
        finally:
            await self._close(cp)

    async def test_reset_on_connect_is_a_typed_error(self, proxy: FaultProxy) -> None:
        proxy.reset()
        cp = await self.make_checkpointer(
            proxy.host, proxy.port, operation_timeout=self.operation_timeout
        )
        try:
            error = await self._timed_error("reset", cp.load(self.tid()))
            assert isinstance(error, CheckpointConnectionError | CheckpointTimeoutError), error
            self._names_backend(error)
        finally:
            proxy.passthrough()
            await self._close(cp)

    async def test_kill_mid_operation_is_a_typed_error_then_recovers(
        self, proxy: FaultProxy
    ) -> None:
        cp = await self.make_checkpointer(
            proxy.host,
            proxy.port,
            operation_timeout=self.operation_timeout * 5,
            **self.kill_options,
        )
        try:
            t = self.tid()
            await cp.save(AgentState(iteration=1), t)
            proxy.delay(3 * self.operation_timeout)  # in flight, in the proxy, at the kill
            pending = asyncio.ensure_future(cp.save(AgentState(iteration=2), t))
            await asyncio.sleep(self.operation_timeout / 2)
            killed = proxy.kill()
            assert killed >= 1
            error = await self._timed_error("kill", pending)
            assert isinstance(error, CheckpointConnectionError | CheckpointTimeoutError), error
            self._names_backend(error)
            proxy.passthrough()
            for attempt in range(3):  # idle connections the kill also reset may fail once each
                try:
                    await asyncio.wait_for(cp.save(AgentState(iteration=3), t), self.outer_bound)
                    break
                except CheckpointConnectionError:
                    if attempt == 2:
                        raise
            loaded = await asyncio.wait_for(cp.load(t), self.outer_bound)
            assert loaded is not None
            assert loaded.iteration == 3
            await cp.delete_thread(t)
        finally:
            proxy.passthrough()
            await self._close(cp)

    async def test_latency_under_the_bound_still_works(self, proxy: FaultProxy) -> None:
        cp = await self.make_checkpointer(
            proxy.host, proxy.port, operation_timeout=self.operation_timeout * 5
        )
        try:
            proxy.delay(0.05)
            t = self.tid()
            await asyncio.wait_for(cp.save(AgentState(iteration=4), t), self.outer_bound)
            loaded = await asyncio.wait_for(cp.load(t), self.outer_bound)
            assert loaded is not None
            assert loaded.iteration == 4
            await cp.delete_thread(t)
        finally:
            proxy.passthrough()
            await self._close(cp)
