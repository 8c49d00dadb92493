"""The conformance kit against the three core backends."""

from pathlib import Path
from typing import Any

from locus.checkpoint import BaseCheckpointer
from locus.checkpoint.file import FileCheckpointer
from locus.checkpoint.memory import MemoryCheckpointer
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.testing import CheckpointerConformance


class TestMemoryConformance(CheckpointerConformance):
    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return MemoryCheckpointer(**options)


class TestFileConformance(CheckpointerConformance):
    race_options = {"fsync": False}  # the race checks ordering; fsync has its own tests

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return FileCheckpointer(tmp_path / "ckpts", **options)


class TestSQLiteConformance(CheckpointerConformance):
    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return SQLiteCheckpointer(tmp_path / "threads.db", **options)


class TestSQLiteInMemoryConformance(CheckpointerConformance):
    concurrent_runs = 50  # the file-backed SQLite class races the full 200

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return SQLiteCheckpointer(":memory:", **options)
