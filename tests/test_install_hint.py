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
