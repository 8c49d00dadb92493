"""Rows of the checkpoints table: bind parameters of a save, records from a read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from locus.checkpoint import CheckpointRecord, decode_record

__all__ = ["insert_params", "row_record"]


def insert_params(record: CheckpointRecord) -> dict[str, Any]:
    """The bind parameters of a checkpoint insert."""
    return {
        "t": record.thread_id,
        "c": record.checkpoint_id,
        "created": record.created_at,
        "expires": record.expires_at,
        "v": record.schema_version,
        "meta": json.dumps(record.metadata) if record.metadata else "{}",
        "payload": record.payload,
    }


def row_record(thread_id: str, row: Sequence[Any]) -> CheckpointRecord:
    """A record from a row of ``COLUMNS, payload`` (each stored field checked)."""
    return decode_record(
        thread_id,
        row[1],
        parent_id=row[2],
        created_at=row[3],
        expires_at=row[4],
        schema_version=row[5],
        metadata=row[6],
        payload=row[7],
    )
