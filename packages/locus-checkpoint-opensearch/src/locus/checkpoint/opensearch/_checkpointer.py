"""``OpenSearchCheckpointer``: one document per checkpoint in one index."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from locus.checkpoint import (
    BaseCheckpointer,
    CheckpointInfo,
    CheckpointRecord,
    decode_info,
)
from locus.checkpoint.opensearch._claims import (
    STALE_CLAIM_SECONDS,
    claim_body,
    claim_id,
    claims_index,
    claims_mapping,
)
from locus.checkpoint.opensearch._documents import (
    INDEX_SCHEMA_VERSION,
    INFO_SOURCE,
    info_kwargs,
    mapping,
    source_record,
)
from locus.core.errors import CheckpointError, ConfigError, ValidationError

__all__ = ["OpenSearchCheckpointer"]

MAX_LIST = 10_000
"""Most checkpoints one listing returns (OpenSearch's default result window)."""


class OpenSearchCheckpointer(BaseCheckpointer):
    """Checkpoints in an OpenSearch index.

    Document ids are ``sha256(thread_id, checkpoint_id)``; history is ordered
    by a ``seq`` field (nanosecond clock, monotonic per process). Writes
    refresh the index so the next read sees them (``refresh=True``);
    ``refresh="wait_for"`` trades latency for indexing throughput. Parent
    links of plain saves are read before the write, so two processes racing
    on one thread may both link to the same parent (no checkpoint is lost);
    compare-and-set saves (what agent and graph runs use) first create a
    claim document with ``op_type=create`` in ``<index>-claims`` (see
    :mod:`locus.checkpoint.opensearch._claims`), so one writer wins and the
    others get ``CheckpointConflictError``. Thread leases are this process's.

    Args:
        client: An ``opensearchpy.AsyncOpenSearch`` (you own it) — or use :meth:`from_url`.
        index: Index name (created by :meth:`setup`).
        refresh: The ``refresh`` parameter of writes.
        auto_setup: Run :meth:`setup` on first use.
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "opensearch"

    def __init__(
        self,
        client: Any,
        *,
        index: str = "locus-checkpoints",
        refresh: bool | Literal["wait_for"] = True,
        auto_setup: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not index or index != index.lower() or index.startswith(("_", "-", "+")):
            raise ValidationError(
                "OpenSearch index names are lowercase and do not start with _, - or +; "
                f"got {index!r}"
            )
        self.client = client
        self.index = index
        self.refresh = refresh
        self._auto_setup = auto_setup
        self._ready = False
        self._owns_client = False
        self._last_seq = 0
        self._setup_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> OpenSearchCheckpointer:
        """Build a checkpointer owning a client (closed by :meth:`aclose`).

        Args:
            url: ``opensearch://[user:password@]host:9200`` (HTTP) or
                ``opensearchs://...`` (HTTPS); ``http(s)://`` works too.
            **options: ``index``, ``refresh``, ``ttl``, and ``client_options``
                (a dict of extra ``AsyncOpenSearch`` keywords, e.g. ``verify_certs``).
        """
        try:
            from opensearchpy import AsyncOpenSearch
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "OpenSearchCheckpointer needs opensearch-py[async]: "
                "pip install locus-checkpoint-opensearch",
                cause=exc,
            ) from exc
        scheme, sep, rest = url.partition("://")
        if not sep:
            raise ValidationError(f"expected 'opensearch://host:9200', got {url!r}")
        http = "https" if scheme in ("opensearchs", "https") else "http"
        client_options = dict(options.pop("client_options", None) or {})
        client = AsyncOpenSearch(hosts=[f"{http}://{rest}"], **client_options)
        self = cls(client, **options)
        self._owns_client = True
        return self

    async def aclose(self) -> None:
        """Close the client when this checkpointer created it."""
        if self._owns_client:
            await self.client.close()
        self._ready = False

    # -- setup -----------------------------------------------------------------------

    async def setup(self) -> None:
        """Create the index with its mapping, or check an existing one's version."""
        async with self._setup_lock:
            if self._ready:
                return
            try:
                if not await self.client.indices.exists(index=self.index):
                    await self.client.indices.create(
                        index=self.index, body={"mappings": mapping()}, ignore=400
                    )
                claims = claims_index(self.index)
                if not await self.client.indices.exists(index=claims):
                    await self.client.indices.create(
                        index=claims, body={"mappings": claims_mapping()}, ignore=400
                    )
                found: dict[str, Any] = await self.client.indices.get_mapping(index=self.index)
            except Exception as exc:
                raise _wrap(exc, f"setting up index {self.index!r}") from exc
            first: dict[str, Any] = next(iter(found.values()), {})
            mappings: dict[str, Any] = first.get("mappings", {})
            version = int(mappings.get("_meta", {}).get("locus_schema", 0))
            if version > INDEX_SCHEMA_VERSION:
                raise CheckpointError(
                    f"index {self.index!r} uses checkpoint mapping v{version}, newer than this "
                    f"locus-checkpoint-opensearch supports (v{INDEX_SCHEMA_VERSION}); upgrade it"
                )
            if version < 1:
                raise CheckpointError(
                    f"index {self.index!r} exists but was not created by locus (no "
                    "_meta.locus_schema in its mapping); pick another index name"
                )
            self._ready = True

    async def _conn_ready(self) -> None:
        if not self._ready:
            if self._auto_setup:
                await self.setup()
            else:
                self._ready = True

    # -- primitives ------------------------------------------------------------------

    @staticmethod
    def doc_id(thread_id: str, checkpoint_id: str) -> str:
        """The document id of a checkpoint."""
        return hashlib.sha256(f"{thread_id}\x00{checkpoint_id}".encode()).hexdigest()

    def _next_seq(self) -> int:
        self._last_seq = max(self._last_seq + 1, time.time_ns())
        return self._last_seq

    async def _write(self, record: CheckpointRecord) -> None:
        await self._conn_ready()
        body = {
            "thread_id": record.thread_id,
            "checkpoint_id": record.checkpoint_id,
            "parent_id": record.parent_id,
            "seq": self._next_seq(),
            "created_at": record.created_at,
            "expires_at": record.expires_at,
            "v": record.schema_version,
            "metadata": record.metadata,
            "payload": record.payload,
        }
        try:
            await self.client.index(
                index=self.index,
                id=self.doc_id(record.thread_id, record.checkpoint_id),
                body=body,
                refresh=_refresh(self.refresh),
            )
        except Exception as exc:
            raise _wrap(exc, f"saving checkpoint {record.checkpoint_id!r}") from exc

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        await self._conn_ready()
        try:
            if checkpoint_id is not None:
                doc = await self.client.get(
                    index=self.index, id=self.doc_id(thread_id, checkpoint_id), ignore=404
                )
                source = doc.get("_source") if doc.get("found") else None
            else:
                hits = await self._search(thread_id, size=1, payload=True)
                source = hits[0] if hits else None
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return None if source is None else source_record(thread_id, source)

    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        """The records of ``checkpoint_ids`` in one ``_mget`` request."""
        ids = list(dict.fromkeys(checkpoint_ids))
        if not ids:
            return []
        await self._conn_ready()
        try:
            found = await self.client.mget(
                index=self.index, body={"ids": [self.doc_id(thread_id, cid) for cid in ids]}
            )
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return [
            source_record(thread_id, doc["_source"])
            for doc in found.get("docs", [])
            if doc.get("found") and doc.get("_source", {}).get("thread_id") == thread_id
        ]

    async def _search(self, thread_id: str, size: int, payload: bool) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [{"term": {"thread_id": thread_id}}]}},
            "sort": [{"seq": {"order": "desc"}}],
            "size": size,
        }
        if not payload:
            body["_source"] = INFO_SOURCE
        found = await self.client.search(index=self.index, body=body)
        return [hit["_source"] for hit in found["hits"]["hits"]]

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        await self._conn_ready()
        try:
            size = MAX_LIST if limit is None else min(limit, MAX_LIST)
            hits = await self._search(thread_id, size=size, payload=False)
        except Exception as exc:
            raise _wrap(exc, f"listing thread {thread_id!r}") from exc
        return [
            decode_info(thread_id, src.get("checkpoint_id"), **info_kwargs(src)) for src in hits
        ]

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        await self._conn_ready()
        try:
            hits = await self._search(record.thread_id, size=1, payload=False)
        except Exception as exc:
            raise _wrap(exc, f"reading the head of thread {record.thread_id!r}") from exc
        if (hits[0]["checkpoint_id"] if hits else None) != expected_parent:
            return False
        if not await self._claim(record, expected_parent):
            return False
        record.parent_id = expected_parent
        try:
            await self._write(record)
        except BaseException:
            await self._unclaim(record.thread_id, expected_parent)
            raise
        return True

    async def _claim(self, record: CheckpointRecord, parent: str | None) -> bool:
        """Create the claim on ``parent``'s child (atomic); replace one whose writer died."""
        from opensearchpy.exceptions import ConflictError

        claims = claims_index(self.index)
        doc = claim_id(record.thread_id, parent)
        body = claim_body(record.thread_id, parent, record.checkpoint_id, time.time())
        for attempt in range(2):
            try:
                await self.client.index(
                    index=claims,
                    id=doc,
                    body=body,
                    op_type="create",
                    refresh=_refresh(self.refresh),
                )
                return True
            except ConflictError:
                if attempt or not await self._stale_claim(record.thread_id, doc):
                    return False
                await self._unclaim(record.thread_id, parent)
            except Exception as exc:
                raise _wrap(exc, f"claiming a checkpoint of {record.thread_id!r}") from exc
        return False  # pragma: no cover - the loop returns

    async def _stale_claim(self, thread_id: str, doc: str) -> bool:
        """Whether a claim's checkpoint never appeared and its writer is long gone."""
        try:
            found = await self.client.get(index=claims_index(self.index), id=doc, ignore=404)
            source = found.get("_source") if found.get("found") else None
            if source is None:
                return True
            if time.time() - float(source.get("ts", 0)) < STALE_CLAIM_SECONDS:
                return False
            child = await self.client.get(
                index=self.index, id=self.doc_id(thread_id, source["child_id"]), ignore=404
            )
        except Exception as exc:
            raise _wrap(exc, f"checking a claim of {thread_id!r}") from exc
        return not child.get("found")

    async def _unclaim(self, thread_id: str, parent: str | None) -> None:
        with contextlib.suppress(Exception):  # best effort: a stale claim is replaced later
            await self.client.delete(
                index=claims_index(self.index), id=claim_id(thread_id, parent), ignore=404
            )

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        await self._conn_ready()
        filters: list[dict[str, Any]] = [{"term": {"thread_id": thread_id}}]
        claim_filters: list[dict[str, Any]] = list(filters)
        if checkpoint_ids is not None:
            if not checkpoint_ids:
                return 0
            filters.append({"terms": {"checkpoint_id": list(checkpoint_ids)}})
            claim_filters.append({"terms": {"child_id": list(checkpoint_ids)}})
        try:
            result = await self.client.delete_by_query(
                index=self.index,
                body={"query": {"bool": {"filter": filters}}},
                refresh=True,
                conflicts="proceed",
            )
            await self.client.delete_by_query(  # a deleted checkpoint's parent may be built on
                index=claims_index(self.index),
                body={"query": {"bool": {"filter": claim_filters}}},
                refresh=True,
                conflicts="proceed",
                ignore=404,
            )
        except Exception as exc:
            raise _wrap(exc, f"deleting from thread {thread_id!r}") from exc
        return int(result.get("deleted", 0))

    async def _list_threads(self) -> list[str]:
        await self._conn_ready()
        body = {"size": 0, "aggs": {"threads": {"terms": {"field": "thread_id", "size": 65_535}}}}
        try:
            found = await self.client.search(index=self.index, body=body)
        except Exception as exc:
            raise _wrap(exc, "listing threads") from exc
        return [str(b["key"]) for b in found["aggregations"]["threads"]["buckets"]]


def _refresh(value: bool | str) -> str:
    return value if isinstance(value, str) else ("true" if value else "false")


def _wrap(exc: Exception, doing: str) -> CheckpointError:
    if isinstance(exc, CheckpointError):
        return exc
    return CheckpointError(f"OpenSearch checkpointer failed {doing}: {exc}", cause=exc)
