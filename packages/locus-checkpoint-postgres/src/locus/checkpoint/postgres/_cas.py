"""SQL of compare-and-set saves and thread leases (table schema v2).

A compare-and-set save inserts the checkpoint only if the thread's newest
checkpoint is the expected parent; the thread's advisory lock (taken first
in the same transaction) makes the check and the insert one step across
every process. Leases live in ``<prefix>leases``, one row per busy thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from locus.checkpoint.postgres._sql import COLUMNS, Statements

__all__ = ["CasStatements"]


@dataclass(frozen=True, slots=True)
class CasStatements:
    """The compare-and-set and lease statements for one set of tables."""

    table: str
    leases: str
    payload_type: str

    @classmethod
    def build(cls, sql: Statements) -> CasStatements:
        """Statements next to ``sql``'s tables (``<prefix>checkpoints`` → ``<prefix>leases``)."""
        leases = sql.table[: -len("checkpoints")] + "leases"
        return cls(table=sql.table, leases=leases, payload_type=sql.payload_type)

    def migration(self) -> str:
        """Migration 1 → 2: the leases table."""
        return f"""CREATE TABLE IF NOT EXISTS {self.leases} (
            thread_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            stop TEXT
        )"""

    @property
    def insert_if_head(self) -> str:
        """Insert (or replace) a checkpoint only if ``%(p)s`` is the thread's newest one.

        Affects one row on success, none on a lost compare-and-set.
        """
        return (
            f"INSERT INTO {self.table} ({COLUMNS}, payload) SELECT %(t)s, %(c)s, %(p)s, "
            f"%(created)s, %(expires)s, %(v)s, %(meta)s::jsonb, %(payload)s::{self.payload_type} "
            f"WHERE (SELECT checkpoint_id FROM {self.table} WHERE thread_id = %(t)s "
            "ORDER BY seq DESC LIMIT 1) IS NOT DISTINCT FROM %(p)s "
            "ON CONFLICT (thread_id, checkpoint_id) DO UPDATE SET seq = DEFAULT, "
            "parent_id = EXCLUDED.parent_id, created_at = EXCLUDED.created_at, "
            "expires_at = EXCLUDED.expires_at, v = EXCLUDED.v, metadata = EXCLUDED.metadata, "
            "payload = EXCLUDED.payload"
        )

    @property
    def acquire(self) -> str:
        """Take the lease unless another owner's is live; one row: ``won``, the prior holder."""
        return (
            f"WITH won AS (INSERT INTO {self.leases} AS l (thread_id, owner, expires_at, stop) "
            "VALUES (%(t)s, %(o)s, %(e)s, NULL) ON CONFLICT (thread_id) DO UPDATE SET "
            "owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, stop = NULL "
            "WHERE l.owner = EXCLUDED.owner OR l.expires_at <= %(now)s RETURNING 1) "
            "SELECT (SELECT count(*) FROM won), h.owner, h.expires_at, h.stop "
            f"FROM (SELECT 1) AS one LEFT JOIN {self.leases} AS h ON h.thread_id = %(t)s"
        )

    @property
    def renew(self) -> str:
        return (
            f"UPDATE {self.leases} SET expires_at = %(e)s WHERE thread_id = %(t)s "
            "AND owner = %(o)s RETURNING stop"
        )

    @property
    def stop(self) -> str:
        return (
            f"UPDATE {self.leases} SET stop = %(mode)s WHERE thread_id = %(t)s "
            "AND owner = %(o)s AND expires_at > %(now)s"
        )

    @property
    def release(self) -> str:
        return f"DELETE FROM {self.leases} WHERE thread_id = %(t)s AND owner = %(o)s"
