"""``RetrievalResult``: what a query found, with scores and sources for citations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from locus.rag.stores.base import SearchResult

__all__ = ["RetrievalResult", "citation_of"]


def citation_of(result: SearchResult) -> dict[str, Any]:
    """The fields a model needs to cite one chunk."""
    meta = result.document.metadata
    return {
        "id": result.document.id,
        "source": meta.get("source") or meta.get("document_id"),
        "section": meta.get("section"),
        "chunk_index": meta.get("chunk_index"),
        "score": round(result.score, 4),
    }


@dataclass
class RetrievalResult:
    """The chunks a query found, best first.

    Attributes:
        documents: The hits (``document``, ``score``, ``distance``).
        query: The query text.
        total_results: How many candidates the store returned before
            thresholding, reranking and cutting to the limit.
    """

    documents: list[SearchResult]
    query: str
    total_results: int = 0
    stages: list[str] = field(default_factory=list)
    """What ran: ``vector``, ``keyword``, ``rrf``, ``threshold``, ``mmr``, ``rerank:<model>``."""

    def __len__(self) -> int:
        return len(self.documents)

    def __bool__(self) -> bool:
        return bool(self.documents)

    @property
    def texts(self) -> list[str]:
        """The chunks' text."""
        return [r.document.content for r in self.documents]

    @property
    def sources(self) -> list[str]:
        """Distinct sources of the hits, in rank order."""
        seen: dict[str, None] = {}
        for r in self.documents:
            src = citation_of(r)["source"]
            if src is not None:
                seen.setdefault(str(src), None)
        return list(seen)

    @property
    def citations(self) -> list[dict[str, Any]]:
        """One citation per hit: ``id``, ``source``, ``section``, ``chunk_index``, ``score``."""
        return [citation_of(r) for r in self.documents]

    def to_context(self, *, max_chars: int | None = None) -> str:
        """The hits as numbered passages a model can cite as ``[1]``, ``[2]``...

        Args:
            max_chars: Stop adding passages past this many characters.
        """
        parts: list[str] = []
        used = 0
        for n, r in enumerate(self.documents, 1):
            cite = citation_of(r)
            where = cite["source"] or cite["id"]
            if cite["section"]:
                where = f"{where} § {cite['section']}"
            block = (
                f"[{n}] ({where}; id={r.document.id}; score={r.score:.3f})\n{r.document.content}"
            )
            if max_chars is not None and parts and used + len(block) > max_chars:
                break
            parts.append(block)
            used += len(block)
        return "\n\n".join(parts)
