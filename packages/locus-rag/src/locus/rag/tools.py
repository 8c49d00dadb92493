"""Agent tools over a :class:`~locus.rag.retriever.RAGRetriever`: search, context, fetch by id.

Each result carries its chunk ``id`` and ``source`` so the model can cite
it, and the fetch tool takes those ids back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locus.rag.retriever._result import citation_of
from locus.tools import Tool, tool

if TYPE_CHECKING:
    from locus.rag.retriever.retriever import RAGRetriever

__all__ = ["RAGToolkit", "create_rag_context_tool", "create_rag_tool"]

_SEARCH = (
    "Search the knowledge base. Returns the most relevant passages with their id, "
    "source and score; cite passages by source, and fetch a whole passage by id."
)
_CONTEXT = "Get background passages for a question, as numbered text to cite like [1]."
_FETCH = "Fetch knowledge-base passages by the ids that a search returned."


def create_rag_tool(
    retriever: RAGRetriever,
    name: str = "search_knowledge",
    description: str | None = None,
    limit: int = 5,
    threshold: float | None = None,
) -> Tool:
    """A tool that searches the knowledge base and returns cited passages.

    Args:
        retriever: Where to search.
        name: Tool name.
        description: Tool description for the model.
        limit: Largest number of passages per call (the model may ask for fewer).
        threshold: Drop passages scoring below it (scores depend on the
            embedding model, so there is no default).
    """

    @tool(name=name, description=description or _SEARCH)
    async def search(query: str, max_results: int = limit) -> dict[str, Any]:
        """Search the knowledge base.

        Args:
            query: What to look for, in natural language.
            max_results: How many passages to return.
        """
        n = max(1, min(int(max_results), limit))
        found = await retriever.retrieve(query, limit=n, threshold=threshold)
        return {
            "query": query,
            "results": [{**citation_of(r), "text": r.document.content} for r in found.documents],
        }

    return search


def create_rag_context_tool(
    retriever: RAGRetriever,
    name: str = "get_context",
    description: str | None = None,
    limit: int = 3,
) -> Tool:
    """A tool returning numbered passages (``[1] (source; id=...)``) for a question."""

    @tool(name=name, description=description or _CONTEXT)
    async def context(question: str) -> str:
        """Get background passages for a question.

        Args:
            question: The question to find context for.
        """
        found = await retriever.retrieve(question, limit=limit)
        return found.to_context() or "No relevant passages found."

    return context


def _create_fetch_tool(retriever: RAGRetriever, name: str) -> Tool:
    @tool(name=name, description=_FETCH)
    async def fetch(ids: list[str]) -> dict[str, Any]:
        """Fetch passages by id.

        Args:
            ids: Passage ids from a search result.
        """
        docs = await retriever.get(list(ids))
        found = {d.id for d in docs}
        return {
            "passages": [
                {
                    "id": d.id,
                    "source": d.metadata.get("source") or d.metadata.get("document_id"),
                    "section": d.metadata.get("section"),
                    "text": d.content,
                }
                for d in docs
            ],
            "missing": [i for i in ids if i not in found],
        }

    return fetch


class RAGToolkit:
    """The three knowledge-base tools, named ``<prefix>_search``, ``<prefix>_context``,
    ``<prefix>_fetch``.

    Args:
        retriever: The knowledge base.
        prefix: Tool-name prefix (several toolkits can serve one agent).
        limit: Passages per search.
    """

    def __init__(self, retriever: RAGRetriever, prefix: str = "kb", *, limit: int = 5) -> None:
        self.retriever = retriever
        self.prefix = prefix
        self.search_tool = create_rag_tool(retriever, f"{prefix}_search", limit=limit)
        self.context_tool = create_rag_context_tool(retriever, f"{prefix}_context")
        self.lookup_tool = _create_fetch_tool(retriever, f"{prefix}_fetch")

    def get_tools(self) -> list[Tool]:
        """Search, context and fetch, for ``Agent(tools=...)``."""
        return [self.search_tool, self.context_tool, self.lookup_tool]
