"""Start and stop ``locus worker`` processes for the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def start_worker(
    url: str, log_dir: Path, executor_id: str, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "LOCUS_DBOS_TEST_DIR": str(log_dir),
        **(env or {}),
    }
    command = [sys.executable, "-m", "locus.cli", "worker", "dbos_app:orders", "--queue", "orders"]
    command += ["--database-url", url, "--executor-id", executor_id, "--app-version", "t"]
    log = log_dir / f"worker-{executor_id}-{time.time_ns()}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, *extra], env=environ, stdout=out, stderr=subprocess.STDOUT
        )
    proc.log_path = log  # type: ignore[attr-defined]
    return proc


def wait_listening(*procs: subprocess.Popen[bytes], timeout: float = 300) -> None:
    """Wait until every worker has launched DBOS and declared its queue.

    Generous: on the shared 2-core CI machine under load, importing dbos and
    SQLAlchemy alone has taken 30-60 s of wall time (3-4 s of CPU).
    """
    for proc in procs:
        log = proc.log_path  # type: ignore[attr-defined]
        wait_for(
            lambda log=log: "listening on queue" in log.read_text(), timeout, "a worker", [proc]
        )


def wait_for(predicate, timeout: float, what: str, procs=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(
                    f"a worker exited ({proc.returncode}) while waiting for {what}"
                )
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def lines(log_dir: Path, name: str) -> list[str]:
    path = log_dir / name
    return path.read_text().splitlines() if path.exists() else []


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
