"""Hook specifications of locus core.

Every hook receives a ``register`` callback and calls it once per thing it
provides (the pattern of simonw/llm): the host can add keyword parameters to
``register`` later without breaking plugins. Hooks are called with keyword
arguments; implementations may accept fewer parameters than the spec.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from locus.plugins._registry import CommandRegistrar, Registrar

__all__ = ["LocusHookspecs", "hookimpl", "hookspec"]

PROJECT = "locus"

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marker for locus hook specifications (also for distributions adding their own)."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marker for locus hook implementations: decorate ``locus_register_*`` functions with it."""


class LocusHookspecs:
    """The hooks locus core calls."""

    @hookspec
    def locus_register_models(self, register: Registrar) -> None:
        """Register model providers by prefix.

        Call ``register(prefix, factory, *, description="")`` for each
        provider. ``factory(model_name, **options)`` returns a
        :class:`~locus.core.protocols.ModelProtocol`; ``get_model("openai:gpt-4.1")``
        calls the ``openai`` factory with ``"gpt-4.1"``. ``factory`` may be a
        ``"module:attribute"`` string, imported on first use, so the plugin
        module stays cheap to import. Registering a prefix twice keeps the
        first and reports the second as a conflict.
        """

    @hookspec
    def locus_register_checkpointers(self, register: Registrar) -> None:
        """Register checkpointers by URL scheme.

        Call ``register(scheme, factory, *, description="")``;
        ``factory(url, **options)`` returns a checkpointer for a URL such as
        ``"postgresql://host/db"``. ``factory`` may be a ``"module:attribute"`` string.
        """

    @hookspec
    def locus_register_backends(self, register: Registrar) -> None:
        """Publish names under :mod:`locus.memory.backends`.

        Call ``register(name, obj)`` (``obj`` a class, a factory function or a
        ``"module:attribute"`` string) so that
        ``from locus.memory.backends import <name>`` resolves to it, e.g.
        ``register("RedisCheckpointer", "locus.checkpoint.redis:RedisCheckpointer")``.
        """

    @hookspec
    def locus_register_stores(self, register: Registrar) -> None:
        """Register cross-thread stores (:class:`locus.memory.BaseStore`) by URL scheme.

        Call ``register(scheme, factory, *, description="")``;
        ``factory(url, **options)`` returns a store for a URL such as
        ``"postgresql://host/db"`` (``locus.memory.get_store(url)``).
        ``factory`` may be a ``"module:attribute"`` string.
        """

    @hookspec
    def locus_register_integrations(self, register: Registrar) -> None:
        """Serve a module under :mod:`locus.integrations`.

        Call ``register(name, module)`` with ``module`` the import path of the
        module whose public names ``locus.integrations.<name>`` re-exports, e.g.
        ``register("fastmcp", "locus.mcp")`` so that
        ``from locus.integrations.fastmcp import MCPClient`` resolves to
        ``locus.mcp.MCPClient``. Core ships a façade module per known name.
        """

    @hookspec
    def locus_register_skills(self, register: Registrar) -> None:
        """Contribute Agent Skills (:class:`locus.skills.Skill`) by name.

        Call ``register(name, target, *, description="")`` with ``target`` a
        :class:`~locus.skills.Skill`, a :class:`pathlib.Path` to a skill folder
        (one holding ``SKILL.md``), or a ``"module:attribute"`` string naming
        either. ``SkillIndex.from_plugins()`` loads them.
        """

    @hookspec
    def locus_register_commands(self, register: CommandRegistrar) -> None:
        """Add subcommands to the ``locus`` CLI.

        Call ``register(name, handler, *, help="", configure=None)``.
        ``configure(parser)`` adds arguments to the subcommand's
        :class:`argparse.ArgumentParser`; ``handler(args)`` runs it and returns
        an exit code. ``locus serve`` is registered this way by locus-server.
        """
