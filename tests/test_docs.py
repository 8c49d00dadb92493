"""Every ```python block in docs/ runs, page by page, in order, as a plain script.

Blocks marked ```python no-run are shown, not run (they need a key or a
remote server). A page's blocks are saved, in order, as one file and run as
a plain script (``python page.py``, in a temporary working directory), as a
reader would run them: top-level ``await`` fails; examples end with
``asyncio.run(main())``.
"""

from __future__ import annotations

import re
import subprocess
import sys
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
def test_page_blocks_are_plain_python(page: Path) -> None:
    for line, source in python_blocks(page):
        try:
            compile(source, f"{page.relative_to(DOCS)}:{line}", "exec")
        except SyntaxError as exc:
            pytest.fail(
                f"docs/{page.relative_to(DOCS)}:{line} is not a plain script ({exc.msg}): "
                "wrap awaits in `async def main()` and end with `asyncio.run(main())`"
            )


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    """The page's blocks, in order, saved as one file and run with ``python file.py``."""
    parts = [
        f"# --- docs/{page.relative_to(DOCS)}:{line}\n{source}"
        for line, source in python_blocks(page)
    ]
    script = tmp_path / "docs_page_example.py"  # a name no import can mean
    script.write_text("\n".join(parts))
    done = subprocess.run(
        [sys.executable, script.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"docs/{page.relative_to(DOCS)} failed:\n{done.stderr[-4000:]}"
