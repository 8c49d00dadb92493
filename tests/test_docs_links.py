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


FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
HTML_ID = re.compile(r"<a\s[^>]*(?:id|name)=\"([^\"]+)\"")
ANCHOR_LINK = re.compile(r"\]\(([^)#\s]*)#([^)\s]+)\)")


def _heading_text(raw: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)  # a link shows its text
    return re.sub(r"<[^>]+>", "", text).replace("`", "").strip()


def github_slug(text: str) -> str:
    """GitHub's rule: lower case, punctuation dropped, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def mkdocs_slug(text: str) -> str:
    """Python-Markdown toc's rule: punctuation dropped, runs of spaces/hyphens one hyphen."""
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page: Path) -> set[str]:
    """The anchors a page has under *both* GitHub's and mkdocs' rules (duplicates numbered)."""
    text = FENCE.sub("", page.read_text())
    found: list[set[str]] = []
    for slug, suffix in ((github_slug, "-"), (mkdocs_slug, "_")):
        seen: dict[str, int] = {}
        names: set[str] = set()
        for raw in HEADING.findall(text):
            slug_text = slug(_heading_text(raw))
            count = seen.get(slug_text, 0)
            seen[slug_text] = count + 1
            names.add(slug_text if count == 0 else f"{slug_text}{suffix}{count}")
        found.append(names)
    return (found[0] & found[1]) | set(HTML_ID.findall(text))


def test_slug_rules_match_the_renderers() -> None:
    assert github_slug("Orchestrator + Specialists") == "orchestrator--specialists"
    assert mkdocs_slug("Orchestrator + Specialists") == "orchestrator-specialists"
    assert github_slug(_heading_text("Streaming: `StreamMode` and `emit_custom`")) == (
        "streaming-streammode-and-emit_custom"
    )


def test_a_link_to_a_missing_anchor_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Orchestrator + Specialists\n\n```python\n# not a heading\n```\n")
    assert anchors(page) == set()  # the two renderers disagree: no anchor works on both
    page.write_text("# Orchestrator and Specialists\n")
    assert anchors(page) == {"orchestrator-and-specialists"}


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_anchors_resolve(page: Path) -> None:
    broken = []
    for target, anchor in ANCHOR_LINK.findall(FENCE.sub("", page.read_text())):
        if "://" in target or (target and not target.endswith(".md")):
            continue
        linked = (page.parent / target) if target else page
        if linked.suffix == ".md" and linked.exists() and anchor not in anchors(linked):
            broken.append(f"{target}#{anchor}")
    assert not broken, f"{page.relative_to(ROOT)} links to missing anchors: {broken}"
