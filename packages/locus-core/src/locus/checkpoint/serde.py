"""The versioned serialisation envelope every checkpointer stores.

A checkpoint payload is one JSON document::

    {"v": 1, "state": {...AgentState...}}

``v`` is the schema version of the envelope. Records written by an older
locus load through the migrations registered with :func:`migration`; a
record from a *newer* schema fails closed with
:class:`~locus.core.errors.CheckpointSerializationError` (upgrade locus to
read it) instead of silently dropping fields it does not know.

Example:
    >>> from locus.checkpoint.serde import Serde
    >>> from locus.core.state import AgentState
    >>> serde = Serde()
    >>> payload = serde.dumps(AgentState(iteration=3))
    >>> serde.loads(payload, thread_id="t", checkpoint_id="c").iteration
    3
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticSerializationError

from locus.core.errors import CheckpointSerializationError, ConfigError
from locus.core.state import AgentState

__all__ = [
    "SCHEMA_VERSION",
    "Migration",
    "MigrationRegistry",
    "Serde",
    "default_migrations",
    "migration",
]

SCHEMA_VERSION = 1
"""Envelope schema version this locus writes."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Upgrades an envelope dict by one version (returns the new envelope)."""

# JSON text of an envelope starts with its version: ours is written that way,
# and PostgreSQL's JSONB orders keys by length so "v" comes first there too.
_VERSION_PREFIX = re.compile(rb'\A\s*\{\s*"v"\s*:\s*(\d+)\s*,')
_VERSION_PREFIX_STR = re.compile(r'\A\s*\{\s*"v"\s*:\s*(\d+)\s*,')


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    v: int
    state: AgentState


class MigrationRegistry:
    """Migrations between envelope versions, one step at a time.

    Each migration upgrades version ``n`` to ``n + 1``; loading a ``v1`` record
    into a ``v3`` locus runs ``1 -> 2`` then ``2 -> 3``.
    """

    def __init__(self) -> None:
        self._steps: dict[int, Migration] = {}

    def register(self, from_: int, to: int, fn: Migration) -> Migration:
        """Register ``fn`` upgrading envelopes of version ``from_`` to ``to``.

        Raises:
            locus.core.errors.ConfigError: ``to`` is not ``from_ + 1`` or a
                migration for ``from_`` already exists.
        """
        if to != from_ + 1:
            raise ConfigError(
                f"a checkpoint migration upgrades one version at a time; got {from_} -> {to} "
                f"(register {from_} -> {from_ + 1} and chain the next step)"
            )
        if from_ in self._steps:
            raise ConfigError(f"a checkpoint migration from version {from_} is already registered")
        self._steps[from_] = fn
        return fn

    def unregister(self, from_: int) -> None:
        """Remove the migration starting at ``from_`` (no-op when absent)."""
        self._steps.pop(from_, None)

    def upgrade(self, envelope: dict[str, Any], target: int) -> dict[str, Any]:
        """Apply migrations to ``envelope`` until it reaches ``target``.

        Raises:
            KeyError: a step is missing (the caller turns it into a clear error).
        """
        version = int(envelope["v"])
        while version < target:
            envelope = self._steps[version](dict(envelope))
            version += 1
            envelope["v"] = version
        return envelope


default_migrations = MigrationRegistry()
"""The process-wide registry :func:`migration` adds to."""


def migration(*, from_: int, to: int) -> Callable[[Migration], Migration]:
    """Decorator registering an envelope migration in :data:`default_migrations`.

    Example:
        >>> @migration(from_=0, to=1)  # doctest: +SKIP
        ... def _add_status(env):
        ...     env["state"].setdefault("status", "running")
        ...     return env
    """

    def deco(fn: Migration) -> Migration:
        return default_migrations.register(from_, to, fn)

    return deco


