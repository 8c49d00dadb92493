"""The original locus's ``locus.models.caching`` markers (sent by locus-anthropic: its tests)."""

from __future__ import annotations

import pytest

from locus.core.errors import ValidationError
from locus.core.messages import Message


def test_cache_breakpoint_markers() -> None:
    from locus.models.caching import CACHE_CONTROL_KEY, is_cache_breakpoint, mark_cache_breakpoint

    doc = Message.user("doc")
    marked = mark_cache_breakpoint(doc)
    assert marked.metadata[CACHE_CONTROL_KEY] == {"type": "ephemeral"}
    assert is_cache_breakpoint(marked)
    assert not is_cache_breakpoint(doc)
    assert marked.content == doc.content
    with pytest.raises(ValidationError):
        mark_cache_breakpoint(marked, ttl="1h")  # type: ignore[arg-type]
