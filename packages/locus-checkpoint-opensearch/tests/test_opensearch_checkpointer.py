"""OpenSearchCheckpointer at the HTTP level.

An in-process HTTP server on 127.0.0.1 answers the handful of OpenSearch APIs
the checkpointer uses, the way OpenSearch does, and records every request; the
real opensearch-py client talks to it over a socket. Set
``LOCUS_TEST_OPENSEARCH_URL`` to also run the conformance kit on a real cluster.
"""

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

from locus.checkpoint import BaseCheckpointer, CheckpointRecord, get_checkpointer
from locus.checkpoint.opensearch import OpenSearchCheckpointer
from locus.checkpoint.opensearch._claims import claim_id
from locus.core.errors import CheckpointConflictError, CheckpointError, ValidationError
from locus.core.state import AgentState
from locus.testing import CheckpointerConformance, sample_state


class FakeOpenSearch:
    """The subset of OpenSearch the checkpointer uses, in memory."""

    def __init__(self) -> None:
        self.indices: dict[str, dict[str, Any]] = {}  # name -> {"mappings", "docs"}
        self.requests: list[tuple[str, str, dict[str, list[str]], Any]] = []
        self.lock = threading.Lock()

    @staticmethod
    def _matches(src: dict[str, Any], query: dict[str, Any] | None) -> bool:
        if not query or "match_all" in query:
            return True
        if "term" in query:
            ((field, value),) = query["term"].items()
            return src.get(field) == value
        if "terms" in query:
            ((field, values),) = query["terms"].items()
            return src.get(field) in values
        if "bool" in query:
            return all(FakeOpenSearch._matches(src, q) for q in query["bool"].get("filter", []))
        raise AssertionError(f"unsupported query {query}")

    def handle(
        self, method: str, path: str, qs: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path, qs, body))
            parts = [p for p in path.split("/") if p]
            if not parts:
                return 200, {"version": {"number": "2.17.0", "distribution": "opensearch"}}
            name = parts[0]
            index = self.indices.get(name)
            missing = 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            if len(parts) == 1:
                if method == "HEAD":
                    return (200, None) if index else (404, None)
                if method == "PUT":
                    if index:
                        return 400, {"error": {"type": "resource_already_exists_exception"}}
                    self.indices[name] = {"mappings": body["mappings"], "docs": {}}
                    return 200, {"acknowledged": True, "index": name}
            if index is None:
                return missing
            docs: dict[str, dict[str, Any]] = index["docs"]
            op = parts[1]
            if op == "_mapping":
                return 200, {name: {"mappings": index["mappings"]}}
            if op == "_doc" and method in ("PUT", "POST") and qs.get("op_type") == ["create"]:
                if parts[2] in docs:  # create is atomic: the second writer gets 409
                    return 409, {"error": {"type": "version_conflict_engine_exception"}}
                docs[parts[2]] = body
                return 201, {"_id": parts[2], "result": "created"}
            if op == "_doc" and method == "DELETE":
                found = docs.pop(parts[2], None) is not None
                return (200 if found else 404), {"_id": parts[2], "result": "deleted"}
            if op == "_doc" and method in ("PUT", "POST"):
                created = parts[2] not in docs
                docs[parts[2]] = body
                return (201 if created else 200), {
                    "_id": parts[2],
                    "result": "created" if created else "updated",
                }
            if op == "_doc" and method == "GET":
                if parts[2] in docs:
                    return 200, {"_id": parts[2], "found": True, "_source": docs[parts[2]]}
                return 404, {"_id": parts[2], "found": False}
            if op == "_mget":
                out = [
                    {"_id": i, "found": True, "_source": docs[i]}
                    if i in docs
                    else {"_id": i, "found": False}
                    for i in body["ids"]
                ]
                return 200, {"docs": out}
            if op == "_search":
                hits = [d for d in docs.values() if self._matches(d, body.get("query"))]
                if "aggs" in body:
                    field = body["aggs"]["threads"]["terms"]["field"]
                    keys = sorted({d[field] for d in hits})
                    buckets = [{"key": k, "doc_count": 1} for k in keys]
                    return 200, {
                        "hits": {"hits": []},
                        "aggregations": {"threads": {"buckets": buckets}},
                    }
                for sort in reversed(body.get("sort", [])):
                    ((field, spec),) = sort.items()
                    hits.sort(key=lambda d: d[field], reverse=spec["order"] == "desc")
                hits = hits[: body.get("size", 10)]
                wanted = body.get("_source")
                out = [
                    {"_source": {k: v for k, v in d.items() if wanted is None or k in wanted}}
                    for d in hits
                ]
                return 200, {"hits": {"total": {"value": len(out)}, "hits": out}}
            if op == "_delete_by_query":
                doomed = [i for i, d in docs.items() if self._matches(d, body["query"])]
                for i in doomed:
                    del docs[i]
                return 200, {"deleted": len(doomed)}
            return 400, {"error": f"fake does not implement {method} {path}"}


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeOpenSearch, str]]:
    state = FakeOpenSearch()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, answer = state.handle(self.command, url.path, parse_qs(url.query), body)
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"opensearch://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class TestOpenSearchConformanceOnFake(CheckpointerConformance):
    concurrent_saves = 10
    concurrent_runs = 50  # each save is 3 HTTP round trips to the in-process fake

    @pytest.fixture(autouse=True)
    def _url(self, fake: tuple[FakeOpenSearch, str]) -> None:
        self.url = fake[1]

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return OpenSearchCheckpointer.from_url(
            self.url, index=f"t-{uuid.uuid4().hex[:8]}", **options
        )


