"""SQL of the PostgreSQL checkpointer, per table names, and its table migrations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from locus.core.errors import ValidationError

_IDENT = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,40}\Z")

COLUMNS = "thread_id, checkpoint_id, parent_id, created_at, expires_at, v, metadata"


def check_ident(value: str, what: str) -> str:
    """Validate an SQL identifier fragment (letters, digits, ``_``)."""
    if not _IDENT.match(value):
        raise ValidationError(
            f"{what} must be letters, digits and '_' (not starting with a digit, at most 41 "
            f"characters), got {value!r}"
        )
    return value


@dataclass(frozen=True, slots=True)
class Statements:
    """Every statement, rendered once for a schema and table prefix."""

    table: str
    migrations_table: str
    lock_key: str
    payload_type: str = "json"

    @classmethod
    def build(cls, schema: str | None, prefix: str, payload_type: str = "json") -> Statements:
        """Statements for ``schema.prefix*`` tables (``search_path`` when ``schema`` is None)."""
        check_ident(prefix, "table_prefix")
        if payload_type not in ("json", "jsonb"):
            raise ValidationError(f"payload_type must be 'json' or 'jsonb', got {payload_type!r}")
        qual = f'"{check_ident(schema, "schema")}".' if schema else ""
        return cls(
            table=f"{qual}{prefix}checkpoints",
            migrations_table=f"{qual}{prefix}migrations",
            lock_key=f"locus-checkpoint-setup:{schema or ''}:{prefix}",
            payload_type=payload_type,
        )

    def migrations(self) -> list[str]:
        """Migration ``i`` brings the tables from version ``i`` to ``i + 1``.

        The schema itself is created by ``setup`` before any migration runs.
        """
        t = self.table
        return [
            f"""CREATE TABLE IF NOT EXISTS {t} (
                seq BIGSERIAL PRIMARY KEY,
                thread_id TEXT NOT NULL,
                checkpoint_id TEXT NOT NULL,
                parent_id TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                expires_at DOUBLE PRECISION,
                v INTEGER NOT NULL,
                metadata JSONB NOT NULL DEFAULT '{{}}',
                payload {self.payload_type.upper()} NOT NULL,
                UNIQUE (thread_id, checkpoint_id)
            );
            CREATE INDEX IF NOT EXISTS {t.split(".")[-1].strip('"')}_thread_seq
                ON {t} (thread_id, seq DESC);""",
        ]

    @property
    def lz4_payload(self) -> str:
        """Faster TOAST compression for the payload (PostgreSQL 14+ built with lz4)."""
        return f"ALTER TABLE {self.table} ALTER COLUMN payload SET COMPRESSION lz4"

    @property
    def create_migrations(self) -> str:
        return f"CREATE TABLE IF NOT EXISTS {self.migrations_table} (v INTEGER PRIMARY KEY)"

    @property
    def current_version(self) -> str:
        return f"SELECT COALESCE(MAX(v), 0) FROM {self.migrations_table}"

    @property
    def record_version(self) -> str:
        return f"INSERT INTO {self.migrations_table} (v) VALUES (%s)"

    @property
    def advisory_lock(self) -> str:
        """Transaction-scoped advisory lock on a text key (a thread id, or :attr:`lock_key`)."""
        return "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))"

    @property
    def insert(self) -> str:
        """Insert or replace a checkpoint; the parent is the thread's newest other checkpoint."""
        return (
            f"INSERT INTO {self.table} ({COLUMNS}, payload) VALUES (%(t)s, %(c)s, "
            f"(SELECT checkpoint_id FROM {self.table} WHERE thread_id = %(t)s "
            "AND checkpoint_id <> %(c)s ORDER BY seq DESC LIMIT 1), "
            f"%(created)s, %(expires)s, %(v)s, %(meta)s::jsonb, %(payload)s::{self.payload_type}) "
            "ON CONFLICT (thread_id, checkpoint_id) DO UPDATE SET seq = DEFAULT, "
            "parent_id = EXCLUDED.parent_id, created_at = EXCLUDED.created_at, "
            "expires_at = EXCLUDED.expires_at, v = EXCLUDED.v, metadata = EXCLUDED.metadata, "
            "payload = EXCLUDED.payload"
        )

    @property
    def read_latest(self) -> str:
        return (
            f"SELECT {COLUMNS}, payload::text FROM {self.table} WHERE thread_id = %s "
            "ORDER BY seq DESC LIMIT 1"
        )

    @property
    def read_one(self) -> str:
        return (
            f"SELECT {COLUMNS}, payload::text FROM {self.table} "
            "WHERE thread_id = %s AND checkpoint_id = %s"
        )

    @property
    def read_many(self) -> str:
        """Several checkpoints of one thread by id, in one statement (unordered)."""
        return (
            f"SELECT {COLUMNS}, payload::text FROM {self.table} "
            "WHERE thread_id = %s AND checkpoint_id = ANY(%s)"
        )

    @property
    def list(self) -> str:
        return f"SELECT {COLUMNS} FROM {self.table} WHERE thread_id = %s ORDER BY seq DESC LIMIT %s"

    @property
    def delete_thread(self) -> str:
        return f"DELETE FROM {self.table} WHERE thread_id = %s"

    @property
    def delete_many(self) -> str:
        return f"DELETE FROM {self.table} WHERE thread_id = %s AND checkpoint_id = ANY(%s)"

    @property
    def threads(self) -> str:
        return f"SELECT DISTINCT thread_id FROM {self.table}"
