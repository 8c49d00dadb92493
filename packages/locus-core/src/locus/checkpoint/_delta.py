"""Delta checkpoints: the envelope a save writes when it knows the state it builds on.

A *snapshot* is the full envelope ``{"v": N, "state": {...}}`` (see
:mod:`locus.checkpoint.serde`). A *delta* holds only what changed since its
*base*, a checkpoint of the same thread this checkpointer saved or loaded::

    {"d": 1, "v": N, "bs": base id, "ch": [snapshot id, ..., base's base],
     "fs": {changed scalar fields}, "ia": {changed ledger records}, "ix": [removed keys],
     "ma": [messages after the kept prefix], "mk": kept message count,
     "ta": [tool executions after the kept prefix], "tk": kept execution count}

``d`` is the delta format version and ``v`` the state schema version (both
the base's and the delta's; a chain never mixes versions). The keys are
written in the order PostgreSQL's JSONB keeps them (short keys first, then
bytewise), so ``d`` leads the text on every store and :func:`is_delta` reads
only the prefix. ``ch`` + ``bs`` lists the ancestors back to the snapshot, so
a load reads them in one :meth:`~locus.checkpoint.BaseCheckpointer._read_many`
call; records older than the newest snapshot among them are not needed.

What changed is found without serialising the history: ``messages`` and
``tool_executions`` are compared with the cached base by object identity,
then equality, the idempotency ledger by a shallow copy of each record's
fields (the ledger completes records in place), every other field by its
JSON form.

The base shares its items with the caller's state, so an item edited in
place would compare equal to itself: assigning a field of a :class:`Message`
or :class:`ToolExecution` is noted (:mod:`locus.core._edits`), a base keeps
the edit epoch it was taken at, and a save rewrites from the first base item
edited since (a snapshot when the edit log overflowed). A change *inside* a
field's value (``m.metadata["k"] = v``, ``m.tool_calls.append(c)``) is not
seen: replace such items (the contract :func:`locus.core._copy.fork_state`
relies on too).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from locus.checkpoint._delta_json import (
    DELTA_FORMAT,
    apply_json,
    check_format,
    corrupt,
    parse_delta_json,
    prefix,
)
from locus.checkpoint._records import CheckpointRecord
from locus.core._edits import current_epoch, unedited_prefix
from locus.core.messages import Message
from locus.core.state import AgentState, IdempotencyRecord, ToolExecution

__all__ = [
    "DELTA_FORMAT",
    "Base",
    "Delta",
    "apply_json",
    "apply_typed",
    "encode_delta",
    "is_delta",
    "parse_delta",
    "parse_delta_json",
    "remember",
    "rest_of",
]


_HISTORY = frozenset({"messages", "tool_executions", "idempotency"})
_DELTA_PREFIX = re.compile(r'\A\s*\{\s*"d"\s*:')
_DELTA_PREFIX_B = re.compile(rb'\A\s*\{\s*"d"\s*:')
_MESSAGES: TypeAdapter[list[Message]] = TypeAdapter(list[Message])
_TOOLS: TypeAdapter[list[ToolExecution]] = TypeAdapter(list[ToolExecution])
_LEDGER: TypeAdapter[dict[str, IdempotencyRecord]] = TypeAdapter(dict[str, IdempotencyRecord])
_ANY: TypeAdapter[Any] = TypeAdapter(Any)
_MISSING = object()


@dataclass(slots=True)
class Base:
    """The last state this checkpointer saved or loaded for a thread (what a delta diffs against).

    Attributes:
        checkpoint_id: The checkpoint holding that state.
        version: Its state schema version.
        ancestors: Ids from the chain's snapshot to its base (empty for a snapshot).
        messages: Pointer copy of the message list.
        tools: Pointer copy of the tool executions.
        ledger: Each idempotency record with a shallow copy of its fields.
        rest: Every other field in JSON form.
        full_bytes: Estimated size of a snapshot of the state.
        chain_bytes: Bytes of the deltas since the snapshot (0 for a snapshot).
        expires_at: Expiry shared by the chain (``None`` without a ttl).
        created_at: The record's ``created_at`` (with ``size``, tells a replaced record).
        size: Length of the record's payload.
        epoch: Edit epoch (:func:`locus.core._edits.current_epoch`) taken before
            the items were read: edits after it are not in the stored record.
    """

    checkpoint_id: str
    version: int
    ancestors: tuple[str, ...]
    messages: list[Message]
    tools: list[ToolExecution]
    ledger: dict[str, tuple[IdempotencyRecord, dict[str, Any]]]
    rest: dict[str, Any]
    full_bytes: int
    chain_bytes: int
    expires_at: float | None
    created_at: float = 0.0
    size: int = 0
    epoch: int = 0

    def matches(self, record: CheckpointRecord) -> bool:
        """Whether ``record`` is the stored checkpoint this base was taken from."""
        return (
            record.checkpoint_id == self.checkpoint_id
            and record.created_at == self.created_at
            and len(record.payload) == self.size
            and record.schema_version == self.version
        )

    def unedited(self) -> tuple[int, int] | None:
        """How many leading messages and tool executions are still as stored.

        ``None`` when unknown (more edits happened than the log holds).
        """
        if self.epoch >= current_epoch():  # nothing edited since (the usual case)
            return len(self.messages), len(self.tools)
        kept = unedited_prefix(self.epoch, self.messages, self.tools)
        return None if kept is None else (kept[0], kept[1])

    def intact(self) -> bool:
        """Whether none of its items was edited in place since it was taken.

        When so, the base moves to the current epoch, so the next check is one
        comparison again; when not, a load must read the store instead.
        """
        epoch = current_epoch()  # before looking at the items: a later edit is seen next time
        if self.unedited() != (len(self.messages), len(self.tools)):
            return False
        self.epoch = epoch
        return True

    def state(self) -> AgentState:
        """A new state equal to the base's, sharing its history items (see :meth:`intact`)."""
        state = AgentState.model_validate(copy.deepcopy(self.rest))
        state.messages = list(self.messages)
        state.tool_executions = list(self.tools)
        state.idempotency = {
            key: IdempotencyRecord.model_validate(copy.deepcopy(fields))
            for key, (_, fields) in self.ledger.items()
        }
        return state


