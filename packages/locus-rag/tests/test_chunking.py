"""Chunking: sizes, overlap, offsets, headings, sentences, determinism."""

from __future__ import annotations

import itertools

import pytest

from locus.core.errors import ValidationError
from locus.rag.chunking import ChunkConfig, chunk_text

PROSE = " ".join(f"Sentence number {i} talks about topic {i % 7}." for i in range(60))


def test_character_chunks_respect_size_overlap_and_offsets() -> None:
    cfg = ChunkConfig(chunk_size=200, chunk_overlap=50)
    chunks = chunk_text(PROSE, cfg)
    assert len(chunks) > 5
    for c in chunks:
        assert len(c.text) <= 200
        assert PROSE[c.start : c.end] == c.text
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end, "consecutive chunks overlap"
        assert a.end - b.start <= 50 + 1
    assert chunks[-1].end == len(PROSE.rstrip())
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_paragraphs_are_preferred_breaks() -> None:
    text = ("alpha " * 30).strip() + "\n\n" + ("beta " * 30).strip()
    chunks = chunk_text(text, ChunkConfig(chunk_size=250, chunk_overlap=0))
    assert chunks[0].text.split()[-1] == "alpha"
    assert chunks[1].text.startswith("beta")


def test_token_chunks_count_tokens_with_overlap() -> None:
    chunks = chunk_text(PROSE, ChunkConfig(chunk_size=40, chunk_overlap=10, strategy="tokens"))
    words = [c.text.replace(".", " .").split() for c in chunks]
    assert all(len(w) <= 40 for w in words)
    assert words[1][:10] == words[0][-10:]


def test_sentence_chunks_keep_sentences_whole() -> None:
    chunks = chunk_text(PROSE, ChunkConfig(chunk_size=150, chunk_overlap=60, strategy="sentences"))
    for c in chunks:
        assert c.text.startswith("Sentence number")
        assert c.text.endswith(".")
        assert len(c.text) <= 150
    assert chunks[1].text.split(".")[0] in chunks[0].text  # overlap repeats a sentence


def test_markdown_sections_carry_heading_paths_and_skip_code_fences() -> None:
    md = (
        "# Guide\nIntro.\n\n## Install\nRun pip.\n\n```bash\n# not a heading\n```\n\n"
        "### Extras\nAdd [pdf].\n\n## Use\nCall it.\n"
    )
    chunks = chunk_text(md, ChunkConfig(chunk_size=500, chunk_overlap=0, strategy="markdown"))
    assert [c.section for c in chunks] == [
        "Guide",
        "Guide > Install",
        "Guide > Install > Extras",
        "Guide > Use",
    ]
    assert "# not a heading" in chunks[1].text


def test_chunking_is_deterministic_and_validates() -> None:
    cfg = ChunkConfig(chunk_size=120, chunk_overlap=30)
    assert chunk_text(PROSE, cfg) == chunk_text(PROSE, cfg)
    assert chunk_text("   ", cfg) == []
    with pytest.raises(ValidationError, match="chunk_overlap"):
        ChunkConfig(chunk_size=100, chunk_overlap=100)
    with pytest.raises(ValidationError, match="strategy"):
        ChunkConfig(strategy="pages")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        chunk_text(b"bytes")  # type: ignore[arg-type]
