"""The install commands of docs/installing.md work in fresh environments.

Each row of the page's table holds a ``pip install ./packages/...`` command;
this runs it (as ``uv pip install``, same arguments) from the repository root
in a new virtual environment, then imports the distribution's package and
checks ``locus plugins`` reports it loaded. Third-party dependencies come from
the package index (uv's cache makes a repeat run quick).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "installing.md"
ROW = re.compile(
    r"^\| .*? \| `(locus-[a-z0-9-]+)` \| `(pip install [^`]+)` \| `([a-z0-9.]+)` \|$", re.M
)
ROWS = ROW.findall(PAGE.read_text())


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        try:
            from uv import find_uv_bin
        except ImportError:
            pytest.fail("uv is needed to build the test environments (pip install uv)")
        uv = find_uv_bin()
    return uv


def test_the_page_has_a_command_for_core_and_every_integration() -> None:
    documented = {dist for dist, _, _ in ROWS}
    shipped = {p.name for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").exists()}
    assert documented == shipped - {"locus-sdk"}


@pytest.mark.parametrize(("dist", "command", "module"), ROWS, ids=[r[0] for r in ROWS])
def test_documented_command_installs_into_a_fresh_environment(
    dist: str, command: str, module: str, tmp_path: Path
) -> None:
    uv = _uv()
    env = tmp_path / "venv"
    subprocess.run(
        [uv, "venv", "-q", "--python", sys.executable, str(env)], check=True, capture_output=True
    )
    python = env / "bin" / "python"
    args = shlex.split(command)
    assert args[:2] == ["pip", "install"]
    done = subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), *args[2:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{command!r} failed:\n{done.stderr[-3000:]}"
    probe = (
        f"import json, {module}\n"
        "from locus.plugins import plugin_report\n"
        "print(json.dumps({p.name: p.status for p in plugin_report()}))\n"
    )
    out = subprocess.run(
        [str(python), "-c", probe], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]).get(dist) == "loaded"
