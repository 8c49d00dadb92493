"""locus-rag over the provider clients it reuses: OCI (Cohere embed + rerank) and OpenAI
embeddings, through each SDK's HTTP layer with recorded wire-format responses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from locus.models.guard import override_allow_model_requests
from locus.oci import OCIEmbeddings
from locus.openai import OpenAIEmbeddings
from locus.rag import CohereReranker, EmbeddingProvider, RAGRetriever
from locus.rag.embeddings import OCIEmbeddings as ReExported
from locus.testing.http import RecordedHTTP, SleepRecorder

COMPARTMENT = "ocid1.compartment.oc1..aaaatest"
RERANK_ENDPOINT = "ocid1.generativeaiendpoint.oc1.rerank"
DOCS = {
    "cats.txt": "Cats sleep most of the day.",
    "regions.txt": "OCI regions host the Generative AI service.",
    "dogs.txt": "Dogs like long walks.",
}


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


@pytest.fixture
def oci_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for var in ("OCI_CONFIG_FILE", "OCI_CONFIG_PROFILE", "OCI_REGION", "OCI_COMPARTMENT_ID"):
        monkeypatch.delenv(var, raising=False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_path = tmp_path / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    config = tmp_path / "config"
    config.write_text(
        "[DEFAULT]\nuser=ocid1.user.oc1..aaaauser\n"
        "fingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\n"
        f"key_file={key_path}\ntenancy=ocid1.tenancy.oc1..aaaatenancy\nregion=us-chicago-1\n"
    )
    return {"config_file": str(config), "compartment_id": COMPARTMENT, "sleep": SleepRecorder()}


def _embedding(vector: list[float]) -> dict[str, Any]:
    return {"id": "emb", "embeddings": [vector], "modelId": "cohere.embed-english-v3.0"}


async def test_oci_embeddings_and_cohere_rerank_drive_the_retriever(
    oci_options: dict[str, Any],
) -> None:
    recorder = RecordedHTTP()
    for vector in ([1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]):
        recorder.add(_embedding(vector))
    recorder.add(_embedding([1.0, 0.1, 0.0]))  # the query: nearest to cats, then regions
    recorder.add(
        {
            "id": "rr",
            "modelId": "cohere.rerank-v3.5",
            "documentRanks": [
                {"index": 1, "relevanceScore": 0.93},
                {"index": 0, "relevanceScore": 0.12},
            ],
        }
    )
    transport = recorder.transport()
    embedder = OCIEmbeddings(transport=transport, **oci_options)
    assert ReExported is OCIEmbeddings
    assert isinstance(embedder, EmbeddingProvider)
    rag = RAGRetriever(
        embedder,
        reranker=CohereReranker(model=RERANK_ENDPOINT, transport=transport, **oci_options),
        rerank_candidate_pool=2,
    )
    for source, text in DOCS.items():
        await rag.add_document(text, source=source)

    found = await rag.retrieve("where does the Generative AI service run?", limit=1)

    assert [recorder.body(i)["inputType"] for i in range(4)] == [
        "SEARCH_DOCUMENT",
        "SEARCH_DOCUMENT",
        "SEARCH_DOCUMENT",
        "SEARCH_QUERY",
    ]
    rerank = recorder.body(4)
    assert str(recorder.requests[4].url).endswith("/actions/rerankText")
    assert rerank["input"] == "where does the Generative AI service run?"
    assert rerank["documents"] == [DOCS["cats.txt"], DOCS["regions.txt"]]
    assert rerank["topN"] == 1
    assert found.sources == ["regions.txt"]
    assert found.documents[0].score == pytest.approx(0.93)
    assert found.stages == ["vector", f"rerank:{RERANK_ENDPOINT}"]


def _openai(vector: list[float]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": vector}],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 3, "total_tokens": 3},
    }


async def test_openai_embeddings_plug_in_unchanged() -> None:
    recorder = RecordedHTTP()
    for vector in ([1.0, 0.0], [0.0, 1.0], [0.1, 0.9]):
        recorder.add(_openai(vector))
    embedder = OpenAIEmbeddings(api_key="sk-test", http_client=recorder.client())
    rag = RAGRetriever(embedder)
    await rag.add_documents(
        [("apples are fruit", {"source": "a"}), ("postgres is a database", {"source": "b"})]
    )
    assert recorder.body(0) == {
        "model": "text-embedding-3-small",
        "input": ["apples are fruit"],
        "encoding_format": "float",
    }
    found = await rag.retrieve("which one stores rows?", limit=1)
    assert recorder.body(2)["input"] == ["which one stores rows?"]
    assert found.sources == ["b"]
