"""The one lazily built plugin manager and the registries it fills."""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from locus.core.errors import PluginNotFoundError
from locus.plugins._hookspecs import PROJECT, LocusHookspecs
from locus.plugins._registry import CommandRegistrar, Registry

__all__ = [
    "BUILTIN_PLUGIN",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "backend_registry",
    "checkpointer_registry",
    "command_registry",
    "get_plugin_manager",
    "integration_registry",
    "model_registry",
    "plugin_report",
    "registry",
    "reset_plugin_manager",
    "skill_registry",
    "store_registry",
]

log = logging.getLogger("locus.plugins")

ENTRY_POINT_GROUP = "locus"
"""Entry-point group of plugins; an entry point's name is its distribution name."""

BUILTIN_PLUGIN = "locus-core"
ALLOW_LIST_ENV = "LOCUS_LOAD_PLUGINS"

KNOWN_MODEL_PROVIDERS = {
    "openai": "locus-openai",
    "anthropic": "locus-anthropic",
    "ollama": "locus-ollama",
    "oci": "locus-oci",
}
KNOWN_CHECKPOINTER_SCHEMES = {
    "postgresql": "locus-checkpoint-postgres",
    "postgres": "locus-checkpoint-postgres",
    "redis": "locus-checkpoint-redis",
    "rediss": "locus-checkpoint-redis",
    "oracle": "locus-checkpoint-oracle",
    "opensearch": "locus-checkpoint-opensearch",
    "opensearchs": "locus-checkpoint-opensearch",
    "oci": "locus-oci",
}
KNOWN_STORE_SCHEMES = {
    "postgresql": "locus-checkpoint-postgres",
    "postgres": "locus-checkpoint-postgres",
    "redis": "locus-checkpoint-redis",
    "rediss": "locus-checkpoint-redis",
}
KNOWN_BACKENDS = {
    "PostgresCheckpointer": "locus-checkpoint-postgres",
    "RedisCheckpointer": "locus-checkpoint-redis",
    "OracleCheckpointer": "locus-checkpoint-oracle",
    "OpenSearchCheckpointer": "locus-checkpoint-opensearch",
    "OCIBucketCheckpointer": "locus-oci",
    "oci_bucket_checkpointer": "locus-oci",
}
KNOWN_INTEGRATIONS = {
    "fastmcp": "locus-mcp",
    "otel": "locus-otel",
    "oci": "locus-oci",
    "openai": "locus-openai",
}


