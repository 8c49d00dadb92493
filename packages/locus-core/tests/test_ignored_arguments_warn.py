"""Original-locus arguments that have no effect here say so instead of being silently dropped."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from locus.core.warnings import LocusDeprecationWarning


def test_create_graph_ignored_arguments_warn_and_name_each() -> None:
    from locus.multiagent.graph import create_graph

    with pytest.warns(LocusDeprecationWarning, match=r"allow_cycles=\.\.\., description=\.\.\."):
        create_graph("g", description="a graph", allow_cycles=True)


def test_the_defaults_do_not_warn(tmp_path: Path) -> None:
    from locus.hooks.builtin.retry import ModelRetryHook
    from locus.memory.backends.file import FileCheckpointer
    from locus.multiagent.graph import create_graph

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FileCheckpointer(base_dir=tmp_path)
        ModelRetryHook()
        create_graph("g")
