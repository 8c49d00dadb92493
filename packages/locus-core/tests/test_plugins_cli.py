"""The ``locus`` CLI: plugins, version, and plugin-provided commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import locus
from locus.cli import main


def test_plugins_json_lists_core_with_its_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    core = next(p for p in report if p["name"] == "locus-core")
    assert core["status"] == "loaded"
    assert "locus_register_models" in core["hooks"]
    assert "test" in core["provides"]["model provider"]


def test_plugins_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("locus-core ")
    assert "model provider: test" in out


def test_version_prints_core_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert f"locus-core {locus.__version__}" in capsys.readouterr().out


def test_version_option_prints_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"locus-core {locus.__version__} ")


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_unknown_command_is_an_argparse_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2


def test_console_module_entry_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "locus.cli", "version"], capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("locus-core ")
