"""``CohereReranker``: Cohere rerank models on OCI Generative AI, through locus-oci's client."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from locus.core.errors import ConfigError
from locus.rag.stores.base import SearchResult

__all__ = ["CohereReranker"]


class CohereReranker:
    """Reranks with :class:`locus.oci.OCIReranker` (``/actions/rerankText``).

    Args:
        model: Rerank model id or dedicated endpoint OCID.
        top_n: Default number of results kept.
        max_chunks_per_document: Passed to the service when set.
        client: An existing :class:`~locus.oci.OCIReranker` (its settings win).
        **options: Credentials and endpoint options of
            :class:`~locus.oci.OCIReranker` (``compartment_id``, ``profile_name``,
            ``config_file``, ``region``, ``service_endpoint``...).

    Raises:
        ConfigError: locus-oci is not installed.
    """

    def __init__(
        self,
        *,
        model: str = "cohere.rerank-v3.5",
        top_n: int | None = None,
        max_chunks_per_document: int | None = None,
        client: Any = None,
        **options: Any,
    ) -> None:
        if client is None:
            try:
                from locus.oci import OCIReranker
            except ImportError as exc:
                raise ConfigError(
                    "CohereReranker needs locus-oci: pip install 'locus-rag[oci]'"
                ) from exc
            client = OCIReranker(
                model, top_n=top_n, max_chunks_per_document=max_chunks_per_document, **options
            )
        self.client = client
        self.model = str(getattr(client, "model", model))
        self.top_n = top_n

    def __repr__(self) -> str:
        return f"CohereReranker(model={self.model!r})"

    async def rerank(
        self, query: str, results: list[SearchResult], *, top_n: int | None = None
    ) -> list[SearchResult]:
        """``results`` ordered by the model's relevance score, best first."""
        if not results:
            return []
        n = top_n if top_n is not None else self.top_n
        ranks = await self.client.rerank(query, [r.document.content for r in results], top_n=n)
        return [replace(results[r.index], score=float(r.score)) for r in ranks]
