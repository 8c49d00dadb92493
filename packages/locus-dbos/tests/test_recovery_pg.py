"""A worker SIGKILLed mid-run; a second worker (same executor id) recovers the workflow.

Real PostgreSQL, real worker processes (``locus worker``). The kill during a
model call (recorded steps replayed, the model asked again only for the call
the worker died in) is in ``test_stream.py``, which also streams the run's
events to the caller across the kill.
"""

from __future__ import annotations

import signal

from _workers import lines, start_worker, stop, wait_for, wait_listening
from dbos import DBOSClient


def _enqueue(url: str, prompt: str, workflow_id: str) -> DBOSClient:
    client = DBOSClient(system_database_url=url)
    client.enqueue(
        {
            "queue_name": "orders",
            "workflow_name": "locus.agent.orders",
            "workflow_id": workflow_id,
            "app_version": "t",
        },
        prompt,
        None,
    )
    return client


def _kill_and_recover(pg_url, tmp_path, block: str, workflow_id: str):
    first = start_worker(
        pg_url, tmp_path, "w1", "--poll", "0.1", env={"LOCUS_DBOS_BLOCK_IN": block}
    )
    second = None
    try:
        wait_listening(first)
        client = _enqueue(pg_url, "A-1", workflow_id)
        wait_for(lambda: lines(tmp_path, "ready"), 60, "the run to reach " + block, [first])
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = start_worker(pg_url, tmp_path, "w1", "--poll", "0.1")
        result = client.retrieve_workflow(workflow_id).get_result()
        client.destroy()
        return result
    finally:
        stop(first)
        if second is not None:
            stop(second)


def test_killed_inside_an_idempotent_tool_the_recovery_reports_it_in_doubt(pg_url, tmp_path):
    result = _kill_and_recover(pg_url, tmp_path, "ship", "kill-tool")

    # the body started once and was not run again (in_doubt="report", the default)
    assert lines(tmp_path, "effects") == ["charge A-1", "ship-start A-1"]
    ship = result.tool_executions[1]
    assert ship.in_doubt is True
    assert "in doubt" in ship.result
    assert "NOT run again" in ship.result
    assert [line.rsplit(" ", 1)[0] for line in lines(tmp_path, "model")] == [
        "A-1 0",
        "A-1 1",
        "A-1 2",
    ]
