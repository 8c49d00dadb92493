"""3 worker processes drain 300 queued runs on PostgreSQL: each exactly once, within the limits."""

from __future__ import annotations

from collections import Counter

from _workers import lines, start_worker, stop, wait_listening
from dbos import DBOSClient

RUNS = 300
WORKER_LIMIT = 4
GLOBAL_LIMIT = 10


def _max_overlap(spans: list[tuple[float, float]]) -> int:
    points = sorted([(b, 1) for b, _ in spans] + [(e, -1) for _, e in spans])
    best = now = 0
    for _, step in points:
        now += step
        best = max(best, now)
    return best


def test_three_workers_drain_300_runs_once_each_within_the_limits(pg_url, tmp_path):
    limits = ["--concurrency", str(WORKER_LIMIT), "--global-concurrency", str(GLOBAL_LIMIT)]
    env = {"LOCUS_DBOS_MODEL_DELAY": "0.01"}
    workers = [
        start_worker(pg_url, tmp_path, f"w{i}", *limits, "--poll", "0.05", env=env)
        for i in range(3)
    ]
    try:
        wait_listening(*workers)
        client = DBOSClient(system_database_url=pg_url)
        ids = [
            client.enqueue(
                {
                    "queue_name": "orders",
                    "workflow_name": "locus.agent.orders",
                    "workflow_id": f"run-{n}",
                    "app_version": "t",
                },
                f"o{n}",
                None,
            ).get_workflow_id()
            for n in range(RUNS)
        ]
        results = [client.retrieve_workflow(i).get_result() for i in ids]
        client.destroy()
    finally:
        for worker in workers:
            stop(worker)

    assert [r.message for r in results] == [f"done o{n}" for n in range(RUNS)]
    effects = Counter(lines(tmp_path, "effects"))
    for n in range(RUNS):  # every run's effects exactly once
        assert effects[f"charge o{n}"] == 1
        assert effects[f"ship o{n}"] == 1
    assert sum(effects.values()) == 3 * RUNS
    begins = {}
    spans_by_pid: dict[str, list[tuple[float, float]]] = {}
    for line in lines(tmp_path, "spans"):
        kind, prompt, pid, at = line.split()
        if kind == "begin":
            begins[prompt] = float(at)
        else:
            spans_by_pid.setdefault(pid, []).append((begins[prompt], float(at)))
    assert len(spans_by_pid) == 3  # all three workers took runs
    assert sum(len(s) for s in spans_by_pid.values()) == RUNS
    for spans in spans_by_pid.values():
        assert _max_overlap(spans) <= WORKER_LIMIT
    assert _max_overlap([s for spans in spans_by_pid.values() for s in spans]) <= GLOBAL_LIMIT
    # the limits were reached, so the check above is not vacuous
    assert max(_max_overlap(s) for s in spans_by_pid.values()) == WORKER_LIMIT
