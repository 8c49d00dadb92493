"""Run with locus-core alone installed (the ``slim`` nox session).

Every first-party integration is missing, so each entry point a user may try
must fail with an error that names the distribution to install.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

from locus.checkpoint import get_checkpointer
from locus.core.errors import PluginNotFoundError
from locus.models import get_model

INSTALLING = Path(__file__).resolve().parents[2] / "docs" / "installing.md"
# distribution -> its "install from the checkout" command, from docs/installing.md's table
CHECKOUT = dict(
    re.findall(r"^\| [^|]+ \| `(locus-[\w-]+)` \| `([^`]+)` \|", INSTALLING.read_text(), re.M)
)


def says_how_to_install(dist: str) -> str:
    """A regex: the message names ``dist`` and gives the documented checkout command."""
    return rf"{dist}(?s:.*){re.escape(CHECKOUT[dist])}"


pytestmark = pytest.mark.skipif(
    any(ep.name != "locus-core" for ep in metadata.entry_points(group="locus")),
    reason="a locus plugin is installed; these tests need locus-core alone (nox -s slim)",
)


def test_the_documented_commands_are_read() -> None:
    assert CHECKOUT["locus-openai"] == "pip install ./packages/locus-core ./packages/locus-openai"
    assert len(CHECKOUT) >= 10


@pytest.mark.parametrize(
    ("spec", "dist"),
    [
        ("openai:gpt-4.1", "locus-openai"),
        ("anthropic:claude-sonnet-4-5", "locus-anthropic"),
        ("ollama:llama3.2", "locus-ollama"),
        ("oci:openai.gpt-5.5", "locus-oci"),
    ],
)
def test_model_string_names_the_distribution(spec: str, dist: str) -> None:
    with pytest.raises(PluginNotFoundError, match=says_how_to_install(dist)):
        get_model(spec)


@pytest.mark.parametrize(
    ("url", "dist"),
    [
        ("postgresql://127.0.0.1/test", "locus-checkpoint-postgres"),
        ("redis://127.0.0.1:6379/0", "locus-checkpoint-redis"),
        ("oracle://user@db/service", "locus-checkpoint-oracle"),
        ("opensearch://127.0.0.1:9200", "locus-checkpoint-opensearch"),
        ("oci://bucket@namespace/threads", "locus-oci"),
    ],
)
def test_checkpointer_url_names_the_distribution(url: str, dist: str) -> None:
    with pytest.raises(PluginNotFoundError, match=says_how_to_install(dist)):
        get_checkpointer(url)


@pytest.mark.parametrize(
    ("name", "dist"),
    [
        ("oci_bucket_checkpointer", "locus-oci"),
        ("RedisCheckpointer", "locus-checkpoint-redis"),
        ("PostgresCheckpointer", "locus-checkpoint-postgres"),
    ],
)
def test_seed_backend_import_names_the_distribution(name: str, dist: str) -> None:
    code = f"from locus.memory.backends import {name}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr
    assert re.search(says_how_to_install(dist), proc.stderr)


@pytest.mark.parametrize("module", ["locus.openai", "locus.checkpoint.postgres", "locus.server"])
def test_importing_a_missing_distribution_is_a_plain_import_error(module: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        __import__(module)


def test_plugins_lists_only_core() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "locus.cli", "plugins"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("locus-core ")
    assert "[failed]" not in out


def test_star_import_never_fails_and_leaves_missing_names_out() -> None:
    code = (
        "from locus import *\n"
        "import locus\n"
        "assert 'create_deepagent' not in locus.__all__\n"
        "assert 'GoalFrame' not in locus.__all__\n"
        "assert 'Agent' in locus.__all__\n"
        "print(Agent.__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Agent"


@pytest.mark.parametrize(
    ("name", "dist"),
    [
        ("create_deepagent", "locus-deepagent"),
        ("create_research_workflow", "locus-deepagent"),
        ("GoalFrame", "locus-router"),
        ("CognitiveCompiler", "locus-router"),
    ],
)
def test_root_name_of_a_missing_distribution_names_it(name: str, dist: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"from locus import {name}"], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr
    assert re.search(says_how_to_install(dist), proc.stderr)


@pytest.mark.parametrize(
    ("url", "dist"),
    [
        ("postgresql://127.0.0.1/test", "locus-checkpoint-postgres"),
        ("redis://127.0.0.1:6379/0", "locus-checkpoint-redis"),
    ],
)
def test_store_url_names_the_distribution(url: str, dist: str) -> None:
    from locus.memory import get_store

    with pytest.raises(PluginNotFoundError, match=says_how_to_install(dist)):
        get_store(url)