@dataclass
class PluginInfo:
    """What ``locus plugins`` reports about one plugin.

    Attributes:
        name: Distribution name (the entry-point name).
        version: Installed version, when known.
        status: ``loaded``, ``failed`` (import or hook error) or ``skipped`` (allow-list).
        hooks: Hook names the plugin implements.
        provides: For each registry kind, the names it registered.
        error: The failure, for a failed plugin.
    """

    name: str
    version: str | None
    status: str = "loaded"
    hooks: list[str] = field(default_factory=list)
    provides: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form, for ``locus plugins --json``."""
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "hooks": self.hooks,
            "provides": self.provides,
            "error": self.error,
        }


class _State:
    def __init__(self) -> None:
        self.pm: pluggy.PluginManager | None = None
        self.infos: dict[str, PluginInfo] = {}
        self.registries: dict[str, Any] = {}
        # hook name -> (kind, known) of registries that plugins declare (LOCUS_REGISTRIES)
        self.declared: dict[str, tuple[str, dict[str, str]]] = {}


_state = _State()
_lock = threading.RLock()


def _allow_list() -> set[str] | None:
    raw = os.environ.get(ALLOW_LIST_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _version(dist_name: str) -> str | None:
    try:
        return metadata.version(dist_name)
    except metadata.PackageNotFoundError:
        return None


def _fail(name: str, error: BaseException | str, *, stage: str) -> None:
    info = _state.infos.setdefault(name, PluginInfo(name, _version(name)))
    if info.status == "failed":
        return
    info.status = "failed"
    info.error = (
        f"{stage}: {type(error).__name__}: {error}"
        if isinstance(error, BaseException)
        else f"{stage}: {error}"
    )
    log.warning("locus plugin %r skipped (%s)", name, info.error)
    pm = _state.pm
    if pm is not None and pm.has_plugin(name):
        pm.unregister(name=name)


def _register_module(pm: pluggy.PluginManager, name: str, module: ModuleType) -> None:
    specs = getattr(module, "LOCUS_HOOKSPECS", None)
    if specs is not None:
        pm.add_hookspecs(specs)
    for hook_name, (kind, known) in getattr(module, "LOCUS_REGISTRIES", {}).items():
        _state.declared[hook_name] = (kind, dict(known))
    pm.register(module, name=name)
    _state.infos[name] = PluginInfo(name, _version(name))


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    allowed = _allow_list()
    seen: set[str] = set()
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in seen or ep.name == BUILTIN_PLUGIN:
            continue
        seen.add(ep.name)
        if allowed is not None and ep.name not in allowed:
            _state.infos[ep.name] = PluginInfo(ep.name, _version(ep.name), status="skipped")
            continue
        try:
            module = ep.load()
            _register_module(pm, ep.name, module)
        except Exception as exc:  # a broken plugin must not take the others down
            _fail(ep.name, exc, stage="import")


def _drop_unknown_hooks(pm: pluggy.PluginManager) -> None:
    for hook_name, caller in list(vars(pm.hook).items()):
        if not hook_name.startswith(f"{PROJECT}_") or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            _fail(
                impl.plugin_name,
                f"implements unknown hook {hook_name!r} (a typo, or it needs a newer locus-core)",
                stage="validate",
            )


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first call.

    Core's built-in plugin is always registered; installed plugins are found
    through the ``locus`` entry-point group, filtered by the
    ``LOCUS_LOAD_PLUGINS`` allow-list (comma-separated distribution names; set
    but empty loads none). A plugin that fails to import is logged once, by
    name, and skipped.
    """
    if _state.pm is not None:
        return _state.pm
    with _lock:
        if _state.pm is not None:
            return _state.pm
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(LocusHookspecs)
        _state.pm = pm
        builtin = importlib.import_module("locus.plugins._builtin")
        _register_module(pm, BUILTIN_PLUGIN, builtin)
        _load_entry_points(pm)
        _drop_unknown_hooks(pm)
        return pm


def reset_plugin_manager() -> None:
    """Forget the manager and every registry, so the next use rediscovers plugins (tests)."""
    with _lock:
        _state.pm = None
        _state.infos = {}
        _state.registries = {}
        _state.declared = {}


def _call_register_hook(hook_name: str, make_register: Callable[[str], Any]) -> None:
    pm = get_plugin_manager()
    caller = getattr(pm.hook, hook_name)
    # Each implementation is called on its own so one plugin's failure is
    # reported against it and the others still register.
    for impl in reversed(caller.get_hookimpls()):
        try:
            impl.function(register=make_register(impl.plugin_name))
        except Exception as exc:
            _fail(impl.plugin_name, exc, stage=hook_name)


def _build_registry(
    kind: str,
    hook_name: str,
    known: dict[str, str],
    adapt: Callable[[Callable[..., bool]], Any] | None = None,
) -> Registry[Any]:
    """The registry a ``locus_register_*`` hook fills, built once per plugin manager.

    ``adapt`` turns the generic ``register(name, target, *, description, **options)``
    into the callback a hook's contract promises (commands take ``help=``).
    """
    existing = _state.registries.get(hook_name)
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    with _lock:
        existing = _state.registries.get(hook_name)
        if existing is not None:
            return existing  # type: ignore[no-any-return]
        registry: Registry[Any] = Registry(kind, known)

        def make_register(plugin: str) -> Any:
            def register(name: str, target: Any, /, **kwargs: Any) -> bool:
                added = registry.add(plugin, name, target, **kwargs)
                info = _state.infos.get(plugin)
                if added and info is not None:
                    info.provides.setdefault(kind, []).append(name)
                return added

            return adapt(register) if adapt is not None else register

        _call_register_hook(hook_name, make_register)
        for name, first, second in registry.conflicts:
            log.warning(
                "%s %r registered by both %r and %r; using %r", kind, name, first, second, first
            )
        _state.registries[hook_name] = registry
        return registry


