"""Durability across processes: SQLite with concurrent writer processes, files under SIGKILL."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from locus.checkpoint.file import FileCheckpointer
from locus.checkpoint.sqlite import SQLiteCheckpointer

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from locus.checkpoint.sqlite import SQLiteCheckpointer
    from locus.core.state import AgentState

    async def main(path, worker, n):
        async with SQLiteCheckpointer(path, busy_timeout=60) as cp:
            for i in range(n):
                await cp.save(AgentState(run_id=f"{worker}-{i}", iteration=i), "shared")
                await cp.save(AgentState(iteration=i), f"own-{worker}")

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


def test_sqlite_concurrent_writer_processes(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    workers, per_worker = 4, 25
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"w{w}", str(per_worker)])
        for w in range(workers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * workers
    asyncio.run(_check_shared(db, workers, per_worker))


async def _check_shared(db: Path, workers: int, per_worker: int) -> None:
    async with SQLiteCheckpointer(db) as cp:
        hist = await cp.history("shared")
        assert len(hist) == workers * per_worker
        run_ids = set()
        for info in hist:
            state = await cp.load("shared", info.checkpoint_id)
            assert state is not None
            run_ids.add(state.run_id)
        assert len(run_ids) == workers * per_worker
        # parent links are assigned atomically: each checkpoint's parent is its predecessor
        ids = [h.checkpoint_id for h in hist]
        assert [h.parent_id for h in hist] == [*ids[1:], None]
        for w in range(workers):
            assert len(await cp.list_checkpoints(f"own-w{w}", limit=100)) == per_worker


KILLED_WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from locus.checkpoint.file import FileCheckpointer
    from locus.core.messages import Message
    from locus.core.state import AgentState

    async def main(root):
        cp = FileCheckpointer(root)
        i = 0
        while True:
            state = AgentState(iteration=i, messages=[Message.user(str(i) * 400_000)])
            await cp.save(state, "t")
            i += 1

    asyncio.run(main(sys.argv[1]))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_file_checkpointer_survives_sigkill_mid_write(tmp_path: Path) -> None:
    root = tmp_path / "ck"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(root)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(root.glob("*/*.ckpt"))) < 5:
            time.sleep(0.01)
        assert proc.poll() is None, "writer exited early"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    asyncio.run(_check_whole(root))


async def _check_whole(root: Path) -> None:
    cp = FileCheckpointer(root)
    hist = await cp.history("t")
    assert len(hist) >= 5
    latest = await cp.load("t")
    assert latest is not None
    assert latest.iteration == len(hist) - 1
    assert latest.messages[0].content == str(latest.iteration) * 400_000
    for info in hist:  # every visible checkpoint is whole
        assert await cp.load("t", info.checkpoint_id) is not None


FILE_WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from locus.checkpoint.file import FileCheckpointer
    from locus.core.state import AgentState

    async def main(root, worker, n):
        cp = FileCheckpointer(root, fsync=False)
        for i in range(n):
            await cp.save(AgentState(run_id=f"{worker}-{i}"), "shared")

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


@pytest.mark.skipif(not FileCheckpointer.concurrent_writers, reason="needs fcntl.flock")
def test_file_concurrent_writer_processes(tmp_path: Path) -> None:
    root = tmp_path / "ck"
    workers, per_worker = 4, 25
    procs = [
        subprocess.Popen([sys.executable, "-c", FILE_WRITER, str(root), f"w{w}", str(per_worker)])
        for w in range(workers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * workers

    async def check() -> None:
        cp = FileCheckpointer(root)
        hist = await cp.history("shared")
        assert len(hist) == workers * per_worker
        ids = [h.checkpoint_id for h in hist]
        assert [h.parent_id for h in hist] == [*ids[1:], None]
        runs = {(await cp.load("shared", i)).run_id for i in ids}
        assert len(runs) == workers * per_worker
        assert await cp.list_threads() == ["shared"]

    asyncio.run(check())
