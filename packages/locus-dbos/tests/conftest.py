"""Fixtures: a launched DBOS on a fresh SQLite file, or on a fresh PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbos import DBOS

sys.path.insert(0, str(Path(__file__).parent))  # dbos_app, _workers

PG_ADMIN = os.environ.get("LOCUS_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'dbos.sqlite'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own (``locus_dbos_<random>``), dropped afterwards."""
    import psycopg

    name = f"locus_dbos_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _no_dbos_left() -> Iterator[None]:
    yield
    with contextlib.suppress(Exception):
        DBOS.destroy(destroy_registry=True)
