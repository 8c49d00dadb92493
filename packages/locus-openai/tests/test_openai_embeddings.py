"""OpenAIEmbeddings against a recorded /v1/embeddings body."""

from __future__ import annotations

from typing import Any

import pytest

from locus.core.errors import ModelResponseError, ModelThrottledError, ValidationError
from locus.openai import OpenAIEmbeddings


async def test_embed_orders_by_index_and_sends_float_encoding(recorder: Any) -> None:
    recorder.add("embeddings.json")
    embedder = OpenAIEmbeddings(api_key="sk-test", http_client=recorder.client(), dimensions=3)
    vectors = await embedder.embed(["alpha", "beta"])
    assert vectors == [[0.0023064255, -0.009327292, 0.015797347], [0.5, -0.25, 0.125]]
    assert recorder.requests[0].url.path == "/v1/embeddings"
    assert recorder.body() == {
        "model": "text-embedding-3-small",
        "input": ["alpha", "beta"],
        "encoding_format": "float",
        "dimensions": 3,
    }


async def test_count_mismatch_is_malformed(recorder: Any) -> None:
    recorder.add("embeddings.json")
    embedder = OpenAIEmbeddings(api_key="sk-test", http_client=recorder.client())
    with pytest.raises(ModelResponseError, match="2 embeddings for 3 texts"):
        await embedder.embed(["a", "b", "c"])


async def test_throttling_is_retried(recorder: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    recorder.add("error_429.json", status=429, headers={"retry-after": "2"})
    recorder.add("error_429.json", status=429, headers={"retry-after": "2"})
    embedder = OpenAIEmbeddings(
        api_key="sk-test", http_client=recorder.client(), sleep=fake_sleep, max_retries=1
    )
    with pytest.raises(ModelThrottledError):
        await embedder.embed_query("a")
    assert sleeps == [2.0]


async def test_rejects_a_bare_string() -> None:
    with pytest.raises(ValidationError, match="embed_query"):
        await OpenAIEmbeddings(api_key="k").embed("text")  # type: ignore[arg-type]
