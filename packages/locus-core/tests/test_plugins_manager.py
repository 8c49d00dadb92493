"""The plugin manager against real installed distributions.

Each test writes a distribution (a module plus a ``*.dist-info`` with
``entry_points.txt``) into a temporary ``sys.path`` entry: exactly what
``importlib.metadata`` discovers for an installed package.
"""

from __future__ import annotations

import logging
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from locus.checkpoint import get_checkpointer
from locus.core.errors import PluginNotFoundError, ValidationError
from locus.models import get_model
from locus.plugins import (
    checkpointer_registry,
    command_registry,
    get_plugin_manager,
    model_registry,
    plugin_report,
    reset_plugin_manager,
)

MakeDist = Callable[..., None]

GOOD_PLUGIN = """
from locus.plugins import hookimpl

class Model:
    def __init__(self, name, **options):
        self.name = name
        self.options = options

@hookimpl
def locus_register_models(register):
    register("{prefix}", Model, description="a test provider")

@hookimpl
def locus_register_checkpointers(register):
    register("{prefix}db", lambda url, **kw: ("checkpointer", url, kw))

@hookimpl
def locus_register_commands(register):
    register("{prefix}-hello", lambda args: 0, help="say hello")
"""


@pytest.fixture
def make_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeDist]:
    """Install a distribution named ``name`` whose plugin module holds ``source``."""
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    created: list[str] = []

    def make(name: str, source: str, *, version: str = "1.2.3") -> None:
        module = name.replace("-", "_") + "_plugin"
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[locus]\n{name} = {module}\n")
        created.append(module)

    reset_plugin_manager()
    yield make
    for module in created:
        sys.modules.pop(module, None)
    reset_plugin_manager()


def test_installed_plugin_registers_models_checkpointers_and_commands(make_dist: MakeDist) -> None:
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"))

    model = get_model("acme:big-model", temperature=0.2)
    assert (model.name, model.options) == ("big-model", {"temperature": 0.2})
    assert get_checkpointer("acmedb://host/x", pool=2) == (
        "checkpointer",
        "acmedb://host/x",
        {"pool": 2},
    )
    assert command_registry()["acme-hello"].plugin == "locus-acme"


def test_builtins_register_through_the_same_hooks() -> None:
    reset_plugin_manager()
    assert model_registry().get("test").plugin == "locus-core"
    assert {"memory", "file", "sqlite"} <= set(checkpointer_registry().names())
    assert {"plugins", "version", "demo"} <= set(command_registry())


def test_report_lists_version_hooks_and_registrations(make_dist: MakeDist) -> None:
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"), version="4.5.6")
    info = {i.name: i for i in plugin_report()}["locus-acme"]
    assert info.version == "4.5.6"
    assert info.status == "loaded"
    assert "locus_register_models" in info.hooks
    assert info.provides["model provider"] == ["acme"]
    assert info.provides["command"] == ["acme-hello"]


def test_broken_plugin_is_reported_by_name_and_others_keep_working(
    make_dist: MakeDist, caplog: pytest.LogCaptureFixture
) -> None:
    make_dist("locus-broken", "import a_module_that_does_not_exist\n")
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"))

    with caplog.at_level(logging.WARNING, logger="locus.plugins"):
        assert get_model("acme:m").name == "m"
        get_plugin_manager()
        model_registry()
    broken = {i.name: i for i in plugin_report()}["locus-broken"]
    assert broken.status == "failed"
    assert "a_module_that_does_not_exist" in (broken.error or "")
    warnings = [r.getMessage() for r in caplog.records if "locus-broken" in r.getMessage()]
    assert len(warnings) == 1, "a broken plugin is reported exactly once"


def test_plugin_whose_hook_raises_is_skipped_without_hiding_others(make_dist: MakeDist) -> None:
    make_dist(
        "locus-raises",
        """
        from locus.plugins import hookimpl

        @hookimpl
        def locus_register_models(register):
            raise RuntimeError("database of models unavailable")
        """,
    )
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"))
    assert "acme" in model_registry()
    info = {i.name: i for i in plugin_report()}["locus-raises"]
    assert info.status == "failed"
    assert "database of models unavailable" in (info.error or "")


