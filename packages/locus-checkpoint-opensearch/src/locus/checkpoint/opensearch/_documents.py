"""Checkpoint documents: the index mapping and their decoding into records."""

from __future__ import annotations

import json
from typing import Any

from locus.checkpoint import CheckpointRecord, decode_record

__all__ = ["INDEX_SCHEMA_VERSION", "INFO_SOURCE", "info_kwargs", "mapping", "source_record"]

INDEX_SCHEMA_VERSION = 1
"""Version of the index mapping :meth:`OpenSearchCheckpointer.setup` creates."""

INFO_SOURCE = [
    "thread_id",
    "checkpoint_id",
    "parent_id",
    "created_at",
    "expires_at",
    "v",
    "metadata",
]


def mapping() -> dict[str, Any]:
    """The index mapping (``payload`` is stored, never indexed)."""
    return {
        "_meta": {"locus_schema": INDEX_SCHEMA_VERSION},
        "dynamic": "strict",
        "properties": {
            "thread_id": {"type": "keyword"},
            "checkpoint_id": {"type": "keyword"},
            "parent_id": {"type": "keyword", "index": False},
            "seq": {"type": "long"},
            "created_at": {"type": "double"},
            "expires_at": {"type": "double"},
            "v": {"type": "integer"},
            "metadata": {"type": "object", "enabled": False},
            "payload": {"type": "text", "index": False},
        },
    }


def source_record(thread_id: str, source: dict[str, Any]) -> CheckpointRecord:
    """A record from a document's ``_source`` (each stored field checked)."""
    payload = source.get("payload")
    return decode_record(
        thread_id,
        source.get("checkpoint_id"),
        payload=payload if isinstance(payload, str) else json.dumps(payload),
        **info_kwargs(source),
    )


def info_kwargs(source: dict[str, Any]) -> dict[str, Any]:
    """Stored fields as :func:`~locus.checkpoint.decode_info` takes them (it checks them)."""
    return {
        "parent_id": source.get("parent_id"),
        "created_at": source.get("created_at"),
        "expires_at": source.get("expires_at"),
        "schema_version": source.get("v"),
        "metadata": source.get("metadata"),
    }
