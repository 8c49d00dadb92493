"""Compare-and-set on OpenSearch: one *claim* document per (thread, parent).

OpenSearch has no multi-document transaction, but creating a document with
``op_type=create`` is atomic: exactly one of several writers creates a given
id, the others get 409 Conflict. A compare-and-set save first creates the
claim ``sha256(thread, parent)`` in ``<index>-claims``; only the writer that
created it writes its checkpoint as the parent's child. Deleting checkpoints
deletes the claims naming them, so a rolled-back parent can be built on again.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["STALE_CLAIM_SECONDS", "claim_body", "claim_id", "claims_index", "claims_mapping"]

STALE_CLAIM_SECONDS = 30.0
"""A claim whose checkpoint never appeared after this long (its writer died) is replaced."""


def claims_index(index: str) -> str:
    """The claims index next to the checkpoint index ``index``."""
    return f"{index}-claims"


def claims_mapping() -> dict[str, Any]:
    """Mapping of the claims index."""
    return {
        "_meta": {"locus_schema": 1},
        "dynamic": "strict",
        "properties": {
            "thread_id": {"type": "keyword"},
            "parent_id": {"type": "keyword"},
            "child_id": {"type": "keyword"},
            "ts": {"type": "double"},
        },
    }


def claim_id(thread_id: str, parent_id: str | None) -> str:
    """Document id of the claim on ``parent_id``'s child (``None``: the thread's first)."""
    parent = "\x01root" if parent_id is None else f"\x02{parent_id}"
    return hashlib.sha256(f"{thread_id}\x00claim\x00{parent}".encode()).hexdigest()


def claim_body(thread_id: str, parent_id: str | None, child_id: str, now: float) -> dict[str, Any]:
    """The claim document."""
    return {"thread_id": thread_id, "parent_id": parent_id, "child_id": child_id, "ts": now}
