"""Every ```python block in docs/ runs, page by page, in order, in one namespace.

Blocks marked ```python no-run are shown, not run (they need a key or a
remote server). Top-level ``await`` is allowed; such blocks run in a fresh
event loop. Each page runs in its own temporary working directory.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(line number, source) of each runnable block of a page."""
    text = page.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(p))


def test_docs_have_runnable_examples() -> None:
    assert PAGES, "docs/ should hold runnable examples"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for line, source in python_blocks(page):
        code = compile(
            source, f"{page.relative_to(DOCS)}:{line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        )
        result = eval(code, namespace)
        if inspect.iscoroutine(result):
            asyncio.run(result)
