"""SQL of the Oracle checkpointer (Oracle Database 21c+ ``JSON`` type; 23ai recommended)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from locus.core.errors import ValidationError

_IDENT = re.compile(r"\A[A-Za-z][A-Za-z0-9_]{0,40}\Z")

COLUMNS = "thread_id, checkpoint_id, parent_id, created_at, expires_at, v"


def if_absent(ddl: str) -> str:
    """Wrap DDL in PL/SQL that ignores "name already used" (ORA-00955, ORA-01408).

    Oracle DDL commits implicitly (releasing the setup lock), so two processes
    running ``setup()`` at once may both reach the same statement.
    """
    quoted = " ".join(ddl.split()).replace("'", "''")
    return (
        f"BEGIN EXECUTE IMMEDIATE '{quoted}'; "
        "EXCEPTION WHEN OTHERS THEN IF SQLCODE NOT IN (-955, -1408) THEN RAISE; END IF; END;"
    )


@dataclass(frozen=True, slots=True)
class OracleStatements:
    """Every statement for one table prefix."""

    table: str
    threads: str
    migrations: str

    @classmethod
    def build(cls, prefix: str) -> OracleStatements:
        """Statements for ``<prefix>CHECKPOINTS`` / ``THREADS`` / ``MIGRATIONS``."""
        if not _IDENT.match(prefix):
            raise ValidationError(
                f"table_prefix must start with a letter and hold letters, digits and '_', "
                f"got {prefix!r}"
            )
        p = prefix.upper()
        return cls(table=f"{p}CHECKPOINTS", threads=f"{p}THREADS", migrations=f"{p}MIGRATIONS")

    def ddl(self) -> list[list[str]]:
        """Migration ``i`` (statements) brings the tables from version ``i`` to ``i + 1``."""
        return [
            [
                f"""CREATE TABLE {self.threads} (
                    thread_id VARCHAR2(1000) PRIMARY KEY
                )""",
                f"""CREATE TABLE {self.table} (
                    seq NUMBER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    thread_id VARCHAR2(1000) NOT NULL,
                    checkpoint_id VARCHAR2(1000) NOT NULL,
                    parent_id VARCHAR2(1000),
                    created_at BINARY_DOUBLE NOT NULL,
                    expires_at BINARY_DOUBLE,
                    v NUMBER(6) NOT NULL,
                    metadata JSON,
                    payload JSON NOT NULL,
                    CONSTRAINT {self.table}_UK UNIQUE (thread_id, checkpoint_id)
                )""",
                f"CREATE INDEX {self.table}_THREAD_SEQ ON {self.table} (thread_id, seq DESC)",
            ]
        ]

    @property
    def create_migrations(self) -> str:
        return if_absent(f"CREATE TABLE {self.migrations} (v NUMBER PRIMARY KEY)")

    @property
    def lock_migrations(self) -> str:
        return f"LOCK TABLE {self.migrations} IN EXCLUSIVE MODE"

    @property
    def current_version(self) -> str:
        return f"SELECT NVL(MAX(v), 0) FROM {self.migrations}"

    @property
    def record_version(self) -> str:
        return (
            f"MERGE INTO {self.migrations} m USING (SELECT :v AS v FROM dual) s ON (m.v = s.v) "
            "WHEN NOT MATCHED THEN INSERT (v) VALUES (s.v)"
        )

    @property
    def ensure_thread(self) -> str:
        return (
            f"MERGE INTO {self.threads} t USING (SELECT :thread_id AS thread_id FROM dual) s "
            "ON (t.thread_id = s.thread_id) "
            "WHEN NOT MATCHED THEN INSERT (thread_id) VALUES (s.thread_id)"
        )

    @property
    def lock_thread(self) -> str:
        return f"SELECT thread_id FROM {self.threads} WHERE thread_id = :thread_id FOR UPDATE"

    @property
    def delete_one(self) -> str:
        return f"DELETE FROM {self.table} WHERE thread_id = :thread_id AND checkpoint_id = :cid"

    @property
    def head(self) -> str:
        """The thread's newest checkpoint id (read under the thread lock for compare-and-set)."""
        return (
            f"SELECT checkpoint_id FROM {self.table} WHERE thread_id = :thread_id "
            "ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY"
        )

    @property
    def insert_with_parent(self) -> str:
        """Insert a checkpoint whose parent the caller checked (compare-and-set)."""
        return (
            f"INSERT INTO {self.table} ({COLUMNS}, metadata, payload) VALUES ("
            ":thread_id, :cid, :parent_id, :created_at, :expires_at, :v, :metadata, :payload)"
        )

    @property
    def insert(self) -> str:
        return (
            f"INSERT INTO {self.table} ({COLUMNS}, metadata, payload) VALUES ("
            ":thread_id, :cid, "
            f"(SELECT checkpoint_id FROM {self.table} WHERE thread_id = :thread_id "
            "ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY), "
            ":created_at, :expires_at, :v, :metadata, :payload)"
        )

    def _select(self, payload: bool) -> str:
        cols = f"{COLUMNS}, JSON_SERIALIZE(metadata RETURNING CLOB)"
        if payload:
            cols += ", JSON_SERIALIZE(payload RETURNING CLOB)"
        return f"SELECT {cols} FROM {self.table} WHERE thread_id = :thread_id"

    @property
    def read_latest(self) -> str:
        return self._select(True) + " ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY"

    @property
    def read_one(self) -> str:
        return self._select(True) + " AND checkpoint_id = :cid"

    def read_many(self, n: int) -> str:
        """``n`` checkpoints of one thread by id (``checkpoint_id IN (:c0, ...)``)."""
        marks = ", ".join(f":c{i}" for i in range(n))
        return self._select(True) + f" AND checkpoint_id IN ({marks})"

    @property
    def list_all(self) -> str:
        return self._select(False) + " ORDER BY seq DESC"

    @property
    def list_limit(self) -> str:
        return self._select(False) + " ORDER BY seq DESC FETCH FIRST :n ROWS ONLY"

    @property
    def delete_thread(self) -> str:
        return f"DELETE FROM {self.table} WHERE thread_id = :thread_id"

    @property
    def delete_thread_row(self) -> str:
        return (
            f"DELETE FROM {self.threads} WHERE thread_id = :thread_id AND NOT EXISTS "
            f"(SELECT 1 FROM {self.table} WHERE thread_id = :thread_id)"
        )

    def delete_many(self, n: int) -> str:
        """``DELETE ... checkpoint_id IN (:c0, :c1, ...)`` for ``n`` ids."""
        marks = ", ".join(f":c{i}" for i in range(n))
        return (
            f"DELETE FROM {self.table} WHERE thread_id = :thread_id AND checkpoint_id IN ({marks})"
        )

    @property
    def list_threads(self) -> str:
        return f"SELECT DISTINCT thread_id FROM {self.table}"
