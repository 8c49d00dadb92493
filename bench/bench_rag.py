"""Vector stores: ingest throughput, query p50/p99 and recall@10, locus vs peers.

Workload: N 384-d unit vectors (N = 10k and 100k; the size of
all-MiniLM-L6-v2 embeddings) drawn around 1,000 random centres, so that they
cluster as real embeddings do (``--data random`` for the uniform case, the
worst case for graph indexes); each is a document with a short text and a
small metadata dict. Q query vectors are drawn the same way. One process:

- locus ``InMemoryVectorStore`` (numpy, exact) and ``SQLiteVectorStore``
  (one file, exact over an in-memory mirror);
- locus ``ChromaVectorStore`` (embedded chromadb, HNSW: approximate);
- LangChain ``InMemoryVectorStore`` (langchain-core; exact);
- faiss ``IndexFlatIP`` (exact) and ``IndexHNSWFlat`` (approximate, M=32,
  efSearch=128).

Ingest goes through each store's own add call in batches of 1,000. A query
is one top-10 search; queries run in rounds, each round running the same
query on every store in a rotating order, so a busy machine slows them
alike. Wall time (``perf_counter``) and CPU time (``process_time``) are both
recorded. The query timing runs at two BLAS/OpenMP thread settings, one
thread and the library default (``threadpoolctl`` and faiss's
``omp_set_num_threads``); SQLite, Chroma and LangChain run at one thread
only. LangChain's store converts its whole list of vectors to numpy on every
query (~4 s at 100k on this machine), so it answers only ``--lc-queries``
queries per size and is reported with its own count. The approximate stores
run at sizes up to ``--approx-max`` (building an HNSW graph of 100k vectors
takes minutes here). recall@10 is measured against exact numpy search.

Goal: locus in-memory query <= 1.2x faiss flat at 100k (the ratio printed is
the median over queries of locus time / faiss time for the same query, with
its interquartile range); recall@10 >= 0.95 for approximate stores.

Run: ``python bench/bench_rag.py [--sizes 10000 100000] [--queries 300]
[--threads 1 default] [--approx-max 10000] [--data clustered|random]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import table

DIM = 384
K = 10
BATCH = 1000
CENTRES = 1000

Search = Callable[[np.ndarray[Any, Any]], list[int]]


def vectors(n: int, seed: int, kind: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    rng = np.random.default_rng(seed)
    if kind == "random":
        m = rng.normal(size=(n, DIM)).astype(np.float32)
    else:
        centres = np.random.default_rng(0).normal(size=(CENTRES, DIM)).astype(np.float32)
        m = centres[rng.integers(0, CENTRES, size=n)]
        m += rng.normal(scale=0.6, size=(n, DIM)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return m


class Store:
    """One store under test: how it searches and what was measured."""

    def __init__(self, name: str, search: Search, ingest: tuple[float, float]) -> None:
        self.name, self.search = name, search
        self.ingest_wall, self.ingest_cpu = ingest
        self.max_queries = 1 << 30
        self.threads = ("1", "default")
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.hits = 0
        self.answered = 0
        self.truth: list[set[int]] | None = None  # its own exact answers (filtered search)


@contextmanager
def threads(mode: str) -> Iterator[None]:
    """BLAS and OpenMP at one thread, or at their defaults."""
    from threadpoolctl import threadpool_limits

    faiss: Any = None
    with suppress(ImportError):
        import faiss
    if mode == "default":
        yield
        return
    before = faiss.omp_get_max_threads() if faiss else None
    with threadpool_limits(limits=int(mode)):
        if faiss:
            faiss.omp_set_num_threads(int(mode))
        try:
            yield
        finally:
            if faiss:
                faiss.omp_set_num_threads(before)


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run_queries(
    stores: list[Store],
    queries: np.ndarray[Any, Any],
    truth: list[set[int]],
    mode: str,
    limit: int,
) -> None:
    """Round r runs query r on every store, starting at store r mod len(stores).

    Other thread settings than one run the first ``limit`` queries only.
    """
    active = [s for s in stores if mode in s.threads]
    for s in active:
        s.wall[mode], s.cpu[mode] = [], []
    with threads(mode):
        for r, (q, expect) in enumerate(zip(queries, truth, strict=True)):
            for i in range(len(active)):
                s = active[(r + i) % len(active)]
                if r >= s.max_queries or (mode != "1" and r >= limit):
                    continue
                wall, cpu = time.perf_counter(), time.process_time()
                got = s.search(q)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                s.wall[mode].append(wall)
                s.cpu[mode].append(cpu)
                if mode == "1":
                    s.hits += len(set(got[:K]) & (expect if s.truth is None else s.truth[r]))
                    s.answered += 1


def locus_store(kind: str, data: Any, tmp: Path) -> list[Store]:
    """The store, and for the in-memory one also its search filtered to 1 row in 10."""
    from locus.rag.stores import ChromaVectorStore, Document, InMemoryVectorStore, SQLiteVectorStore

    n = len(data)
    store: Any
    if kind == "in-memory":
        store = InMemoryVectorStore()
    elif kind == "SQLite":
        store = SQLiteVectorStore(tmp / f"bench-{n}.db", table=f"v{n}")
    else:
        store = ChromaVectorStore(str(tmp / f"chroma-{n}"), collection_name=f"c{n}")
    loop = asyncio.new_event_loop()

    def ingest() -> None:
        for start in range(0, n, BATCH):
            docs = [
                Document(
                    id=str(i), content=f"doc {i}", embedding=data[i], metadata={"i": i, "b": i % 10}
                )
                for i in range(start, min(start + BATCH, n))
            ]
            loop.run_until_complete(store.add(docs))

    cost = timed(ingest)

    def search(q: Any) -> list[int]:
        found = loop.run_until_complete(store.search(q, limit=K))
        return [int(r.document.id) for r in found]

    search(data[0])  # warm (SQLite loads its mirror on first read)

    def filtered(q: Any) -> list[int]:
        found = loop.run_until_complete(store.search(q, limit=K, filter={"b": 3}))
        return [int(r.document.id) for r in found]

    name = {"Chroma": "locus Chroma (HNSW)"}.get(kind, f"locus {kind}")
    out = [Store(name, search, cost)]
    if kind == "in-memory":
        filtered(data[0])  # the filter's first evaluation (kept until the filter falls out)
        out.append(Store(f"{name}, filter 1 in 10", filtered, cost))
    return out


def langchain_store(data: Any) -> Store | None:
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
    store = LCStore(Precomputed())

    def ingest() -> None:
        for start in range(0, n, BATCH):
            ids = range(start, min(start + BATCH, n))
            store.add_documents(
                [LCDocument(page_content=f"doc {i}", metadata={"i": i}) for i in ids],
                ids=[str(i) for i in ids],
            )

    cost = timed(ingest)

    def search(q: Any) -> list[int]:
        return [int(d.id) for d in store.similarity_search_by_vector(q.tolist(), k=K)]

    return Store("LangChain InMemoryVectorStore", search, cost)


def faiss_store(kind: str, data: Any) -> list[Store]:
    try:
        import faiss
    except ImportError as exc:
        print(f"(faiss-cpu unavailable: {exc})")
        return []
    if kind == "flat":
        index = faiss.IndexFlatIP(DIM)
    else:
        index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128

    def ingest() -> None:
        for start in range(0, len(data), BATCH):
            index.add(np.ascontiguousarray(data[start : start + BATCH]))

    cost = timed(ingest)

    def search(q: Any) -> list[int]:
        _, idx = index.search(q[None, :], K)
        return [int(i) for i in idx[0]]

    name = "faiss flat" if kind == "flat" else "faiss HNSW (M=32, efSearch=128)"
    out = [Store(name, search, cost)]
    if kind == "flat":  # the same 1 row in 10 as the locus filter, as an id selector
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.arange(3, len(data), 10)))

        def filtered(q: Any) -> list[int]:
            _, idx = index.search(q[None, :], K, params=params)
            return [int(i) for i in idx[0]]

        out.append(Store(f"{name}, IDSelectorBatch 1 in 10", filtered, cost))
    return out


def ms(values: list[float], q: float) -> str:
    return f"{float(np.percentile(values, q)) * 1000:.2f}"


def ratio_line(n: int, mode: str, ours: Store, peer: Store) -> str:
    parts = []
    for label, a, b in (
        ("CPU", ours.cpu[mode], peer.cpu[mode]),
        ("wall", ours.wall[mode], peer.wall[mode]),
    ):
        paired = np.asarray(a) / np.maximum(np.asarray(b), 1e-9)
        p25, p50, p75 = np.percentile(paired, [25, 50, 75])
        parts.append(f"{label} {p50:.2f}x (IQR {p25:.2f}-{p75:.2f})")
    return f"{n:,} vectors, threads={mode}: {ours.name} / {peer.name}: " + ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", nargs="+", default=["1", "default"])
    parser.add_argument(
        "--default-queries", type=int, default=100, help="queries per thread mode but 1"
    )
    parser.add_argument(
        "--lc-queries",
        type=int,
        nargs=2,
        default=[10, 4],
        metavar=("SMALL", "LARGE"),
        help="LangChain queries below / at 100k vectors",
    )
    parser.add_argument("--approx-max", type=int, default=10_000)
    parser.add_argument("--data", choices=("clustered", "random"), default="clustered")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    ratios: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for n in args.sizes:
            data = vectors(n, seed=1, kind=args.data)
            queries = vectors(args.queries, seed=2, kind=args.data)
            exact = np.argsort(-(queries @ data.T), axis=1)[:, :K]
            truth = [set(map(int, row)) for row in exact]
            subset = np.arange(3, n, 10)  # the rows the filtered searches keep
            best = np.argsort(-(queries @ data[subset].T), axis=1)[:, :K]
            subset_truth = [set(map(int, subset[row])) for row in best]
            with threads("1"):  # ingest single-threaded too (HNSW builds included)
                stores = [
                    *locus_store("in-memory", data, tmp),
                    *locus_store("SQLite", data, tmp),
                    *faiss_store("flat", data),
                ]
                if args.lc_queries[n >= 100_000]:
                    lc = langchain_store(data)
                    stores += [lc] if lc else []
                if n <= args.approx_max:
                    stores += [*faiss_store("HNSW", data), *locus_store("Chroma", data, tmp)]
            for s in stores:
                if s.name not in ("locus in-memory", "faiss flat"):
                    s.threads = ("1",)
                if s.name.startswith("LangChain"):
                    s.max_queries = args.lc_queries[n >= 100_000]
                if "1 in 10" in s.name:
                    s.truth = subset_truth
            for mode in args.threads:
                run_queries(stores, queries, truth, mode, args.default_queries)
            for s in stores:
                for mode in args.threads:
                    if not s.wall.get(mode):
                        continue
                    rows.append(
                        (
                            f"{n:,}",
                            s.name,
                            mode,
                            f"{n / s.ingest_wall:,.0f}" if mode == "1" else "",
                            str(len(s.wall[mode])),
                            ms(s.wall[mode], 50),
                            ms(s.wall[mode], 99),
                            ms(s.cpu[mode], 50),
                            ms(s.cpu[mode], 99),
                            f"{s.hits / (K * s.answered):.3f}" if mode == "1" else "",
                        )
                    )
            by_name = {s.name: s for s in stores}
            if "faiss flat" in by_name:
                for mode in args.threads:
                    ratios.append(
                        ratio_line(n, mode, by_name["locus in-memory"], by_name["faiss flat"])
                    )
                ours = by_name["locus in-memory, filter 1 in 10"]
                ratios.append(
                    ratio_line(n, "1", ours, by_name["faiss flat, IDSelectorBatch 1 in 10"])
                )
            del stores, by_name
    print(
        f"top-{K} search over {DIM}-d unit vectors ({args.data}), up to {args.queries} queries "
        "one at a time; ingest in batches of 1,000 at one thread"
    )
    header = (
        "N",
        "store",
        "threads",
        "ingest docs/s",
        "queries",
        "wall p50 ms",
        "wall p99 ms",
        "CPU p50 ms",
        "CPU p99 ms",
        "recall@10",
    )
    print(table(rows, header))
    for line in ratios:
        print(line)
    print(f"(ran {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
