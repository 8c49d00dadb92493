"""Checking ids on the way in and stored fields on the way out, for every backend.

Backends hand what they read (a row, a hash, a file header) to
:func:`decode_record` / :func:`decode_info`; a field that is not what a save
wrote (a ``created_at`` that is not a number, metadata that is not a JSON
object...) raises :class:`~locus.core.errors.CheckpointSerializationError`
naming the thread and the checkpoint, instead of a raw ``ValueError`` or a
silently different record.
"""

from __future__ import annotations

import json
import math
from typing import Any

from locus.checkpoint._records import CheckpointInfo, CheckpointRecord
from locus.core.errors import CheckpointSerializationError, ValidationError

__all__ = [
    "MAX_CHECKPOINT_ID_CHARS",
    "check_checkpoint_id",
    "check_metadata",
    "check_thread_id",
    "checked",
    "corrupt_field",
    "decode_info",
    "decode_metadata",
    "decode_record",
]

MAX_CHECKPOINT_ID_CHARS = 255
"""Longest checkpoint id accepted (every backend stores at least this much)."""


def _check_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{what} must be a non-empty string, got {value!r}")
    if "\x00" in value:
        raise ValidationError(f"{what} must not contain NUL characters, got {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"{what} must be valid Unicode text (it holds a lone surrogate at position "
            f"{exc.start}): {value!r}",
            cause=exc,
        ) from exc
    return value


def check_thread_id(thread_id: Any) -> str:
    """Validate a thread id: a non-empty string of valid Unicode without NUL.

    Raises:
        locus.core.errors.ValidationError: it is not.
    """
    return _check_text(thread_id, "thread_id")


def check_checkpoint_id(checkpoint_id: Any) -> str:
    """Validate a checkpoint id: as a thread id, and at most 255 characters.

    Raises:
        locus.core.errors.ValidationError: it is not.
    """
    _check_text(checkpoint_id, "checkpoint_id")
    if len(checkpoint_id) > MAX_CHECKPOINT_ID_CHARS:
        raise ValidationError(
            f"checkpoint_id must be at most {MAX_CHECKPOINT_ID_CHARS} characters, got "
            f"{len(checkpoint_id)} ({checkpoint_id[:40]!r}...)"
        )
    return str(checkpoint_id)


def corrupt_field(
    thread_id: str, checkpoint_id: Any, name: str, value: Any, why: str = ""
) -> CheckpointSerializationError:
    """The error for a stored field that is not what a save writes."""
    detail = f": {why}" if why else ""
    return CheckpointSerializationError(
        f"checkpoint {checkpoint_id!r} of thread {thread_id!r} has a corrupt {name!r} field "
        f"({value!r:.80}){detail}; the record was damaged outside locus - delete it with "
        f"prune()/delete_thread() or restore it from a backup"
    )


def decode_metadata(
    stored: Any, *, thread_id: str = "?", checkpoint_id: Any = "?"
) -> dict[str, Any]:
    """Checkpoint metadata as a backend stored it (JSON text or a dict) back as a dict.

    Raises:
        locus.core.errors.CheckpointSerializationError: it is not a JSON object.
    """
    if isinstance(stored, dict):
        return stored
    if stored is None or stored in ("", "{}", b"", b"{}"):
        return {}
    if not isinstance(stored, str | bytes):
        raise corrupt_field(thread_id, checkpoint_id, "metadata", stored, "not a JSON object")
    try:
        value = json.loads(stored)
    except (ValueError, RecursionError) as exc:
        raise corrupt_field(thread_id, checkpoint_id, "metadata", stored, str(exc)) from exc
    if not isinstance(value, dict):
        raise corrupt_field(thread_id, checkpoint_id, "metadata", stored, "not a JSON object")
    return value


def _number(thread_id: str, checkpoint_id: Any, name: str, value: Any) -> float:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise corrupt_field(thread_id, checkpoint_id, name, value, "not a number")
    try:
        number = float(value)
    except ValueError as exc:
        raise corrupt_field(thread_id, checkpoint_id, name, value, "not a number") from exc
    if not math.isfinite(number):
        raise corrupt_field(thread_id, checkpoint_id, name, value, "not a finite number")
    return number


def _version(thread_id: str, checkpoint_id: Any, value: Any) -> int:
    number = _number(thread_id, checkpoint_id, "v", value)
    if number != int(number) or number < 0:
        raise corrupt_field(thread_id, checkpoint_id, "v", value, "not a schema version")
    return int(number)


def decode_record(
    thread_id: str,
    checkpoint_id: Any,
    *,
    payload: Any,
    parent_id: Any,
    created_at: Any,
    expires_at: Any,
    schema_version: Any,
    metadata: Any,
) -> CheckpointRecord:
    """A :class:`CheckpointRecord` from stored fields, each checked.

    ``parent_id`` and ``expires_at`` may be ``None`` or ``""`` (none).

    Raises:
        locus.core.errors.CheckpointSerializationError: a field is corrupt; the
            message names the thread, the checkpoint and the field.
    """
    if not isinstance(checkpoint_id, str) or not checkpoint_id:
        raise corrupt_field(thread_id, checkpoint_id, "checkpoint_id", checkpoint_id)
    if parent_id is not None and not isinstance(parent_id, str):
        raise corrupt_field(thread_id, checkpoint_id, "parent_id", parent_id, "not a string")
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", "replace")
    if not isinstance(payload, str):
        raise corrupt_field(thread_id, checkpoint_id, "payload", payload, "not text")
    return CheckpointRecord(
        thread_id=thread_id,
        checkpoint_id=checkpoint_id,
        payload=payload,
        parent_id=parent_id or None,
        created_at=_number(thread_id, checkpoint_id, "created_at", created_at),
        expires_at=(
            None
            if expires_at is None or expires_at == ""
            else _number(thread_id, checkpoint_id, "expires_at", expires_at)
        ),
        schema_version=_version(thread_id, checkpoint_id, schema_version),
        metadata=decode_metadata(metadata, thread_id=thread_id, checkpoint_id=checkpoint_id),
    )


def decode_info(
    thread_id: str,
    checkpoint_id: Any,
    *,
    parent_id: Any,
    created_at: Any,
    expires_at: Any,
    schema_version: Any,
    metadata: Any,
) -> CheckpointInfo:
    """A :class:`CheckpointInfo` from stored fields, each checked as in :func:`decode_record`."""
    return decode_record(
        thread_id,
        checkpoint_id,
        payload="",
        parent_id=parent_id,
        created_at=created_at,
        expires_at=expires_at,
        schema_version=schema_version,
        metadata=metadata,
    ).info()


def checked(record: CheckpointRecord) -> CheckpointRecord:
    """``record`` with every field checked (backends that keep records as objects)."""
    return decode_record(
        record.thread_id,
        record.checkpoint_id,
        payload=record.payload,
        parent_id=record.parent_id,
        created_at=record.created_at,
        expires_at=record.expires_at,
        schema_version=record.schema_version,
        metadata=record.metadata,
    )


def check_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """A JSON-compatible deep copy of save metadata.

    Raises:
        locus.core.errors.CheckpointSerializationError: it is not JSON-compatible.
    """
    try:
        copied: dict[str, Any] = json.loads(json.dumps(metadata))
    except (TypeError, ValueError, RecursionError) as exc:
        raise CheckpointSerializationError(
            f"checkpoint metadata must be JSON-compatible (str keys; str/number/bool/None/"
            f"list/dict values): {exc}",
            cause=exc,
        ) from exc
    return copied