class Serde:
    """Encodes :class:`AgentState` into the envelope and back.

    Args:
        schema_version: Version written and expected (defaults to
            :data:`SCHEMA_VERSION`; tests of migrations set a higher one).
        migrations: Registry used to upgrade older records.
    """

    def __init__(
        self,
        schema_version: int = SCHEMA_VERSION,
        migrations: MigrationRegistry | None = None,
    ) -> None:
        self.schema_version = schema_version
        self.migrations = migrations if migrations is not None else default_migrations
        self._head = f'{{"v":{schema_version},"state":'

    def dumps(self, state: AgentState) -> str:
        """Serialise ``state`` to envelope JSON text.

        Raises:
            locus.core.errors.CheckpointSerializationError: ``state`` holds a
                value that cannot be written as JSON (nested too deep, a
                non-JSON object); nothing is stored.
        """
        try:
            return self._head + state.model_dump_json() + "}"
        except (PydanticSerializationError, ValueError, TypeError, RecursionError) as exc:
            raise CheckpointSerializationError(
                f"cannot checkpoint the state of thread {state.thread_id!r}: {exc} (tool "
                "arguments and results are bounded by locus.core.limits.Limits; values "
                "set on the state directly must be JSON-compatible and less deeply nested)",
                cause=exc,
            ) from exc

    def loads(
        self,
        payload: str | bytes | Mapping[str, Any],
        *,
        thread_id: str,
        checkpoint_id: str,
    ) -> AgentState:
        """Decode an envelope (JSON text, bytes or an already parsed mapping).

        Raises:
            locus.core.errors.CheckpointSerializationError: the record is
                corrupt, not a locus envelope, from a newer schema, or an
                older one with no migration path; the message names the thread
                and checkpoint.
        """
        where = f"checkpoint {checkpoint_id!r} of thread {thread_id!r}"
        if isinstance(payload, str | bytes):
            if self.version_of(payload) == self.schema_version:  # fast path: validate the JSON text
                try:
                    return _Envelope.model_validate_json(payload).state
                except PydanticValidationError as exc:
                    if _too_deep_for_fast_path(exc):
                        return self._loads_deep(payload, where)
                    raise CheckpointSerializationError(
                        f"{where} is corrupt or not a locus checkpoint: {_short(exc)}", cause=exc
                    ) from exc
            try:
                parsed = json.loads(payload)
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:
                raise CheckpointSerializationError(
                    f"{where} is corrupt (not valid JSON): {exc}", cause=exc
                ) from exc
        else:
            parsed = payload
        return self._from_obj(parsed, where)

    def _loads_deep(self, payload: str | bytes, where: str) -> AgentState:
        """Decode JSON nested deeper than the fast parser allows (whatever ``dumps`` wrote)."""
        try:
            parsed = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise CheckpointSerializationError(
                f"{where} is corrupt or nested too deep to read: {exc}", cause=exc
            ) from exc
        return self._from_obj(parsed, where)

    def version_of(self, payload: str | bytes) -> int | None:
        """The envelope version of JSON text, read from its prefix (``None`` if unknown)."""
        match = (
            _VERSION_PREFIX_STR.match(payload)
            if isinstance(payload, str)
            else _VERSION_PREFIX.match(payload)
        )
        return int(match.group(1)) if match else None

    def _from_obj(self, parsed: Any, where: str) -> AgentState:
        if not isinstance(parsed, Mapping) or not isinstance(parsed.get("v"), int):
            raise CheckpointSerializationError(
                f"{where} is not a locus checkpoint envelope (no integer 'v' field); "
                "was it written by another program?"
            )
        version: int = parsed["v"]
        if version > self.schema_version:
            raise CheckpointSerializationError(
                f"{where} was written with checkpoint schema v{version}, newer than this "
                f"locus reads (v{self.schema_version}); upgrade locus-core to load it"
            )
        envelope = dict(parsed)
        if version < self.schema_version:
            try:
                envelope = self.migrations.upgrade(envelope, self.schema_version)
            except KeyError as exc:
                raise CheckpointSerializationError(
                    f"{where} uses checkpoint schema v{version} and no migration from "
                    f"v{exc.args[0]} is registered (this locus reads v{self.schema_version})",
                    cause=exc,
                ) from exc
            except Exception as exc:
                raise CheckpointSerializationError(
                    f"migrating {where} from schema v{version} failed: {exc}", cause=exc
                ) from exc
        try:
            return _Envelope.model_validate(envelope).state
        except PydanticValidationError as exc:
            raise CheckpointSerializationError(
                f"{where} is corrupt or not a locus checkpoint: {_short(exc)}", cause=exc
            ) from exc


def _too_deep_for_fast_path(exc: PydanticValidationError) -> bool:
    return any("recursion limit" in str(e.get("msg", "")) for e in exc.errors())


def _short(exc: PydanticValidationError) -> str:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": str(exc)}
    loc = ".".join(str(p) for p in first.get("loc", ()))
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{loc}: {first.get('msg')}{more}"