def test_plugin_implementing_an_unknown_hook_is_rejected(make_dist: MakeDist) -> None:
    make_dist(
        "locus-typo",
        """
        from locus.plugins import hookimpl

        @hookimpl
        def locus_register_modles(register):
            register("typo", object)
        """,
    )
    info = {i.name: i for i in plugin_report()}["locus-typo"]
    assert info.status == "failed"
    assert "locus_register_modles" in (info.error or "")


def test_allow_list_loads_only_named_plugins(
    make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"))
    make_dist("locus-zeta", GOOD_PLUGIN.format(prefix="zeta"))
    monkeypatch.setenv("LOCUS_LOAD_PLUGINS", "locus-zeta")
    reset_plugin_manager()

    assert "zeta" in model_registry()
    assert "acme" not in model_registry()
    assert {i.name: i.status for i in plugin_report()}["locus-acme"] == "skipped"
    assert "test" in model_registry(), "core built-ins are not subject to the allow-list"


def test_empty_allow_list_loads_no_plugins(
    make_dist: MakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_dist("locus-acme", GOOD_PLUGIN.format(prefix="acme"))
    monkeypatch.setenv("LOCUS_LOAD_PLUGINS", "")
    reset_plugin_manager()
    assert model_registry().names() == ["test"]


def test_first_registration_wins_on_conflict(
    make_dist: MakeDist, caplog: pytest.LogCaptureFixture
) -> None:
    make_dist("locus-aaa", GOOD_PLUGIN.format(prefix="same"))
    make_dist("locus-bbb", GOOD_PLUGIN.format(prefix="same"))
    with caplog.at_level(logging.WARNING, logger="locus.plugins"):
        owner = model_registry().get("same").plugin
    assert owner in {"locus-aaa", "locus-bbb"}
    assert any("registered by both" in r.getMessage() for r in caplog.records)
    loser = ({"locus-aaa", "locus-bbb"} - {owner}).pop()
    provides = {i.name: i.provides for i in plugin_report()}
    assert "same" in provides[owner]["model provider"]
    assert "same" not in provides[loser].get("model provider", []), "the loser provides nothing"


def test_lazy_string_factories_are_imported_on_first_use(make_dist: MakeDist) -> None:
    make_dist(
        "locus-lazy",
        """
        from locus.plugins import hookimpl

        @hookimpl
        def locus_register_models(register):
            register("lazy", "locus_lazy_heavy:Model")
        """,
    )
    assert "lazy" in model_registry()
    assert "locus_lazy_heavy" not in sys.modules
    with pytest.raises(Exception, match="locus_lazy_heavy"):
        get_model("lazy:x")


def test_missing_first_party_provider_names_the_distribution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOCUS_LOAD_PLUGINS", "")  # as if nothing but core were installed
    reset_plugin_manager()
    with pytest.raises(
        PluginNotFoundError,
        match=r"locus-anthropic.*pip install \./packages/locus-core \./packages/locus-anthropic",
    ):
        get_model("anthropic:claude-sonnet-4-5")
    with pytest.raises(
        PluginNotFoundError,
        match=r"locus-checkpoint-postgres.*pip install \./packages/locus-core \./packages/locus-checkpoint-postgres",
    ):
        get_checkpointer("postgresql://127.0.0.1/test")
    reset_plugin_manager()


def test_unknown_provider_suggests_the_closest_name() -> None:
    reset_plugin_manager()
    with pytest.raises(PluginNotFoundError, match="Did you mean 'test'"):
        get_model("tset")


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_bad_model_string_is_a_validation_error(bad: object) -> None:
    with pytest.raises(ValidationError, match="provider:name"):
        get_model(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["threads.db", "", "://x"])
def test_bad_checkpointer_url_is_a_validation_error(bad: str) -> None:
    with pytest.raises(ValidationError, match="scheme://"):
        get_checkpointer(bad)


def test_missing_backend_import_names_the_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCUS_LOAD_PLUGINS", "")
    reset_plugin_manager()
    sys.modules.pop("locus.memory.backends", None)
    with pytest.raises(
        ImportError,
        match=r"locus-checkpoint-redis.*pip install \./packages/locus-core \./packages/locus-checkpoint-redis",
    ):
        from locus.memory.backends import RedisCheckpointer  # noqa: F401
    sys.modules.pop("locus.memory.backends", None)
    reset_plugin_manager()
