"""locus on DBOS: agents, graphs and patterns as durable workflows, queues and workers.

A run is a DBOS workflow; each model call, tool body and checkpoint
load/save is a DBOS step (see :mod:`locus.core.durable`), recorded in the
system database (SQLite by default, PostgreSQL for many workers). A worker
that dies mid-run has its workflows recovered: recorded steps are replayed,
not re-requested. See docs/durable.md.
"""

from __future__ import annotations

from locus.dbos._agent import DBOSAgent
from locus.dbos._config import DEFAULT_DATABASE_URL, configure
from locus.dbos._events import EVENTS_STREAM, read_events
from locus.dbos._queue import DEFAULT_QUEUE, queue_named, register_queue
from locus.dbos._runner import DBOSStepRunner
from locus.dbos._worker import run_worker
from locus.dbos._workflow import durable_workflow

__all__ = [
    "DEFAULT_DATABASE_URL",
    "DEFAULT_QUEUE",
    "EVENTS_STREAM",
    "DBOSAgent",
    "DBOSStepRunner",
    "configure",
    "durable_workflow",
    "queue_named",
    "read_events",
    "register_queue",
    "run_worker",
]
