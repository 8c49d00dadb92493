"""What a checkpointer stores: a record (envelope text + info) and its info."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CheckpointInfo", "CheckpointRecord"]


class CheckpointInfo(BaseModel):
    """What is known about one checkpoint without loading its state.

    Attributes:
        checkpoint_id: Id of the checkpoint (unique within its thread).
        thread_id: Thread it belongs to.
        parent_id: The thread's latest checkpoint when this one was saved.
        created_at: Unix time it was saved.
        metadata: The ``metadata`` given to ``save``.
        schema_version: Envelope schema version of the stored record.
        expires_at: Unix time after which it is no longer returned, if any.
    """

    model_config = ConfigDict(frozen=True)

    checkpoint_id: str
    thread_id: str
    parent_id: str | None = None
    created_at: float
    metadata: dict[str, Any] = Field(default_factory=dict)
    schema_version: int
    expires_at: float | None = None

    def expired(self, now: float | None = None) -> bool:
        """Whether the checkpoint has outlived its TTL."""
        return self.expires_at is not None and (now if now is not None else time.time()) >= (
            self.expires_at
        )


@dataclass(slots=True)
class CheckpointRecord:
    """One stored checkpoint as a backend reads and writes it.

    Attributes:
        thread_id: Thread id.
        checkpoint_id: Checkpoint id.
        payload: Envelope JSON text (see :mod:`locus.checkpoint.serde`).
        parent_id: Previous latest checkpoint of the thread.
        created_at: Unix time of the save.
        metadata: User metadata (JSON-compatible).
        schema_version: Envelope version of ``payload``.
        expires_at: Expiry time when the checkpointer has a TTL.
    """

    thread_id: str
    checkpoint_id: str
    payload: str
    parent_id: str | None = None
    created_at: float = field(default_factory=time.time)
    metadata: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 1
    expires_at: float | None = None

    def info(self) -> CheckpointInfo:
        """The record's :class:`CheckpointInfo`."""
        return CheckpointInfo(
            checkpoint_id=self.checkpoint_id,
            thread_id=self.thread_id,
            parent_id=self.parent_id,
            created_at=self.created_at,
            metadata=self.metadata,
            schema_version=self.schema_version,
            expires_at=self.expires_at,
        )
