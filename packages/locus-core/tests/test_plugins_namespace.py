"""``locus`` and ``locus.checkpoint`` are namespace-extensible; ``import locus`` is lazy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import locus


def test_namespace_packages_extend_across_path_entries(tmp_path: Path) -> None:
    # a second distribution's tree, as a plugin ships it: no locus/__init__.py
    ext = tmp_path / "locus" / "checkpoint" / "zzz"
    ext.mkdir(parents=True)
    (ext / "__init__.py").write_text("VALUE = 'from another distribution'\n")
    other = tmp_path / "locus" / "zzplugin"
    other.mkdir()
    (other / "__init__.py").write_text("VALUE = 42\n")
    code = (
        "import locus.checkpoint.zzz, locus.zzplugin, locus.checkpoint;"
        "print(locus.checkpoint.zzz.VALUE, locus.zzplugin.VALUE, callable(locus.checkpoint.get_checkpointer))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.split() == ["from", "another", "distribution", "42", "True"]


def test_import_locus_is_lazy() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, locus; "
            "heavy = [m for m in ('pydantic', 'pluggy', 'locus.agent', 'locus.plugins') "
            "if m in sys.modules]; print(heavy)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == "[]"


def test_unknown_top_level_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Agnet'"):
        locus.Agnet  # noqa: B018


def test_dir_lists_lazy_exports() -> None:
    assert {"Agent", "tool", "StateGraph", "Message"} <= set(dir(locus))
