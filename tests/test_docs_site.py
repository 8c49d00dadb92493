"""The documentation site's navigation (mkdocs.yml) lists every docs page."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAV_ENTRY = re.compile(r"^\s*- (?:[^:\n]+: )?([\w./-]+\.md)\s*$", re.MULTILINE)


def test_every_docs_page_is_in_the_site_navigation() -> None:
    listed = set(NAV_ENTRY.findall((ROOT / "mkdocs.yml").read_text()))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "add these pages to mkdocs.yml nav"
    assert listed - pages == set(), "mkdocs.yml nav names pages that do not exist"
