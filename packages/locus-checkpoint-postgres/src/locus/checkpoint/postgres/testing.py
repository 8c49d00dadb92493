"""Test helper: the DSN of the local PostgreSQL used by our test suites."""

from __future__ import annotations

__all__ = ["local_dsn"]


def local_dsn(
    host: str = "127.0.0.1",
    port: int = 5432,
    database: str = "test",
    users: tuple[str, ...] = ("postgres", "root"),
) -> str:
    """A DSN that connects to the local test server (trust auth), trying each user.

    When none connects, the calling test fails under CI and is skipped
    elsewhere (:func:`locus.testing.service_unavailable`).
    """
    import psycopg

    from locus.testing import service_unavailable

    errors = []
    for user in users:
        dsn = f"postgresql://{user}@{host}:{port}/{database}"
        try:
            psycopg.connect(dsn, connect_timeout=3).close()
            return dsn
        except Exception as exc:
            errors.append(f"{user}: {exc}")
    service_unavailable(
        f"PostgreSQL on {host}:{port} (db {database!r}) is unreachable: " + "; ".join(errors)
    )