async def test_read_many_is_one_mget(fake: tuple[FakeOpenSearch, str]) -> None:
    server, url = fake
    index = f"mget-{uuid.uuid4().hex[:8]}"
    async with OpenSearchCheckpointer.from_url(url, index=index) as cp:
        ids = [await cp.save(AgentState(iteration=i), "t1", metadata={"i": i}) for i in range(3)]
        await cp.save(AgentState(iteration=9), "t2", "solo")
        start = len(server.requests)
        found = await cp._read_many("t1", [ids[2], "missing", ids[0], ids[2], "solo"])
        requests = server.requests[start:]
        assert await cp._read_many("t1", []) == []
        assert len(server.requests) == start + 1  # no request for no ids
    assert [(m, p) for m, p, _, _ in requests] == [("POST", f"/{index}/_mget")]
    doc = OpenSearchCheckpointer.doc_id
    assert requests[0][3] == {"ids": [doc("t1", c) for c in (ids[2], "missing", ids[0], "solo")]}
    assert sorted((r.checkpoint_id, r.parent_id, r.metadata["i"]) for r in found) == sorted(
        [(ids[2], ids[1], 2), (ids[0], None, 0)]
    )


async def test_requests_on_the_wire(fake: tuple[FakeOpenSearch, str]) -> None:
    server, url = fake
    index = f"wire-{uuid.uuid4().hex[:8]}"
    async with get_checkpointer(url, index=index) as cp:
        assert isinstance(cp, OpenSearchCheckpointer)
        start = len(server.requests)
        cid = await cp.save(sample_state("w"), "t1", metadata={"user": "ada"})
        assert await cp.load("t1") == sample_state("w")
        await cp.load("t1", cid)
        await cp.prune("t1", keep_latest=0)
    reqs = [(m, p) for m, p, _, _ in server.requests[start - 3 :]]
    assert ("HEAD", f"/{index}") in reqs
    assert ("PUT", f"/{index}") in reqs
    mapping_body = next(b for m, p, _, b in server.requests if (m, p) == ("PUT", f"/{index}"))
    props = mapping_body["mappings"]["properties"]
    assert props["payload"] == {"type": "text", "index": False}
    assert props["thread_id"]["type"] == "keyword"
    assert mapping_body["mappings"]["_meta"] == {"locus_schema": 1}
    doc_id = OpenSearchCheckpointer.doc_id("t1", cid)
    writes = [(m, p, q, b) for m, p, q, b in server.requests if p == f"/{index}/_doc/{doc_id}"]
    method, _, qs, body = writes[0]
    assert method in ("PUT", "POST")
    assert qs["refresh"] == ["true"]
    assert json.loads(body["payload"])["state"]["run_id"] == "run-w"
    assert body["metadata"] == {"user": "ada"}
    assert writes[1][0] == "GET"  # time travel is a realtime GET by id
    searches = [b for m, p, _, b in server.requests if p == f"/{index}/_search"]
    assert searches[-1]["sort"] == [{"seq": {"order": "desc"}}]
    deletes = [b for m, p, _, b in server.requests if p == f"/{index}/_delete_by_query"]
    assert deletes[-1]["query"] == {"bool": {"filter": [{"term": {"thread_id": "t1"}}]}}


