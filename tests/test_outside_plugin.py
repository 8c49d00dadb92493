"""A third-party plugin outside packages/ is discovered after a real install.

Builds a fresh virtual environment, installs locus-core from a wheel (not
editable) plus the sample plugins from tests/plugins/ editable — a mixed
install — and drives it through a child interpreter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=True, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        try:
            from uv import find_uv_bin

            uv = find_uv_bin()
        except ImportError:
            pytest.fail("uv is needed to build the test environment (pip install uv)")
    where = tmp_path_factory.mktemp("outside-plugin")
    env_dir = where / "venv"
    _run(uv, "venv", "-q", "--python", sys.executable, str(env_dir))
    python = env_dir / "bin" / "python"
    wheels = where / "wheels"
    _run(
        uv,
        "build",
        "-q",
        "--wheel",
        "--out-dir",
        str(wheels),
        str(ROOT / "packages" / "locus-core"),
    )
    core_wheel = next(wheels.glob("locus_core-*.whl"))
    _run(
        uv,
        "pip",
        "install",
        "-q",
        "--python",
        str(python),
        str(core_wheel),
        "-e",
        str(ROOT / "tests" / "plugins" / "locus-echo"),
        "-e",
        str(ROOT / "tests" / "plugins" / "locus-broken"),
    )
    return python


def test_outside_model_resolves_by_string(venv: Path) -> None:
    code = (
        "import asyncio; from locus.models import get_model; from locus.core.messages import Message;"
        "m = get_model('echo:parrot', prefix='> ');"
        "r = asyncio.run(m.complete([Message.user('hello there')]));"
        "print(type(m).__module__, m.name, r.text)"
    )
    out = _run(str(venv), "-c", code).stdout.split(maxsplit=2)
    assert out == ["locus_echo.model", "parrot", "> hello there\n"]


def test_plugins_command_lists_outside_and_broken_plugins(venv: Path) -> None:
    proc = _run(str(venv), "-m", "locus.cli", "plugins", "--json")
    report = {p["name"]: p for p in json.loads(proc.stdout)}
    assert report["locus-echo"]["status"] == "loaded"
    assert report["locus-echo"]["version"] == "0.3.0"
    assert report["locus-echo"]["provides"]["model provider"] == ["echo"]
    assert report["locus-broken"]["status"] == "failed"
    assert "locus_broken_missing_dependency" in report["locus-broken"]["error"]
    assert proc.stderr.count("locus-broken") == 1, "the broken plugin is reported once, by name"


def test_outside_plugin_adds_a_cli_command(venv: Path) -> None:
    assert _run(str(venv), "-m", "locus.cli", "shout", "hi", "there").stdout == "HI THERE\n"


def test_allow_list_excludes_the_outside_plugin(venv: Path) -> None:
    code = (
        "from locus.models import get_model\n"
        "try:\n    get_model('echo:x')\nexcept Exception as e:\n    print(type(e).__name__)\n"
    )
    env = {"LOCUS_LOAD_PLUGINS": "locus-nothing", "PATH": "/usr/bin:/bin"}
    assert _run(str(venv), "-c", code, env=env).stdout.strip() == "PluginNotFoundError"
