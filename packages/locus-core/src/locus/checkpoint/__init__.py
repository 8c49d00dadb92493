"""Checkpointers: durable agent state.

``locus.checkpoint`` is namespace-extensible: backend distributions add
``locus.checkpoint.postgres``, ``locus.checkpoint.redis``... Core ships the
base contract, the in-memory, file and SQLite backends, and
:func:`get_checkpointer`, which resolves a URL through the plugin registry.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from typing import Any

from locus.core.errors import ValidationError

__all__ = ["get_checkpointer"]


def get_checkpointer(url: str, **options: Any) -> Any:
    """Build the checkpointer a URL names.

    Args:
        url: ``"memory://"``, ``"file:///var/lib/locus"``, ``"sqlite:///threads.db"``,
            or a scheme a plugin registers (``"postgresql://..."``, ``"redis://..."``).
        **options: Passed to the backend's factory.

    Raises:
        locus.core.errors.ValidationError: ``url`` has no scheme.
        locus.core.errors.PluginNotFoundError: no installed plugin handles the
            scheme; the message names the distribution to install.
    """
    from locus.plugins import checkpointer_registry

    scheme, sep, _ = url.partition("://") if isinstance(url, str) else ("", "", "")
    if not sep or not scheme:
        raise ValidationError(
            f"checkpointer URL must look like 'scheme://...', got {url!r} "
            "(e.g. 'sqlite:///threads.db', 'memory://', 'postgresql://host/db')"
        )
    scheme = scheme.lower().split("+", 1)[0]
    factory = checkpointer_registry().get(scheme).load()
    return factory(url, **options)
