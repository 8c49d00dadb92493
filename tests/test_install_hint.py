"""Every "not installed" message gives the checkout command docs/installing.md documents."""

from __future__ import annotations

import re
from pathlib import Path

from locus.core._install import install_command, install_hint

INSTALLING = Path(__file__).resolve().parents[1] / "docs" / "installing.md"
ROW = re.compile(r"^\| [^|]+ \| `(locus-[\w-]+)` \| `([^`]+)` \|", re.M)


def test_the_command_is_the_documented_one_for_every_distribution() -> None:
    rows = ROW.findall(INSTALLING.read_text())
    assert len(rows) >= 10
    for dist, documented in rows:
        assert install_command(dist) == documented, dist


def test_the_hint_names_the_distribution_and_says_it_is_not_on_pypi() -> None:
    hint = install_hint("locus-ollama")
    assert hint.startswith("locus-ollama is not on PyPI")
    assert "not on PyPI" in hint
    assert (
        "pip install ./packages/locus-core ./packages/locus-openai ./packages/locus-ollama" in hint
    )


ROOT = INSTALLING.parents[1]
# an install from an index (`pip install locus-x`, `pip install -q "locus-sdk[x]"`) or a
# `locus-sdk[x]` extra: neither exists yet, the path form `./packages/locus-x` is the one
FROM_AN_INDEX = re.compile(r"pip install\s+(?:-\S+\s+)*['\"]?locus-|locus-sdk\[")
# the one section allowed to show them: it says what PyPI has and why those fail
PYPI_SECTION = "## What is published where"


def _install_lines_outside_the_pypi_section() -> list[str]:
    pages = [
        *sorted((ROOT / "docs").rglob("*.md")),
        ROOT / "README.md",
        *sorted(ROOT.glob("packages/*/README.md")),
    ]
    found = []
    for page in pages:
        in_pypi_section = False
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if line.startswith("#"):
                in_pypi_section = page == INSTALLING and line.strip() == PYPI_SECTION
            if FROM_AN_INDEX.search(line) and not in_pypi_section:
                found.append(f"{page.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_installing_md_has_the_section_about_pypi() -> None:
    assert PYPI_SECTION in INSTALLING.read_text().splitlines()


def test_no_page_installs_a_locus_distribution_from_an_index() -> None:
    found = _install_lines_outside_the_pypi_section()
    assert not found, (
        "no locus distribution is on PyPI: use the checkout command of docs/installing.md\n"
        + "\n".join(found)
    )


def test_the_scan_finds_an_index_install() -> None:
    for line in (
        "pip install locus-otel",
        'uv pip install -q "locus-sdk[otel]"',
        "or `locus-sdk[mcp]`",
    ):
        assert FROM_AN_INDEX.search(line), line
    assert not FROM_AN_INDEX.search(
        "pip install ./packages/locus-core './packages/locus-rag[qdrant]'"
    )
