"""``locus worker``: registered through the plugin hook; bad input gets a typed error."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from locus.core.errors import ConfigError
from locus.dbos._plugin import configure_worker, worker_command
from locus.dbos._worker import _as_dbos_agent


def test_the_worker_command_is_listed_by_the_locus_cli():
    out = subprocess.run(
        [sys.executable, "-m", "locus.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "worker" in out.stdout


def test_a_target_that_is_not_an_agent_is_refused_with_what_to_point_at():
    with pytest.raises(ConfigError, match="not an Agent, a DBOSAgent or a durable_workflow"):
        _as_dbos_agent("locus.dbos:DEFAULT_QUEUE", "q")


def test_a_malformed_rate_limit_says_the_expected_form():
    parser = argparse.ArgumentParser()
    configure_worker(parser)
    args = parser.parse_args(["m:a", "--rate-limit", "fast"])
    with pytest.raises(ConfigError, match="LIMIT/SECONDS"):
        worker_command(args)


async def test_queue_limits_are_checked_before_anything_is_declared():
    from locus.dbos import register_queue

    with pytest.raises(ConfigError, match="worker_concurrency"):
        await register_queue("q", worker_concurrency=0)
    with pytest.raises(ConfigError, match="rate_limit"):
        await register_queue("q", rate_limit=(0, 1.0))
