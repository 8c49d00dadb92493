"""Reading delta chains back: a load reassembles, ``load_record`` and prune materialise.

Every function takes the checkpointer and uses only its storage primitives
(:meth:`_read_many`, :meth:`_write`), so every backend gets delta
checkpoints without code of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from locus.checkpoint._decode import checked
from locus.checkpoint._delta import (
    Base,
    Delta,
    apply_json,
    apply_typed,
    is_delta,
    parse_delta,
    parse_delta_json,
    remember,
    rest_of,
)
from locus.checkpoint._records import CheckpointRecord
from locus.core._edits import current_epoch
from locus.core.errors import CheckpointSerializationError
from locus.core.state import AgentState

if TYPE_CHECKING:
    from locus.checkpoint._storage import CheckpointStorage

__all__ = ["Loaded", "ancestors_of", "before_replace", "materialise", "protect", "resolve"]

T = TypeVar("T")


@dataclass(slots=True)
class Loaded:
    """A reassembled state with what a later delta on it needs to know."""

    state: AgentState
    version: int
    ancestors: tuple[str, ...]
    full_bytes: int
    chain_bytes: int

    def base(self, record: CheckpointRecord) -> Base:
        """The :class:`Base` a later save diffs against (``record`` is what was read)."""
        return remember(
            self.state,
            record.checkpoint_id,
            version=self.version,
            ancestors=self.ancestors,
            rest=rest_of(self.state),
            full_bytes=self.full_bytes,
            chain_bytes=self.chain_bytes,
            expires_at=record.expires_at,
            created_at=record.created_at,
            size=len(record.payload),
            epoch=current_epoch(),  # the items are new: no one could edit them yet
        )


def _typed(record: CheckpointRecord) -> tuple[str, Delta]:
    delta = parse_delta(record.payload, record.thread_id, record.checkpoint_id)
    return delta.bs, delta


def _json(record: CheckpointRecord) -> tuple[str, dict[str, Any]]:
    delta = parse_delta_json(record.payload, record.thread_id, record.checkpoint_id)
    return delta["bs"], delta


def _where(record: CheckpointRecord) -> str:
    return f"checkpoint {record.checkpoint_id!r} of thread {record.thread_id!r}"


async def _ancestors(
    cp: CheckpointStorage,
    head: CheckpointRecord,
    ids: list[str],
    parse: Callable[[CheckpointRecord], tuple[str, T]],
) -> tuple[CheckpointRecord, list[tuple[CheckpointRecord, T]]]:
    """The chain's snapshot and the deltas after it (oldest first, parsed), ``head`` excluded."""
    found = {r.checkpoint_id: r for r in await cp._read_many(head.thread_id, ids)}
    deltas: list[tuple[CheckpointRecord, T]] = []
    for i in range(len(ids) - 1, -1, -1):
        record = found.get(ids[i])
        if record is None:
            raise CheckpointSerializationError(
                f"{_where(head)} is a delta whose base {ids[i]!r} is missing from the store "
                "(deleted outside locus or by another process); the checkpoint cannot be "
                "reassembled - load an older one or delete it with prune()"
            )
        record = checked(record)
        if not is_delta(record.payload):
            deltas.reverse()
            return record, deltas
        base, parsed = parse(record)
        if i and base != ids[i - 1]:
            raise CheckpointSerializationError(
                f"{_where(head)} is a delta built on {ids[i]!r}, which was replaced by a "
                "checkpoint with another base; the chain is broken"
            )
        deltas.append((record, parsed))
    raise CheckpointSerializationError(
        f"{_where(head)} is a delta whose chain holds no full snapshot (corrupt chain)"
    )


async def resolve(cp: CheckpointStorage, record: CheckpointRecord) -> Loaded:
    """The state of ``record`` (a snapshot or a delta), migrated to the current schema.

    Raises:
        locus.core.errors.CheckpointSerializationError: a record of the chain
            is corrupt or missing; the message names the thread and checkpoint.
    """
    serde = cp.serde
    if not is_delta(record.payload):
        state = serde.loads(
            record.payload, thread_id=record.thread_id, checkpoint_id=record.checkpoint_id
        )
        return Loaded(state, record.schema_version, (), len(record.payload), 0)
    head = parse_delta(record.payload, record.thread_id, record.checkpoint_id)
    ids = [*head.ch, head.bs]
    if head.v != serde.schema_version:
        snapshot, older = await _ancestors(cp, record, ids, _json)
        return _resolve_json(cp, record, snapshot, [r for r, _ in older], ids)
    snapshot, middle = await _ancestors(cp, record, ids, _typed)
    deltas = [(r.checkpoint_id, d) for r, d in middle]
    deltas.append((record.checkpoint_id, head))
    for cid, delta in deltas:
        if delta.v != snapshot.schema_version:
            raise CheckpointSerializationError(
                f"checkpoint {cid!r} of thread {record.thread_id!r} is a delta of schema "
                f"v{delta.v} on a snapshot of v{snapshot.schema_version} (corrupt chain)"
            )
    base = serde.loads(
        snapshot.payload, thread_id=snapshot.thread_id, checkpoint_id=snapshot.checkpoint_id
    )
    state = apply_typed(base, deltas, record.thread_id)
    chain_bytes = sum(len(r.payload) for r, _ in middle) + len(record.payload)
    start = ids.index(snapshot.checkpoint_id)
    return Loaded(
        state,
        head.v,
        tuple(ids[start:]),
        len(snapshot.payload) + chain_bytes,
        chain_bytes,
    )


