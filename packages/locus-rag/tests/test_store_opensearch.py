"""OpenSearchVectorStore at the HTTP level: the real opensearch-py client talks over a socket
to a local server that records each request and answers with recorded OpenSearch responses.
Set ``LOCUS_TEST_OPENSEARCH_URL`` (a cluster with the k-NN plugin) to run the conformance kit."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from locus.core.errors import VectorStoreError
from locus.rag.stores import Document, VectorStore, get_vector_store
from locus.rag.stores.opensearch import OpenSearchVectorStore, translate_filter
from locus.rag.testing import PersistentVectorStoreConformance

CLUSTER = os.environ.get("LOCUS_TEST_OPENSEARCH_URL")


class Recorded(ThreadingHTTPServer):
    """Answers each request with the next queued ``(status, json)``; records requests."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.queue: list[tuple[int, Any]] = []
        self.requests: list[tuple[str, str, dict[str, list[str]], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, status: int, body: Any = None) -> Recorded:
        self.queue.append((status, body))
        return self

    def json(self, index: int) -> Any:
        return json.loads(self.requests[index][3])


class _Handler(BaseHTTPRequestHandler):
    server: Recorded

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.server.requests.append((self.command, parts.path, parse_qs(parts.query), body))
        status, payload = self.server.queue.pop(0) if self.server.queue else (500, {"error": "?"})
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _serve


@pytest.fixture
def server() -> Iterator[Recorded]:
    srv = Recorded()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _hit(doc_id: str, score: float, **meta: Any) -> dict[str, Any]:
    return {
        "_id": doc_id,
        "_score": score,
        "_source": {
            "id": doc_id,
            "content": f"text {doc_id}",
            "metadata": meta,
            "created_at": 1.5,
            "content_type": "text",
        },
    }


async def test_add_creates_a_knn_index_and_bulk_indexes(server: Recorded) -> None:
    server.answer(404).answer(200, {"acknowledged": True}).answer(
        200, {"errors": False, "items": [{"index": {"_id": "a", "status": 201}}]}
    )
    store = get_vector_store(f"opensearch://{server.url.split('://')[1]}?index=kb", m=24)
    assert isinstance(store, OpenSearchVectorStore)
    ids = await store.add(
        [Document(id="a", content="hello", embedding=[0.6, 0.8], metadata={"lang": "en"})]
    )
    assert ids == ["a"]
    assert [(m, p) for m, p, _, _ in server.requests] == [
        ("HEAD", "/kb"),
        ("PUT", "/kb"),
        ("POST", "/_bulk"),
    ]
    mapping = server.json(1)
    assert mapping["settings"] == {"index": {"knn": True}}
    vector = mapping["mappings"]["properties"]["embedding"]
    assert vector["type"] == "knn_vector"
    assert vector["dimension"] == 2
    assert vector["method"]["space_type"] == "cosinesimil"
    assert vector["method"]["parameters"] == {"m": 24, "ef_construction": 128}
    assert server.requests[2][2] == {"refresh": ["wait_for"]}
    action, source = (json.loads(line) for line in server.requests[2][3].splitlines())
    assert action == {"index": {"_index": "kb", "_id": "a"}}
    assert source["metadata"] == {"lang": "en"}
    assert source["embedding"] == pytest.approx([0.6, 0.8])
    await store.close()


async def test_search_sends_a_filtered_knn_query_and_maps_scores(server: Recorded) -> None:
    mapping = {"kb": {"mappings": {"properties": {"embedding": {"dimension": 2}}}}}
    server.answer(200).answer(200, mapping).answer(
        200, {"hits": {"hits": [_hit("b", 0.95, year=2024), _hit("c", 0.6, year=2023)]}}
    )
    store = OpenSearchVectorStore([server.url], index_name="kb")
    found = await store.search(
        [1.0, 0.0], limit=2, filter={"year": {"$gte": 2023}, "lang": {"$ne": "fr"}}
    )
    assert store.config.dimension == 2
    body = server.json(2)
    assert server.requests[2][1] == "/kb/_search"
    assert body["size"] == 2
    assert body["query"]["knn"]["embedding"] == {
        "vector": [1.0, 0.0],
        "k": 2,
        "filter": {
            "bool": {
                "filter": [{"range": {"metadata.year": {"gte": 2023}}}],
                "must_not": [{"term": {"metadata.lang": "fr"}}],
            }
        },
    }
    assert [r.id for r in found] == ["b", "c"]
    assert found[0].score == pytest.approx(0.9)  # cosinesimil scores (1 + cos) / 2
    assert found[0].metadata == {"year": 2024}
    await store.close()


async def test_get_delete_count_and_bulk_errors(server: Recorded) -> None:
    mapping = {"kb": {"mappings": {"properties": {"embedding": {"dimension": 2}}}}}
    server.answer(200).answer(200, mapping)
    server.answer(200, {"docs": [{"_id": "x", "found": False}, {**_hit("a", 1.0), "found": True}]})
    server.answer(200, {"deleted": 3})
    server.answer(200, {"count": 7})
    server.answer(
        200, {"errors": True, "items": [{"index": {"error": {"type": "mapper_parsing"}}}]}
    )
    store = OpenSearchVectorStore([server.url], index_name="kb")
    assert [d.id for d in await store.get(["x", "a"])] == ["a"]
    assert server.json(2) == {"ids": ["x", "a"]}
    assert await store.delete(["a", "b"], filter={"tag": {"$in": ["t1"]}}) == 3
    assert server.json(3) == {
        "query": {
            "bool": {
                "filter": [
                    {"bool": {"filter": [{"terms": {"metadata.tag": ["t1"]}}]}},
                    {"ids": {"values": ["a", "b"]}},
                ]
            }
        }
    }
    assert await store.count({"$or": [{"a": 1}, {"b": None}]}) == 7
    assert server.json(4)["query"]["bool"]["filter"][0]["bool"]["minimum_should_match"] == 1
    with pytest.raises(VectorStoreError, match="rejected 1 of 1"):
        await store.add([Document(id="z", content="z", embedding=[1.0, 0.0])])
    await store.close()


def test_filter_translation_of_each_operator() -> None:
    assert translate_filter(None) is None
    got = translate_filter(
        {"a": 1, "b": {"$nin": ["x"]}, "c": {"$lt": 5}, "d": None, "$and": [{"e": True}]}
    )
    assert got == {
        "bool": {
            "filter": [
                {"term": {"metadata.a": 1}},
                {"range": {"metadata.c": {"lt": 5}}},
                {"bool": {"filter": [{"term": {"metadata.e": True}}]}},
            ],
            "must_not": [{"terms": {"metadata.b": ["x"]}}, {"exists": {"field": "metadata.d"}}],
        }
    }


@pytest.mark.skipif(not CLUSTER, reason="set LOCUS_TEST_OPENSEARCH_URL to a cluster with k-NN")
class TestOpenSearchConformance(PersistentVectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        assert CLUSTER is not None
        self.index = f"locus-{uuid.uuid4().hex[:10]}"
        return OpenSearchVectorStore([CLUSTER], index_name=self.index, dimension=dimension)

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        assert CLUSTER is not None
        return OpenSearchVectorStore([CLUSTER], index_name=self.index)
