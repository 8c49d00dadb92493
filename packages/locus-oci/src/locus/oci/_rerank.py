"""``OCIReranker``: Cohere rerank models on OCI Generative AI (``/actions/rerankText``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locus.core.errors import ValidationError
from locus.oci._client import OCIClientBase, serving_mode
from locus.oci._errors import malformed

__all__ = ["OCIReranker", "RerankResult"]


@dataclass(frozen=True)
class RerankResult:
    """One ranked document.

    Attributes:
        index: Position of the document in the list given to :meth:`OCIReranker.rerank`.
        score: Relevance score (higher is more relevant).
        document: The document text.
    """

    index: int
    score: float
    document: str


class OCIReranker(OCIClientBase):
    """Rerank documents against a query (``cohere.rerank-v3.5`` by default).

    Args:
        model: Rerank model id, or a dedicated endpoint OCID (rerank models are
            usually served from dedicated AI clusters).
        top_n: Default number of results (all when ``None``).
        max_chunks_per_document: Passed through when set.
        **options: Credentials and endpoint options (see :class:`~locus.oci.OCICohereModel`).
    """

    def __init__(
        self,
        model: str = "cohere.rerank-v3.5",
        *,
        top_n: int | None = None,
        max_chunks_per_document: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.model = model
        self.top_n = top_n
        self.max_chunks_per_document = max_chunks_per_document

    def __repr__(self) -> str:
        return f"OCIReranker(model={self.model!r})"

    async def rerank(
        self, query: str, documents: list[str], *, top_n: int | None = None
    ) -> list[RerankResult]:
        """Documents ordered by relevance to ``query``, most relevant first.

        Raises:
            ValidationError: Empty query or a non-string document.
            locus.core.errors.ModelError: The request failed.
        """
        if not query:
            raise ValidationError("rerank() needs a non-empty query")
        if isinstance(documents, str) or not all(isinstance(d, str) for d in documents):
            raise ValidationError("rerank() takes a list of document strings")
        if not documents:
            return []
        body: dict[str, Any] = {
            "input": query,
            "documents": documents,
            "servingMode": serving_mode(self.model),
            "compartmentId": self.compartment_id,
        }
        n = top_n if top_n is not None else self.top_n
        if n is not None:
            body["topN"] = n
        if self.max_chunks_per_document is not None:
            body["maxChunksPerDocument"] = self.max_chunks_per_document
        result = await self.post_json("rerankText", body)
        try:
            ranks = [
                RerankResult(
                    index=int(item["index"]),
                    score=float(item["relevanceScore"]),
                    document=documents[int(item["index"])],
                )
                for item in result["documentRanks"]
            ]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise malformed(
                self.provider_name, "bad documentRanks in the rerank result", exc
            ) from exc
        return sorted(ranks, key=lambda r: r.score, reverse=True)