def model_registry() -> Registry[Any]:
    """Model provider prefixes → factories."""
    return _build_registry("model provider", "locus_register_models", KNOWN_MODEL_PROVIDERS)


def checkpointer_registry() -> Registry[Any]:
    """Checkpointer URL schemes → factories."""
    return _build_registry(
        "checkpointer scheme", "locus_register_checkpointers", KNOWN_CHECKPOINTER_SCHEMES
    )


def backend_registry() -> Registry[Any]:
    """Names published under :mod:`locus.memory.backends`."""
    return _build_registry("memory backend", "locus_register_backends", KNOWN_BACKENDS)


def store_registry() -> Registry[Any]:
    """Cross-thread store URL schemes → factories (``locus.memory.get_store``)."""
    return _build_registry("store scheme", "locus_register_stores", KNOWN_STORE_SCHEMES)


def integration_registry() -> Registry[Any]:
    """Modules served under :mod:`locus.integrations` by name (``fastmcp`` → ``locus.mcp``)."""
    return _build_registry("integration", "locus_register_integrations", KNOWN_INTEGRATIONS)


def skill_registry() -> Registry[Any]:
    """Agent Skills contributed by plugins, by name (``locus.skills.SkillIndex.from_plugins``)."""
    return _build_registry("skill", "locus_register_skills", {})


def _command_register(register: Callable[..., bool]) -> CommandRegistrar:
    def register_command(
        name: str, handler: Any, /, *, help: str = "", configure: Any = None
    ) -> None:
        register(name, handler, description=help, configure=configure)

    return register_command


def command_registry() -> Registry[Any]:
    """CLI subcommands by name: ``target`` is the handler, ``description`` its help,
    ``options["configure"]`` its argument setup."""
    return _build_registry("command", "locus_register_commands", {}, _command_register)


def registry(hook_name: str) -> Registry[Any]:
    """The registry of a hook that a distribution declares with its own hookspec.

    A distribution with its own extension point (locus-rag's
    ``locus_register_vector_stores``) sets, in its plugin module,
    ``LOCUS_HOOKSPECS`` (the spec class) and
    ``LOCUS_REGISTRIES = {hook_name: (kind, known)}``; ``locus plugins`` then
    lists what each plugin registers there too.

    Raises:
        PluginNotFoundError: No loaded plugin declares ``hook_name`` (the
            distribution is missing or was left out by ``LOCUS_LOAD_PLUGINS``).
    """
    get_plugin_manager()
    declared = _state.declared.get(hook_name)
    if declared is None:
        raise PluginNotFoundError(
            f"no loaded plugin declares the hook {hook_name!r}; install the distribution "
            f"that provides it (and check {ALLOW_LIST_ENV} if it is set)"
        )
    kind, known = declared
    return _build_registry(kind, hook_name, known)


def plugin_report() -> list[PluginInfo]:
    """Every plugin seen, with its status, hooks and registrations (builds all registries)."""
    pm = get_plugin_manager()
    model_registry()
    checkpointer_registry()
    backend_registry()
    store_registry()
    skill_registry()
    integration_registry()
    command_registry()
    for hook_name in list(_state.declared):
        registry(hook_name)
    for name, info in _state.infos.items():
        plugin = pm.get_plugin(name)
        if plugin is not None:
            info.hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])
    return sorted(_state.infos.values(), key=lambda i: (i.name != BUILTIN_PLUGIN, i.name))