def _resolve_json(
    cp: CheckpointStorage,
    head: CheckpointRecord,
    snapshot: CheckpointRecord,
    middle: Sequence[CheckpointRecord],
    ids: list[str],
) -> Loaded:
    envelope = _full_envelope(snapshot, [*middle, head])
    state = cp.serde.loads(envelope, thread_id=head.thread_id, checkpoint_id=head.checkpoint_id)
    version = int(envelope["v"])
    return Loaded(state, version, tuple(ids), 0, 0)  # an old chain: the next save snapshots


def _full_envelope(
    snapshot: CheckpointRecord, deltas: Sequence[CheckpointRecord]
) -> dict[str, Any]:
    try:
        envelope = json.loads(snapshot.payload)
    except (ValueError, RecursionError) as exc:
        raise CheckpointSerializationError(
            f"{_where(snapshot)} is corrupt (not valid JSON): {exc}", cause=exc
        ) from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("v"), int):
        raise CheckpointSerializationError(
            f"{_where(snapshot)} is not a locus checkpoint envelope (no integer 'v' field)"
        )
    parsed = [
        (r.checkpoint_id, parse_delta_json(r.payload, r.thread_id, r.checkpoint_id)) for r in deltas
    ]
    for cid, delta in parsed:
        if delta["v"] != envelope["v"]:
            raise CheckpointSerializationError(
                f"checkpoint {cid!r} of thread {snapshot.thread_id!r} is a delta of schema "
                f"v{delta['v']} on a snapshot of v{envelope['v']} (corrupt chain)"
            )
    return apply_json(envelope, parsed, snapshot.thread_id)


async def materialise(cp: CheckpointStorage, record: CheckpointRecord) -> CheckpointRecord:
    """``record`` as a full envelope (itself when it is a snapshot), not migrated.

    Raises:
        locus.core.errors.CheckpointSerializationError: as :func:`resolve`.
    """
    if not is_delta(record.payload):
        return record
    head = parse_delta_json(record.payload, record.thread_id, record.checkpoint_id)
    snapshot, middle = await _ancestors(cp, record, [*head["ch"], head["bs"]], _json)
    envelope = _full_envelope(snapshot, [*[r for r, _ in middle], record])
    text = f'{{"v":{int(envelope["v"])},"state":{json.dumps(envelope["state"])}}}'
    return replace(record, payload=text, schema_version=int(envelope["v"]))


def ancestors_of(record: CheckpointRecord) -> list[str] | None:
    """The ids a delta needs (oldest first); ``None`` for a snapshot or an unreadable delta."""
    if not is_delta(record.payload):
        return None
    try:
        head = parse_delta_json(record.payload, record.thread_id, record.checkpoint_id)
    except CheckpointSerializationError:
        return None  # a corrupt delta stays as it is; loading it names it
    return [str(i) for i in [*head["ch"], head["bs"]]]


async def protect(
    cp: CheckpointStorage, thread_id: str, kept: Sequence[str], doomed: Sequence[str]
) -> int:
    """Before ``doomed`` checkpoints are deleted, make every kept one loadable without them.

    ``kept`` is newest first (as :meth:`history` lists it). A kept delta whose
    chain reaches a doomed checkpoint is rewritten as a full snapshot; to keep
    the thread's order, it and every newer kept checkpoint are written again,
    oldest first (backends that link parents relink them in that order).

    Returns:
        How many checkpoints were rewritten.
    """
    gone = set(doomed)
    records = {r.checkpoint_id: r for r in await cp._read_many(thread_id, list(kept))}
    order = [cid for cid in reversed(kept) if cid in records]  # oldest first
    snapshot = {cid: ancestors_of(records[cid]) is None for cid in order}
    needs: list[str] = []
    for cid in order:
        chain = ancestors_of(records[cid])
        if chain is None:
            continue
        for ancestor in reversed(chain):
            if ancestor in gone:
                needs.append(cid)
                snapshot[cid] = True  # it will be one; newer deltas may stop at it
                break
            if snapshot.get(ancestor, False):
                break
    if not needs:
        return 0
    full = {cid: await materialise(cp, records[cid]) for cid in needs}
    start = order.index(needs[0])
    for cid in order[start:]:
        await cp._write(replace(full.get(cid, records[cid])))
    return len(order) - start


async def before_replace(cp: CheckpointStorage, thread_id: str, checkpoint_id: str) -> None:
    """Rewrite as snapshots the deltas built on a checkpoint about to be replaced."""
    if not await cp._read_many(thread_id, [checkpoint_id]):
        return
    infos = await cp._list(thread_id, None)
    records = await cp._read_many(thread_id, [i.checkpoint_id for i in infos])
    if any(checkpoint_id in (ancestors_of(r) or ()) for r in records):
        kept = [i.checkpoint_id for i in infos if i.checkpoint_id != checkpoint_id]
        await protect(cp, thread_id, kept, [checkpoint_id])
