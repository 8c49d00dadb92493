"""The locus plugin system (pluggy, project and entry-point group ``locus``).

A plugin is a module with ``locus_register_*`` functions decorated with
:data:`hookimpl`, declared by its distribution as an entry point::

    [project.entry-points.locus]
    locus-echo = "locus_echo.plugin"

    # locus_echo/plugin.py
    from locus.plugins import hookimpl

    @hookimpl
    def locus_register_models(register):
        register("echo", "locus_echo.model:EchoModel")

Core's own models, checkpointers and commands register through the same hooks.
See ``docs/plugins.md`` for each hook's contract.
"""

from locus.plugins._hookspecs import LocusHookspecs, hookimpl, hookspec
from locus.plugins._manager import (
    ALLOW_LIST_ENV,
    BUILTIN_PLUGIN,
    ENTRY_POINT_GROUP,
    PluginInfo,
    backend_registry,
    checkpointer_registry,
    command_registry,
    get_plugin_manager,
    integration_registry,
    model_registry,
    plugin_report,
    registry,
    reset_plugin_manager,
    skill_registry,
    store_registry,
)
from locus.plugins._registry import Entry, Registry, resolve_target

__all__ = [
    "ALLOW_LIST_ENV",
    "BUILTIN_PLUGIN",
    "ENTRY_POINT_GROUP",
    "Entry",
    "LocusHookspecs",
    "PluginInfo",
    "Registry",
    "backend_registry",
    "checkpointer_registry",
    "command_registry",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "integration_registry",
    "model_registry",
    "plugin_report",
    "registry",
    "reset_plugin_manager",
    "resolve_target",
    "skill_registry",
    "store_registry",
]
