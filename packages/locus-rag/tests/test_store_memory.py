"""The exact in-memory index at a size where its fast paths engage.

The conformance kit checks behaviour on 20-ish documents; these checks hold
the in-memory store to brute-force numpy on a few thousand, through every
path a search can take: unfiltered, a filter matching few rows (gathered),
a filter matching many (scanned), after deletes that compact the matrix,
and after writes that must invalidate cached filter results.
"""

from __future__ import annotations

import numpy as np
import pytest

from locus.rag.stores import Document, InMemoryVectorStore

N, DIM = 3000, 24


def _data(seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(N, DIM)).astype(np.float32)


def _expected(
    data: np.ndarray, ids: list[int], query: np.ndarray, k: int, metric: str
) -> list[str]:
    rows = data[ids]
    if metric == "cosine":
        scores = (rows / np.linalg.norm(rows, axis=1, keepdims=True)) @ (
            query / np.linalg.norm(query)
        )
    elif metric == "dot":
        scores = rows @ query
    else:
        scores = -np.linalg.norm(rows - query, axis=1)
    return [str(ids[i]) for i in np.argsort(-scores, kind="stable")[:k]]


async def _store(data: np.ndarray, metric: str = "cosine") -> InMemoryVectorStore:
    store = InMemoryVectorStore(distance_metric=metric)
    for start in range(0, N, 700):  # several adds: the matrix grows while filling
        await store.add(
            [
                Document(id=str(i), content=f"d{i}", embedding=data[i], metadata={"m": i % 100})
                for i in range(start, min(start + 700, N))
            ]
        )
    return store


@pytest.mark.parametrize("metric", ["cosine", "dot", "l2"])
async def test_top_k_equals_brute_force_with_and_without_filters(metric: str) -> None:
    data = _data()
    store = await _store(data, metric)
    query = np.random.default_rng(9).normal(size=DIM).astype(np.float32)
    everything = list(range(N))
    few = [i for i in everything if i % 100 == 7]  # 1% of rows: gathered
    many = [i for i in everything if i % 100 < 60]  # 60%: scanned, then picked
    cases = [
        (None, everything),
        ({"m": 7}, few),
        ({"m": {"$lt": 60}}, many),
    ]
    for filter, ids in cases:
        got = await store.search(query, limit=15, filter=filter)
        assert [r.id for r in got] == _expected(data, ids, query, 15, metric), filter
        assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
    assert await store.count({"m": {"$lt": 60}}) == len(many)


async def test_deletes_compact_and_searches_stay_exact() -> None:
    data = _data()
    store = await _store(data)
    assert await store.count({"m": {"$lt": 60}}) == 1800  # filters seen before the deletes
    assert await store.count({"m": 7}) == 30
    # delete a scattered third (ids and a filter), including the last rows
    removed = await store.delete([str(i) for i in range(0, N, 3)] + ["missing", str(N - 1)])
    assert removed == len(range(0, N, 3)) + (0 if (N - 1) % 3 == 0 else 1)
    removed += await store.delete(filter={"m": 50})
    kept = [i for i in range(N) if i % 3 and i != N - 1 and i % 100 != 50]
    assert removed == N - len(kept)
    assert await store.count() == len(kept)
    query = data[kept[17]]
    got = await store.search(query, limit=10)
    assert [r.id for r in got] == _expected(data, kept, query, 10, "cosine")
    assert got[0].id == str(kept[17])
    for filter, ids in (
        ({"m": 7}, [i for i in kept if i % 100 == 7]),
        ({"m": {"$lt": 60}}, [i for i in kept if i % 100 < 60]),
    ):
        got = await store.search(query, limit=10, filter=filter)
        assert [r.id for r in got] == _expected(data, ids, query, 10, "cosine"), filter
        assert await store.count(filter) == len(ids)
    (doc,) = await store.get([str(kept[-1])])
    unit = data[kept[-1]] / np.linalg.norm(data[kept[-1]])
    assert np.allclose(doc.embedding, unit, atol=1e-6)
    # the freed rows are reused by the next add
    await store.add([Document(id="new", content="", embedding=data[0], metadata={"m": 7})])
    assert (await store.search(data[0], limit=1, filter={"m": 7}))[0].id == "new"


async def test_filter_results_follow_writes() -> None:
    data = _data()
    store = await _store(data)
    assert await store.count({"m": 7}) == N // 100
    assert len(await store.search(data[7], limit=100, filter={"m": 7})) == N // 100
    # replacing a document's metadata moves it out of the filter
    await store.add([Document(id="7", content="", embedding=data[7], metadata={"m": 8})])
    hits = await store.search(data[7], limit=100, filter={"m": 7})
    assert "7" not in {r.id for r in hits}
    assert await store.count({"m": 7}) == N // 100 - 1
    await store.delete(filter={"m": 7})
    assert await store.search(data[7], limit=5, filter={"m": 7}) == []
    assert (await store.search(data[7], limit=1, filter={"m": 8}))[0].id == "7"


def test_filtered_reads_during_writes_from_another_thread() -> None:
    # the SQLite store writes its in-memory index from a worker thread while
    # searches run on the event loop; cached filter masks must stay exact
    import asyncio
    import threading

    data = _data()
    store = InMemoryVectorStore()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for start in range(0, N, 50):
                docs = [
                    Document(id=str(i), content="", embedding=data[i], metadata={"m": i % 10})
                    for i in range(start, start + 50)
                ]
                asyncio.run(store.add(docs))
            asyncio.run(store.delete(filter={"m": 4}))
        except BaseException as exc:  # reported below
            errors.append(exc)

    async def read(done: threading.Event) -> None:
        while not done.is_set():
            for m in range(10):
                await store.count({"m": m})
                await store.search(data[m], limit=3, filter={"m": {"$in": [m, m + 1]}})
            await asyncio.sleep(0)  # the store's calls never yield: let the loop see the join

    writer = threading.Thread(target=write)
    done = threading.Event()
    writer.start()

    async def main() -> None:
        reader = asyncio.ensure_future(read(done))
        await asyncio.to_thread(writer.join)
        done.set()
        await reader

    asyncio.run(main())
    assert errors == []
    for m in range(10):
        assert asyncio.run(store.count({"m": m})) == (0 if m == 4 else N // 10)
