"""Checkpointers: durable agent state.

``locus.checkpoint`` is namespace-extensible: backend distributions add
``locus.checkpoint.postgres``, ``locus.checkpoint.redis``... Core ships the
base contract, the in-memory, file and SQLite backends, and
:func:`get_checkpointer`, which resolves a URL through the plugin registry.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError

if TYPE_CHECKING:
    from locus.checkpoint._base import (
        ANY_PARENT,
        BaseCheckpointer,
        CheckpointInfo,
        CheckpointRecord,
    )
    from locus.checkpoint._decode import (
        check_checkpoint_id,
        check_thread_id,
        corrupt_field,
        decode_info,
        decode_metadata,
        decode_record,
    )
    from locus.checkpoint._lease import ThreadLease
    from locus.checkpoint._thread_run import OnBusy, ThreadRun
    from locus.checkpoint.file import FileCheckpointer
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.checkpoint.serde import SCHEMA_VERSION, MigrationRegistry, Serde, migration
    from locus.checkpoint.sqlite import SQLiteCheckpointer

__all__ = [
    "ANY_PARENT",
    "SCHEMA_VERSION",
    "BaseCheckpointer",
    "CheckpointInfo",
    "CheckpointRecord",
    "FileCheckpointer",
    "MemoryCheckpointer",
    "MigrationRegistry",
    "OnBusy",
    "SQLiteCheckpointer",
    "Serde",
    "ThreadLease",
    "ThreadRun",
    "check_checkpoint_id",
    "check_thread_id",
    "corrupt_field",
    "decode_info",
    "decode_metadata",
    "decode_record",
    "get_checkpointer",
    "migration",
]

_LAZY = {
    "ANY_PARENT": "locus.checkpoint._base",
    "ThreadLease": "locus.checkpoint._lease",
    "OnBusy": "locus.checkpoint._thread_run",
    "ThreadRun": "locus.checkpoint._thread_run",
    "BaseCheckpointer": "locus.checkpoint._base",
    "CheckpointInfo": "locus.checkpoint._base",
    "CheckpointRecord": "locus.checkpoint._base",
    "check_checkpoint_id": "locus.checkpoint._decode",
    "check_thread_id": "locus.checkpoint._decode",
    "corrupt_field": "locus.checkpoint._decode",
    "decode_info": "locus.checkpoint._decode",
    "decode_metadata": "locus.checkpoint._decode",
    "decode_record": "locus.checkpoint._decode",
    "FileCheckpointer": "locus.checkpoint.file",
    "MemoryCheckpointer": "locus.checkpoint.memory",
    "SQLiteCheckpointer": "locus.checkpoint.sqlite",
    "SCHEMA_VERSION": "locus.checkpoint.serde",
    "MigrationRegistry": "locus.checkpoint.serde",
    "Serde": "locus.checkpoint.serde",
    "migration": "locus.checkpoint.serde",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.checkpoint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
