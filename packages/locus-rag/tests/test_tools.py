"""RAG tools: search with citations, context, fetch by id; used by an Agent."""

from __future__ import annotations

import json

from locus import Agent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.rag import (
    HashingEmbeddings,
    RAGRetriever,
    RAGToolkit,
    create_rag_context_tool,
    create_rag_tool,
)


async def _kb() -> RAGRetriever:
    rag = RAGRetriever(HashingEmbeddings())
    await rag.add_document("Refunds are issued within 14 days of a return.", source="policy.md")
    await rag.add_document("Shipping to Canada takes five business days.", source="shipping.md")
    return rag


async def test_search_tool_returns_cited_passages_and_caps_results() -> None:
    search = create_rag_tool(await _kb(), limit=1)
    assert search.name == "search_knowledge"
    assert set(search.parameters["properties"]) == {"query", "max_results"}
    out = await search.execute(query="how long do refunds take", max_results=5)
    assert len(out["results"]) == 1
    hit = out["results"][0]
    assert hit["source"] == "policy.md"
    assert hit["id"] == "policy.md#0"
    assert "14 days" in hit["text"]


async def test_context_tool_numbers_passages() -> None:
    context = create_rag_context_tool(await _kb(), limit=2)
    text = await context.execute(question="shipping to canada")
    assert text.startswith("[1] (shipping.md; id=shipping.md#0;")
    assert "[2]" in text


async def test_toolkit_fetches_by_id_and_reports_missing() -> None:
    kit = RAGToolkit(await _kb(), prefix="docs")
    assert [t.name for t in kit.get_tools()] == ["docs_search", "docs_context", "docs_fetch"]
    out = await kit.lookup_tool.execute(ids=["shipping.md#0", "nope#3"])
    assert out["passages"][0]["source"] == "shipping.md"
    assert out["missing"] == ["nope#3"]


async def test_agent_searches_then_answers_with_a_citation() -> None:
    rag = await _kb()
    model = ScriptedModel(
        [
            ToolCall(id="c1", name="kb_search", arguments={"query": "refund time"}),
            "Refunds take 14 days [policy.md].",
        ]
    )
    agent = Agent(model=model, tools=RAGToolkit(rag).get_tools())
    result = await agent.invoke("How long do refunds take?")
    assert result.message == "Refunds take 14 days [policy.md]."
    (execution,) = result.tool_executions
    assert execution.name == "kb_search"
    assert json.loads(str(execution.result))["results"][0]["source"] == "policy.md"


async def test_retriever_as_tool_is_the_search_tool() -> None:
    search = (await _kb()).as_tool(name="docs", limit=2)
    assert search.name == "docs"
    out = await search.execute(query="shipping canada")
    assert out["results"][0]["source"] == "shipping.md"
