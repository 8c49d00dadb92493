"""Check built wheels: each holds only its own subtree, plus its entry points.

Usage: ``python check_wheels.py DIST_DIR '{"locus-core": "packages/locus-core", ...}'``.
Run by the ``wheels`` nox session after the wheels are installed; it also
imports every distribution's package and checks ``locus plugins`` sees every plugin.
"""

from __future__ import annotations

import ast
import configparser
import importlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

NAMESPACE_INITS = ("locus/__init__.py", "locus/checkpoint/__init__.py")


def package_of(dist: str) -> str:
    return "locus" if dist == "locus-core" else dist.replace("-", ".")


def starts_with_extend_path(source: str) -> bool:
    """Whether the first statement after the docstring assigns ``__path__`` via extend_path."""
    body = ast.parse(source).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body or not isinstance(body[0], ast.Assign):
        return False
    first = body[0]
    targets = [t.id for t in first.targets if isinstance(t, ast.Name)]
    return targets == ["__path__"] and "extend_path" in ast.unparse(first.value)


def check_wheel(wheel: Path, dist: str, all_dists: list[str]) -> list[str]:
    problems: list[str] = []
    pkg_dir = package_of(dist).replace(".", "/") + "/"
    others = [
        package_of(d).replace(".", "/") + "/" for d in all_dists if d not in (dist, "locus-core")
    ]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        code = [n for n in names if ".dist-info/" not in n]
        if dist == "locus-sdk":
            if code:
                problems.append(f"{wheel.name}: the meta-distribution ships code: {code[:5]}")
            return problems
        for name in code:
            if not name.startswith(pkg_dir):
                problems.append(f"{wheel.name}: {name} is outside {pkg_dir}")
            if dist == "locus-core" and any(name.startswith(o) for o in others):
                problems.append(f"{wheel.name}: core ships {name}, which belongs to a plugin")
        for init in NAMESPACE_INITS:
            if dist == "locus-core":
                if not starts_with_extend_path(zf.read(init).decode()):
                    problems.append(f"{wheel.name}: {init} does not start with extend_path")
            elif init in names:
                problems.append(f"{wheel.name}: ships {init}; only locus-core may")
        if not any(n.startswith(pkg_dir) and n.endswith("py.typed") for n in code):
            problems.append(f"{wheel.name}: no py.typed under {pkg_dir}")
        ep_name = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        if dist != "locus-core":
            if ep_name is None:
                problems.append(f"{wheel.name}: no entry points")
            else:
                parser = configparser.ConfigParser()
                parser.read_string(zf.read(ep_name).decode())
                if not parser.has_option("locus", dist):
                    problems.append(f"{wheel.name}: no [locus] entry point named {dist}")
    return problems


def main() -> int:
    dist_dir = Path(sys.argv[1])
    dists: dict[str, str] = json.loads(sys.argv[2])
    problems: list[str] = []
    for dist in dists:
        stem = dist.replace("-", "_")
        wheels = list(dist_dir.glob(f"{stem}-*.whl"))
        if len(wheels) != 1:
            problems.append(f"{dist}: expected one wheel, found {wheels}")
            continue
        problems += check_wheel(wheels[0], dist, list(dists))
    for dist in dists:
        if dist != "locus-sdk":
            try:
                importlib.import_module(package_of(dist))
            except Exception as exc:  # report every failure, not the first
                problems.append(f"import {package_of(dist)} failed: {exc!r}")
    report = json.loads(
        subprocess.run(
            [sys.executable, "-m", "locus.cli", "plugins", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    status = {p["name"]: p["status"] for p in report}
    for dist in dists:
        if dist not in ("locus-sdk", "locus-core") and status.get(dist) != "loaded":
            problems.append(f"{dist}: not loaded as a plugin ({status.get(dist)})")
    for problem in problems:
        print("FAIL", problem)
    print(f"checked {len(dists)} wheels: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
