"""Record hashes: their fields and their decoding into records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from locus.checkpoint import CheckpointRecord, corrupt_field, decode_record

__all__ = ["INFO_FIELDS", "RECORD_FIELDS", "decode", "expired", "text"]

INFO_FIELDS = ("parent", "ts", "exp", "v", "m")
"""Hash fields of a checkpoint's info, in :func:`decode`'s order."""
RECORD_FIELDS = ("p", *INFO_FIELDS)
"""The payload field ``p`` then :data:`INFO_FIELDS`."""


def expired(fields: Sequence[Any]) -> bool:
    """Every field gone: Redis expired the record (a partial hash is corrupt, not expired)."""
    return all(x is None for x in fields)


def decode(
    thread_id: str, checkpoint_id: str, fields: Sequence[Any], payload: str
) -> CheckpointRecord:
    """A record from a hash's :data:`INFO_FIELDS` values and its payload (fields checked)."""
    parent, created, expires, version, meta = fields
    if parent is None:  # every save writes it ('' for the first checkpoint)
        raise corrupt_field(thread_id, checkpoint_id, "parent", None, "missing from the hash")
    return decode_record(
        thread_id,
        checkpoint_id,
        payload=payload,
        parent_id=text(parent),
        created_at=None if created is None else text(created),
        expires_at=text(expires),
        schema_version=None if version is None else text(version),
        metadata=text(meta),
    )


def text(value: Any) -> str:
    """A reply value as text (``None`` is ``""``)."""
    if isinstance(value, bytes):
        return value.decode()
    return "" if value is None else str(value)
