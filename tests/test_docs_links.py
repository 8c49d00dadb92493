"""Every relative link in docs/ and the README points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    broken = [
        target
        for target in LINK.findall(page.read_text())
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert not broken, f"{page.relative_to(ROOT)} links to missing files: {broken}"


def test_every_docs_page_is_linked_from_the_index() -> None:
    docs = ROOT / "docs"
    index = (docs / "index.md").read_text()
    linked = {(docs / target).resolve() for target in LINK.findall(index) if "://" not in target}
    pages = {p.resolve() for p in docs.rglob("*.md") if p.name != "index.md"}
    missing = sorted(str(p.relative_to(docs)) for p in pages - linked)
    assert not missing, f"docs pages not linked from docs/index.md: {missing}"
