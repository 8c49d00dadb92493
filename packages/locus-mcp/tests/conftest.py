"""locus-mcp test fixtures (helpers live in ``mcp_testkit``, importable from the tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mcp_testkit import free_port, http_server, script


@pytest.fixture(scope="module")
def sdk_http() -> Iterator[str]:
    """The official-SDK test server over Streamable HTTP, requiring token ``s3cret``."""
    port = free_port()
    with http_server([*script("sdk_server.py"), "http", str(port), "s3cret"], port):
        yield f"http://127.0.0.1:{port}/mcp"
