"""``OCIEmbeddings``: OCI Generative AI text embeddings (``/actions/embedText``)."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.oci._client import OCIClientBase, serving_mode
from locus.oci._errors import malformed

__all__ = ["INPUT_TYPES", "OCIEmbeddings"]

INPUT_TYPES = ("SEARCH_DOCUMENT", "SEARCH_QUERY", "CLASSIFICATION", "CLUSTERING")
MAX_BATCH = 96
"""Inputs per embedText call accepted by the service."""


class OCIEmbeddings(OCIClientBase):
    """Embed texts with an OCI embedding model (``cohere.embed-english-v3.0`` by default).

    Args:
        model: Embedding model id, or a dedicated endpoint OCID.
        input_type: ``SEARCH_DOCUMENT`` (default for :meth:`embed`),
            ``SEARCH_QUERY`` (used by :meth:`embed_query`), ``CLASSIFICATION``,
            ``CLUSTERING``.
        truncate: ``NONE``, ``START`` or ``END`` (default) for over-long inputs.
        dimensions: Output size for models that support shortening.
        batch_size: Texts per request (at most 96); longer lists are split and re-joined.
        **options: Credentials and endpoint options (see
            :class:`~locus.oci.OCICohereModel`).

    Raises:
        locus.core.errors.ModelAuthError: No usable OCI credentials.
    """

    def __init__(
        self,
        model: str = "cohere.embed-english-v3.0",
        *,
        input_type: str = "SEARCH_DOCUMENT",
        truncate: str = "END",
        dimensions: int | None = None,
        batch_size: int = MAX_BATCH,
        **options: Any,
    ) -> None:
        if input_type.upper() not in INPUT_TYPES:
            raise ValidationError(f"input_type must be one of {', '.join(INPUT_TYPES)}")
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValidationError(f"batch_size must be between 1 and {MAX_BATCH}, got {batch_size}")
        super().__init__(**options)
        self.model = model
        self.input_type = input_type.upper()
        self.truncate = truncate.upper()
        self.dimensions = dimensions
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return f"OCIEmbeddings(model={self.model!r})"

    async def embed(self, texts: list[str], *, input_type: str | None = None) -> list[list[float]]:
        """One vector per text, in order.

        Raises:
            ValidationError: ``texts`` is not a list of strings.
            locus.core.errors.ModelError: The request failed.
        """
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise ValidationError("embed() takes a list of strings; use embed_query() for one")
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            vectors.extend(await self._embed_batch(batch, (input_type or self.input_type).upper()))
        return vectors

    async def embed_query(self, text: str) -> list[float]:
        """The vector of one search query (``input_type=SEARCH_QUERY``)."""
        return (await self.embed([text], input_type="SEARCH_QUERY"))[0]

    async def _embed_batch(self, batch: list[str], input_type: str) -> list[list[float]]:
        body: dict[str, Any] = {
            "inputs": batch,
            "servingMode": serving_mode(self.model),
            "compartmentId": self.compartment_id,
            "inputType": input_type,
            "truncate": self.truncate,
        }
        if self.dimensions is not None:
            body["outputDimensions"] = self.dimensions
        result = await self.post_json("embedText", body)
        try:
            vectors = [[float(x) for x in vector] for vector in result["embeddings"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(
                self.provider_name, "no embeddings[] in the embedText result", exc
            ) from exc
        if len(vectors) != len(batch):
            raise malformed(self.provider_name, f"{len(vectors)} embeddings for {len(batch)} texts")
        return vectors
