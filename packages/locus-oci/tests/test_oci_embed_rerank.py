"""OCIEmbeddings and OCIReranker against recorded embedText / rerankText responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from locus.core.errors import ModelResponseError, ValidationError
from locus.oci import OCIEmbeddings, OCIReranker, RerankResult

COMPARTMENT = "ocid1.compartment.oc1..aaaatest"


@pytest.fixture
def opts(oci_config_file: Path, recorder: Any, fake_sleep: Any) -> dict[str, Any]:
    return {
        "config_file": str(oci_config_file),
        "compartment_id": COMPARTMENT,
        "transport": recorder.transport(),
        "sleep": fake_sleep,
    }


async def test_embed_batches_and_request_body(opts: dict[str, Any], recorder: Any) -> None:
    recorder.add("embed_text.json").add("embed_text_one.json")
    emb = OCIEmbeddings(batch_size=2, **opts)
    vectors = await emb.embed(["a", "b", "c"])
    assert vectors == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]
    first = recorder.body(0)
    assert str(recorder.requests[0].url).endswith("/20231130/actions/embedText")
    assert first == {
        "inputs": ["a", "b"],
        "servingMode": {"servingType": "ON_DEMAND", "modelId": "cohere.embed-english-v3.0"},
        "compartmentId": COMPARTMENT,
        "inputType": "SEARCH_DOCUMENT",
        "truncate": "END",
    }
    assert recorder.body(1)["inputs"] == ["c"]


async def test_embed_query_and_errors(opts: dict[str, Any], recorder: Any) -> None:
    recorder.add("embed_text_one.json").add("embed_text.json")
    emb = OCIEmbeddings(**opts)
    assert await emb.embed_query("q") == [0.7, 0.8, 0.9]
    assert recorder.body()["inputType"] == "SEARCH_QUERY"
    with pytest.raises(ModelResponseError, match="2 embeddings for 1"):
        await emb.embed(["only one"])
    with pytest.raises(ValidationError):
        await emb.embed("not a list")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        OCIEmbeddings(batch_size=500, **opts)


async def test_rerank(opts: dict[str, Any], recorder: Any) -> None:
    recorder.add("rerank_text.json")
    rr = OCIReranker("ocid1.generativeaiendpoint.oc1.rerank", **opts)
    docs = ["cats", "dogs", "OCI regions"]
    results = await rr.rerank("cloud regions", docs, top_n=2)
    assert results == [RerankResult(2, 0.91, "OCI regions"), RerankResult(0, 0.42, "cats")]
    body = recorder.body()
    assert str(recorder.requests[0].url).endswith("/20231130/actions/rerankText")
    assert body["input"] == "cloud regions"
    assert body["documents"] == docs
    assert body["topN"] == 2
    assert body["servingMode"] == {
        "servingType": "DEDICATED",
        "endpointId": "ocid1.generativeaiendpoint.oc1.rerank",
    }
    assert await rr.rerank("q", []) == []
