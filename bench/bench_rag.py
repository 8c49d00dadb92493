"""Vector stores: ingest throughput, query p50/p99 and recall@10, locus vs peers.

Workload: N random 384-d unit vectors (N = 10k and 100k, the size of
all-MiniLM-L6-v2 embeddings), each a document with a short text and a small
metadata dict; Q query vectors drawn the same way. One process, one run:

- locus ``InMemoryVectorStore`` (numpy, exact) and ``SQLiteVectorStore``
  (one file, exact over an in-memory mirror);
- LangChain ``InMemoryVectorStore`` (langchain-core; exact);
- faiss ``IndexFlatIP`` (exact) and ``IndexHNSWFlat`` (approximate, M=32,
  efSearch=128).

Ingest is measured through each store's own add call in batches of 1,000;
a query is one top-10 search, and each query runs on every store in turn
(so a busy machine slows them alike). LangChain's store answers the first
20 queries only: it takes seconds per query at 100k. recall@10 is measured against exact numpy
search. Goal: locus in-memory query p50 <= 1.2x faiss flat at 100k.

Run: ``python bench/bench_rag.py [--sizes 10000 100000] [--queries 200]``.
"""

from __future__ import annotations

import os

# One thread for every library, so each store is measured doing one query on
# one core: faiss via omp_set_num_threads(1) below, numpy's OpenBLAS here
# (before numpy loads). On a busy 2-core machine OpenBLAS's thread pool made
# a 10k x 384 matrix-vector product ~20x slower than one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import table

DIM = 384
K = 10
BATCH = 1000
LC_QUERIES = 20


def vectors(n: int, seed: int) -> np.ndarray[Any, np.dtype[np.float32]]:
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, DIM)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return m


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000.0


class Result:
    def __init__(self, name: str, n: int) -> None:
        self.name, self.n = name, n
        self.ingest_s = 0.0
        self.lat: list[float] = []
        self.recall: float | None = None
        self.max_queries = 1 << 30


Search = Callable[[np.ndarray[Any, Any]], list[int]]


def time_queries(
    stores: list[tuple[Result, Search]], queries: np.ndarray[Any, Any], truth: list[set[int]]
) -> None:
    """Each query on every store in turn, so a busy machine slows them alike."""
    hits = {id(res): 0 for res, _ in stores}
    for n, (q, expect) in enumerate(zip(queries, truth, strict=True)):
        for res, search in stores:
            if n >= res.max_queries:
                continue
            t = time.perf_counter()
            got = search(q)
            res.lat.append(time.perf_counter() - t)
            hits[id(res)] += len(set(got[:K]) & expect)
    for res, _ in stores:
        res.recall = hits[id(res)] / (K * len(res.lat))


def bench_locus(kind: str, data: Any, queries: Any, tmp: Path) -> tuple[Result, Search]:
    from locus.rag.stores import Document, InMemoryVectorStore, SQLiteVectorStore

    n = len(data)
    res = Result(f"locus {kind}", n)
    store: Any = (
        InMemoryVectorStore()
        if kind == "in-memory"
        else SQLiteVectorStore(tmp / f"bench-{n}.db", table=f"v{n}")
    )

    async def ingest() -> None:
        for start in range(0, n, BATCH):
            docs = [
                Document(id=str(i), content=f"doc {i}", embedding=data[i], metadata={"i": i})
                for i in range(start, min(start + BATCH, n))
            ]
            await store.add(docs)

    t = time.perf_counter()
    asyncio.run(ingest())
    res.ingest_s = time.perf_counter() - t
    loop = asyncio.new_event_loop()

    def search(q: Any) -> list[int]:
        found = loop.run_until_complete(store.search(q, limit=K))
        return [int(r.document.id) for r in found]

    search(queries[0])  # warm (SQLite loads its mirror on first read)
    return res, search


def bench_langchain(data: Any) -> tuple[Result, Search] | None:
    try:
        from langchain_core.documents import Document as LCDocument
        from langchain_core.embeddings import Embeddings
        from langchain_core.vectorstores import InMemoryVectorStore as LCStore
    except ImportError as exc:
        print(f"(langchain-core unavailable: {exc})")
        return None

    class Precomputed(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [data[int(t.split()[1])].tolist() for t in texts]

        def embed_query(self, text: str) -> list[float]:
            raise NotImplementedError

    n = len(data)
    res = Result("langchain InMemoryVectorStore", n)
    store = LCStore(Precomputed())
    t = time.perf_counter()
    for start in range(0, n, BATCH):
        ids = range(start, min(start + BATCH, n))
        store.add_documents(
            [LCDocument(page_content=f"doc {i}", metadata={"i": i}) for i in ids],
            ids=[str(i) for i in ids],
        )
    res.ingest_s = time.perf_counter() - t

    def search(q: Any) -> list[int]:
        return [int(d.id) for d in store.similarity_search_by_vector(q.tolist(), k=K)]

    res.max_queries = LC_QUERIES  # ~0.25 s per query at 10k: a subset keeps the run short
    return res, search


def bench_faiss(kind: str, data: Any) -> tuple[Result, Search] | None:
    try:
        import faiss
    except ImportError as exc:
        print(f"(faiss-cpu unavailable: {exc})")
        return None
    n = len(data)
    res = Result(f"faiss {kind}", n)
    if kind == "flat":
        index = faiss.IndexFlatIP(DIM)
    else:
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
    t = time.perf_counter()
    for start in range(0, n, BATCH):
        index.add(np.ascontiguousarray(data[start : start + BATCH]))
    res.ingest_s = time.perf_counter() - t

    def search(q: Any) -> list[int]:
        _, idx = index.search(q[None, :], K)
        return [int(i) for i in idx[0]]

    return res, search


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    try:
        import faiss

        faiss.omp_set_num_threads(1)  # one query at a time, like the others
    except ImportError:
        pass
    rows: list[tuple[str, ...]] = []
    ratios: list[str] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for n in args.sizes:
            data = vectors(n, seed=1)
            queries = vectors(args.queries, seed=2)
            exact = np.argsort(-(queries @ data.T), axis=1)[:, :K]
            truth = [set(map(int, row)) for row in exact]
            built = [
                bench_locus("in-memory", data, queries, tmp),
                bench_locus("SQLite", data, queries, tmp),
                bench_langchain(data),
                bench_faiss("flat", data),
                bench_faiss("HNSW", data),
            ]
            stores = [b for b in built if b is not None]
            time_queries(stores, queries, truth)
            by_name = {r.name: r for r, _ in stores}
            for r in by_name.values():
                rows.append(
                    (
                        f"{n:,}",
                        r.name,
                        f"{n / r.ingest_s:,.0f}",
                        f"{pct(r.lat, 50):.3f}",
                        f"{pct(r.lat, 99):.3f}",
                        f"{r.recall:.3f}",
                    )
                )
            mem, flat = by_name.get("locus in-memory"), by_name.get("faiss flat")
            if mem and flat:
                ratios.append(
                    f"{n:,}: locus in-memory p50 / faiss flat p50 = "
                    f"{statistics.median(mem.lat) / statistics.median(flat.lat):.2f}x"
                )
    print(f"top-{K} search over {DIM}-d unit vectors, {args.queries} queries, one at a time")
    print(table(rows, ("N", "store", "ingest docs/s", "query p50 ms", "query p99 ms", "recall@10")))
    for line in ratios:
        print(line)


if __name__ == "__main__":
    main()
