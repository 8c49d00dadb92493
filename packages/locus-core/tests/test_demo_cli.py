"""`locus demo`: the offline on-call run pages exactly once across two agent instances."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from locus.cli import main


def test_demo_pages_once_across_two_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", "--dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "page_oncall requested: 2" in out
    assert "pages sent: 1" in out
    assert "body NOT run" in out
    assert "ToolCalled('page_oncall')" in out
    assert out.count("tool   get_metric(") == 4
    db = tmp_path / "locus-demo.db"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
    assert tables


def test_demo_quiet_prints_only_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path), "--quiet", "--thread-id", "inc-7"]) == 0
    out = capsys.readouterr().out
    assert "think" not in out
    assert "pages sent: 1" in out
    assert "'inc-7'" in out


def test_demo_without_dir_uses_a_temporary_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--quiet"]) == 0
    assert "pages sent: 1" in capsys.readouterr().out


def test_demo_with_an_unknown_provider_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--quiet", "--model", "nosuch:model"]) == 2
    assert "unknown model provider 'nosuch'" in capsys.readouterr().err
