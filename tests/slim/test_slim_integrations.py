"""With locus-core alone, the original's plugin-served import paths name the distribution."""

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
    ("code", "dist"),
    [
        ("from locus.integrations.fastmcp import MCPClient", "locus-mcp"),
        ("from locus.integrations import create_mcp_server", "locus-mcp"),
        ("from locus.models.providers.oci import OCIModel", "locus-oci"),
        ("from locus.models.providers import OCIConfig", "locus-oci"),
        ("from locus.models.providers.oci.openai_compat import OCIOpenAIModel", "locus-oci"),
        ("from locus.models import OCIModel", "locus-oci"),
        (
            "from locus.memory.backends.postgresql import PostgreSQLBackend; PostgreSQLBackend()",
            "locus-checkpoint-postgres",
        ),
        (
            "from locus.memory.backends import oracle_checkpointer; oracle_checkpointer()",
            "locus-checkpoint-oracle",
        ),
        (
            "from locus.memory.backends.adapters import oci_bucket_checkpointer; "
            "oci_bucket_checkpointer('bucket', 'namespace')",
            "locus-oci",
        ),
    ],
)
def test_integration_imports_name_the_distribution(code: str, dist: str) -> None:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr
    assert dist in proc.stderr
    install = next(line for line in proc.stderr.splitlines() if "pip install" in line)
    assert "pip install ./packages/locus-core " in install
    assert f"./packages/{dist}`" in install


def test_facade_modules_only_serve_the_original_names() -> None:
    import locus.models.providers.oci.client as client

    assert not hasattr(client, "OCIClient")  # a gap (docs/migrating.md), not an ImportError
    assert dir(client) == ["OCIAuthType"]