def rest_of(state: AgentState) -> dict[str, Any]:
    """Every field but the history and the ledger, in JSON form (what ``fs`` diffs)."""
    return state.model_dump(mode="json", exclude=_HISTORY)  # type: ignore[arg-type]


def remember(
    state: AgentState,
    checkpoint_id: str,
    *,
    version: int,
    ancestors: tuple[str, ...],
    rest: dict[str, Any],
    full_bytes: int,
    chain_bytes: int,
    expires_at: float | None,
    epoch: int,
    created_at: float = 0.0,
    size: int = 0,
) -> Base:
    """A :class:`Base` of ``state`` (pointer copies; later appends do not leak in)."""
    return Base(
        checkpoint_id=checkpoint_id,
        version=version,
        ancestors=ancestors,
        messages=list(state.messages),
        tools=list(state.tool_executions),
        ledger={k: (r, dict(r.__dict__)) for k, r in state.idempotency.items()},
        rest=rest,
        full_bytes=full_bytes,
        chain_bytes=chain_bytes,
        expires_at=expires_at,
        created_at=created_at,
        size=size,
        epoch=epoch,
    )


def _kept(items: Sequence[Any], base: Sequence[Any]) -> int:
    """Length of the common prefix of ``items`` and ``base``.

    Items are compared as a list compares them: by identity first (one C loop
    over pointers when nothing was replaced, the usual case), then by equality,
    so an item replaced by an equal copy still counts as kept.
    """
    n = min(len(items), len(base))
    if (base if len(base) == n else base[:n]) == (items if len(items) == n else items[:n]):
        return n
    for i in range(n):
        if items[i] is not base[i] and items[i] != base[i]:
            return i
    return n