async def test_foreign_or_newer_index_is_refused(fake: tuple[FakeOpenSearch, str]) -> None:
    server, url = fake
    server.indices["foreign"] = {"mappings": {"properties": {}}, "docs": {}}
    server.indices["newer"] = {"mappings": {"_meta": {"locus_schema": 9}}, "docs": {}}
    async with OpenSearchCheckpointer.from_url(url, index="foreign") as cp:
        with pytest.raises(CheckpointError, match="not created by locus"):
            await cp.load("t")
    async with OpenSearchCheckpointer.from_url(url, index="newer") as cp:
        with pytest.raises(CheckpointError, match="upgrade"):
            await cp.save(AgentState(), "t")


async def test_unreachable_cluster_is_a_checkpoint_error() -> None:
    async with OpenSearchCheckpointer.from_url(
        "opensearch://127.0.0.1:1", client_options={"timeout": 2, "max_retries": 0}
    ) as cp:
        with pytest.raises(CheckpointError, match="OpenSearch"):
            await cp.load("t")


def test_bad_index_name_and_facade() -> None:
    with pytest.raises(ValidationError):
        OpenSearchCheckpointer(object(), index="Upper")
    from locus.memory import backends

    assert backends.OpenSearchCheckpointer is OpenSearchCheckpointer


OPENSEARCH_URL = os.environ.get("LOCUS_TEST_OPENSEARCH_URL")


@pytest.mark.skipif(
    not OPENSEARCH_URL,
    reason="set LOCUS_TEST_OPENSEARCH_URL=opensearch://host:9200 to run against a real cluster",
)
class TestOpenSearchConformance(CheckpointerConformance):
    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        assert OPENSEARCH_URL
        return OpenSearchCheckpointer.from_url(
            OPENSEARCH_URL, index=f"locus-test-{uuid.uuid4().hex[:8]}", **options
        )

    async def close_checkpointer(self, checkpointer: BaseCheckpointer) -> None:
        assert isinstance(checkpointer, OpenSearchCheckpointer)
        await checkpointer.client.indices.delete(index=checkpointer.index, ignore=404)
        await checkpointer.aclose()


async def test_compare_and_set_claims_the_parent_with_op_type_create(
    fake: tuple[FakeOpenSearch, str],
) -> None:
    state, url = fake
    index = f"cas-{uuid.uuid4().hex[:8]}"
    async with OpenSearchCheckpointer.from_url(url, index=index) as cp:
        first = await cp.save(AgentState(iteration=1), "t1", expect_parent=None)
        del state.requests[:]
        second = await cp.save(AgentState(iteration=2), "t1", expect_parent=first)
        claims = [r for r in state.requests if r[1].startswith(f"/{index}-claims/_doc/")]
        (method, path, qs, body) = claims[0]
        assert method == "PUT"
        assert qs["op_type"] == ["create"]  # only one writer can create a given claim
        assert body["parent_id"] == first
        assert body["child_id"] == second
        assert path.endswith(claim_id("t1", first))
        # a second writer on the same parent loses: its claim already exists
        await cp.copy_record(
            CheckpointRecord("t1", "rogue", cp.serde.dumps(AgentState()), parent_id=first)
        )
        with pytest.raises(CheckpointConflictError):
            await cp.save(AgentState(iteration=3), "t1", expect_parent=first)
        await cp.delete_thread("t1")
        # deleting the thread drops its claims: it can start again
        assert await cp.save(AgentState(), "t1", expect_parent=None)
