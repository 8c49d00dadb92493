"""OpenSearch checkpointer for locus (``pip install locus-checkpoint-opensearch``).

Example:
    >>> from locus.checkpoint import get_checkpointer  # doctest: +SKIP
    >>> cp = get_checkpointer("opensearchs://admin:pw@search.example.com:9200")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.opensearch._checkpointer import OpenSearchCheckpointer
from locus.checkpoint.opensearch._documents import INDEX_SCHEMA_VERSION, mapping

__all__ = ["INDEX_SCHEMA_VERSION", "OpenSearchCheckpointer", "from_url", "mapping"]


def from_url(url: str, **options: Any) -> OpenSearchCheckpointer:
    """Factory for ``opensearch://`` (HTTP) and ``opensearchs://`` (HTTPS) URLs.

    Args:
        url: ``opensearch://[user:password@]host:port``.
        **options: ``index``, ``refresh``, ``ttl``, ``client_options``.
    """
    return OpenSearchCheckpointer.from_url(url, **options)