def encode_delta(
    state: AgentState, base: Base, rest: dict[str, Any], unedited: tuple[int, int]
) -> str:
    """The delta envelope turning ``base`` into ``state`` (JSON text).

    ``unedited`` is :meth:`Base.unedited`: items from the first one edited in
    place since the base was taken are written again.

    Raises:
        PydanticSerializationError, ValueError, TypeError, RecursionError: a new
            value cannot be written as JSON (the caller names the thread).
    """
    mk = min(_kept(state.messages, base.messages), unedited[0])
    tk = min(_kept(state.tool_executions, base.tools), unedited[1])
    changed = {
        key: rec
        for key, rec in state.idempotency.items()
        if (old := base.ledger.get(key)) is None or old[0] is not rec or old[1] != rec.__dict__
    }
    removed = [key for key in base.ledger if key not in state.idempotency]
    fields = {key: value for key, value in rest.items() if base.rest.get(key, _MISSING) != value}
    return "".join(
        (
            f'{{"d":{DELTA_FORMAT},"v":{base.version},"bs":',
            json.dumps(base.checkpoint_id),
            ',"ch":',
            json.dumps(list(base.ancestors)),
            ',"fs":',
            _ANY.dump_json(fields).decode() if fields else "{}",
            ',"ia":',
            _LEDGER.dump_json(changed).decode() if changed else "{}",
            ',"ix":',
            json.dumps(removed),
            ',"ma":',
            _MESSAGES.dump_json(state.messages[mk:]).decode(),
            f',"mk":{mk},"ta":',
            _TOOLS.dump_json(state.tool_executions[tk:]).decode(),
            f',"tk":{tk}}}',
        )
    )


def is_delta(payload: str | bytes) -> bool:
    """Whether stored envelope text is a delta (its first key is ``"d"``)."""
    if isinstance(payload, str):
        return _DELTA_PREFIX.match(payload) is not None
    return _DELTA_PREFIX_B.match(payload) is not None


class Delta(BaseModel):
    """A parsed delta envelope (see the module docstring for the fields)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    d: int
    v: int
    bs: str
    ch: list[str] = Field(default_factory=list)
    fs: dict[str, Any] = Field(default_factory=dict)
    ia: dict[str, IdempotencyRecord] = Field(default_factory=dict)
    ix: list[str] = Field(default_factory=list)
    ma: list[Message] = Field(default_factory=list)
    mk: int = Field(ge=0)
    ta: list[ToolExecution] = Field(default_factory=list)
    tk: int = Field(ge=0)


def parse_delta(payload: str | bytes, thread_id: str, checkpoint_id: str) -> Delta:
    """Validate a delta envelope (typed: messages come back as :class:`Message`).

    Raises:
        locus.core.errors.CheckpointSerializationError: it is corrupt or of a
            newer delta format; the message names the thread and checkpoint.
    """
    try:
        delta = Delta.model_validate_json(payload)
    except PydanticValidationError as exc:
        if any("recursion limit" in str(e.get("msg", "")) for e in exc.errors()):
            return _parse_deep(payload, thread_id, checkpoint_id)
        raise corrupt(thread_id, checkpoint_id, exc) from exc
    check_format(delta.d, thread_id, checkpoint_id)
    return delta


def _parse_deep(payload: str | bytes, thread_id: str, checkpoint_id: str) -> Delta:
    obj = parse_delta_json(payload, thread_id, checkpoint_id)
    try:
        return Delta.model_validate(obj)
    except PydanticValidationError as exc:
        raise corrupt(thread_id, checkpoint_id, exc) from exc


def apply_typed(
    snapshot: AgentState, deltas: Sequence[tuple[str, Delta]], thread_id: str
) -> AgentState:
    """Reassemble the state of the last delta from its chain's snapshot (parsed)."""
    messages: list[Message] = snapshot.messages
    tools: list[ToolExecution] = snapshot.tool_executions
    ledger = snapshot.idempotency
    fields: dict[str, Any] = {}
    for cid, delta in deltas:
        messages = prefix(messages, delta.mk, "messages", thread_id, cid) + delta.ma
        tools = prefix(tools, delta.tk, "tool executions", thread_id, cid) + delta.ta
        if delta.ia or delta.ix:
            ledger = {k: r for k, r in ledger.items() if k not in delta.ix} | delta.ia
        fields.update(delta.fs)
    if fields:
        try:
            patch = AgentState.model_validate(fields)  # validates only the changed fields
        except PydanticValidationError as exc:
            raise corrupt(thread_id, deltas[-1][0], exc) from exc
        for key in fields:
            if key in AgentState.model_fields and key not in _HISTORY:
                setattr(snapshot, key, getattr(patch, key))
    snapshot.messages, snapshot.tool_executions = messages, tools
    snapshot.idempotency = ledger
    return snapshot
