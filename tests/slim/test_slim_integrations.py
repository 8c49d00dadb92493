"""With locus-core alone, the original's ``locus.integrations`` imports name locus-mcp."""

from __future__ import annotations

import importlib.metadata as metadata
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    any(ep.name != "locus-core" for ep in metadata.entry_points(group="locus")),
    reason="a locus plugin is installed; these tests need locus-core alone (nox -s slim)",
)


@pytest.mark.parametrize(
    "code",
    [
        "from locus.integrations.fastmcp import MCPClient",
        "from locus.integrations import create_mcp_server",
    ],
)
def test_integration_imports_name_the_distribution(code: str) -> None:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr
    assert "locus-mcp" in proc.stderr
    assert "pip install ./packages/locus-core ./packages/locus-mcp" in proc.stderr
