"""MkDocs hooks of the documentation site (mkdocs.yml ``hooks:``)."""

from __future__ import annotations

import re
from typing import Any

_NO_RUN = re.compile(r"^```python[ \t]+no-run[ \t]*$", re.MULTILINE)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Show ```python no-run blocks (shown, not run by tests/test_docs.py) as Python."""
    return _NO_RUN.sub("```python", markdown)
