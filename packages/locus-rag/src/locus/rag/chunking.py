"""Splitting text into chunks: by characters, tokens, sentences or markdown headings.

Every chunk keeps its character offsets in the source, so a citation can
point back into it, and chunking is deterministic: the same text and
settings always give the same chunks (the retriever's chunk ids rely on it).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from locus.core.errors import ValidationError

__all__ = ["STRATEGIES", "Chunk", "ChunkConfig", "Strategy", "chunk_text"]

Strategy = Literal["characters", "tokens", "sentences", "markdown"]
STRATEGIES: tuple[str, ...] = ("characters", "tokens", "sentences", "markdown")

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])[\"')\]]*\s+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class ChunkConfig:
    """How to split documents.

    Attributes:
        chunk_size: Largest chunk: characters, or tokens for ``tokens``.
        chunk_overlap: How much of the end of a chunk the next one repeats
            (characters, or tokens), so a sentence cut at a boundary is whole in one.
        separator: Preferred break for ``characters`` (paragraphs by default).
        strategy: ``characters``, ``tokens``, ``sentences`` or ``markdown``
            (sections by heading; long sections split by characters).
    """

    chunk_size: int = 1000
    chunk_overlap: int = 200
    separator: str = "\n\n"
    strategy: Strategy = "characters"

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValidationError(f"chunk_size must be >= 1, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ValidationError(
                f"chunk_overlap must be >= 0 and smaller than chunk_size ({self.chunk_size}), "
                f"got {self.chunk_overlap}"
            )
        if self.strategy not in STRATEGIES:
            raise ValidationError(
                f"strategy must be one of {', '.join(STRATEGIES)}, got {self.strategy!r}"
            )


@dataclass(frozen=True)
class Chunk:
    """A piece of a document.

    Attributes:
        text: The chunk's text (stripped).
        index: Position among the document's chunks, from 0.
        start: Offset of the chunk's first character in the source.
        end: Offset just past its last character.
        section: Heading path (``"Guide > Install"``) for markdown chunks.
    """

    text: str
    index: int
    start: int
    end: int
    section: str | None = field(default=None)


def chunk_text(
    text: str,
    config: ChunkConfig | None = None,
    *,
    tokenizer: Callable[[str], list[tuple[int, int]]] | None = None,
) -> list[Chunk]:
    """Split ``text`` into chunks under ``config`` (defaults: 1000 characters, 200 overlap).

    Args:
        text: The document.
        config: Size, overlap and strategy.
        tokenizer: For ``tokens``: returns each token's ``(start, end)``
            offsets; default splits words and punctuation.

    Raises:
        ValidationError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise ValidationError(f"chunk_text() takes a string, got {type(text).__name__}")
    cfg = config or ChunkConfig()
    if cfg.strategy == "tokens":
        spans = _token_windows(text, cfg, tokenizer or _default_tokens)
    elif cfg.strategy == "sentences":
        spans = _sentence_windows(text, cfg)
    elif cfg.strategy == "markdown":
        return _markdown_chunks(text, cfg)
    else:
        spans = _char_windows(text, 0, len(text), cfg)
    return _number([(s, e, None) for s, e in spans], text)


def _number(spans: list[tuple[int, int, str | None]], text: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    for start, end, section in spans:
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            s = start + lead
            chunks.append(Chunk(body, len(chunks), s, s + len(body), section))
    return chunks


def _char_windows(text: str, lo: int, hi: int, cfg: ChunkConfig) -> list[tuple[int, int]]:
    """Windows of at most ``chunk_size`` characters over ``text[lo:hi]``, ending at a
    separator, else a line break, else whitespace, when one is in the window's second half."""
    size, overlap = cfg.chunk_size, cfg.chunk_overlap
    spans: list[tuple[int, int]] = []
    pos = lo
    while pos < hi:
        end = min(pos + size, hi)
        if end < hi:
            floor = pos + size // 2
            for sep in (cfg.separator, "\n", " "):
                cut = text.rfind(sep, floor, end) if sep else -1
                if cut > pos:
                    end = cut + len(sep)
                    break
        spans.append((pos, end))
        if end >= hi:
            break
        nxt = max(end - overlap, pos + 1)
        if overlap:
            # start the overlap at a word boundary
            space = text.find(" ", nxt, end)
            nxt = space + 1 if space != -1 else nxt
        pos = nxt
    return spans


def _default_tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


def _token_windows(
    text: str, cfg: ChunkConfig, tokenizer: Callable[[str], list[tuple[int, int]]]
) -> list[tuple[int, int]]:
    tokens = tokenizer(text)
    spans: list[tuple[int, int]] = []
    step = cfg.chunk_size - cfg.chunk_overlap
    for first in range(0, len(tokens), step):
        window = tokens[first : first + cfg.chunk_size]
        spans.append((window[0][0], window[-1][1]))
        if first + cfg.chunk_size >= len(tokens):
            break
    return spans


def _sentence_windows(text: str, cfg: ChunkConfig) -> list[tuple[int, int]]:
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    sentences = [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        start, end = sentences[i]
        if end - start > cfg.chunk_size:  # one long sentence: cut it by characters
            spans.extend(_char_windows(text, start, end, cfg))
            i += 1
            continue
        j = i + 1
        while j < len(sentences) and sentences[j][1] - start <= cfg.chunk_size:
            end = sentences[j][1]
            j += 1
        spans.append((start, end))
        if j >= len(sentences):
            break
        # overlap: repeat the last whole sentences that fit in chunk_overlap
        back = j
        while back - 1 > i and end - sentences[back - 1][0] <= cfg.chunk_overlap:
            back -= 1
        i = back
    return spans


def _markdown_chunks(text: str, cfg: ChunkConfig) -> list[Chunk]:
    sections: list[tuple[int, int, str | None]] = []
    path: list[tuple[int, str]] = []
    start, current = 0, None
    in_fence = False
    offset = 0
    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line.rstrip("\r\n"))
        if heading:
            if offset > start:
                sections.append((start, offset, current))
            level = len(heading.group(1))
            path = [(lv, t) for lv, t in path if lv < level] + [(level, heading.group(2).strip())]
            current = " > ".join(t for _, t in path)
            start = offset
        offset += len(line)
    if offset > start:
        sections.append((start, offset, current))
    spans: list[tuple[int, int, str | None]] = []
    for lo, hi, section in sections:
        spans.extend((s, e, section) for s, e in _char_windows(text, lo, hi, cfg))
    return _number(spans, text)
