"""The knowledge protocol, driven by scan()."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from locus import tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import StructuredOutputError
from locus.core.messages import Message, Role, ToolCall
from locus.deepagent import Grounding, ItemRef, KnowledgeProvider, KnowledgeRow, scan
from locus.models import FunctionModel


class Dataset(BaseModel):
    summary: str
    domains: list[str]
    confidence: float


class DatasetRow(KnowledgeRow):
    rows: int = 0


class Catalog:
    """A provider over two canned datasets."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def open(self) -> None:
        self.calls.append("open")

    async def close(self) -> None:
        self.calls.append("close")

    async def discover(self, query: str | None = None) -> list[ItemRef]:
        names = ["tides", "ferries"]
        return [ItemRef(name=n, provider="lisbon") for n in names if not query or query in n]

    async def ground(self, item: ItemRef) -> Grounding:
        self.calls.append(f"ground:{item.key}")
        return Grounding(summary=f"{item.name} table has 120 rows", payload={"rows": 120})

    def tools_for_agent(self, item: ItemRef) -> list[Any]:
        @tool
        def sample(n: int) -> str:
            """Sample rows.

            Args:
                n: How many.
            """
            return f"{item.name}: row1, row2"

        return [sample]

    def output_schema(self) -> type[BaseModel]:
        return Dataset

    async def merge_to_row(
        self,
        item: ItemRef,
        grounding: Grounding,
        research: BaseModel,
        model_id: str,
        prompt_hash: str,
    ) -> KnowledgeRow:
        assert isinstance(research, Dataset)
        return DatasetRow(
            name=item.name,
            provider=item.provider,
            short_description=research.summary,
            domains=research.domains,
            confidence=research.confidence,
            rows=grounding.payload["rows"],
        )


def agent_model(messages: list[Message], tools: Any) -> Any:
    task = next(m.content or "" for m in messages if m.role is Role.USER)
    if not any(m.role is Role.TOOL for m in messages):
        return ToolCall(name="sample", arguments={"n": 2})
    name = task.split()[1]
    return ToolCall(
        name="submit_research",
        arguments={"summary": f"{name} data", "domains": ["transport"], "confidence": 0.9},
    )


def test_protocol_types() -> None:
    assert isinstance(Catalog(), KnowledgeProvider)
    ref = ItemRef(name="tides", provider="lisbon")
    assert ref.key == "lisbon:tides"
    row = KnowledgeRow(name="tides", provider="lisbon", short_description="hourly", tags=["sea"])
    assert row.search_text == "tides hourly sea"
    with pytest.raises(ValueError):
        KnowledgeRow(name="x", provider="p", confidence=1.5)


async def test_scan_researches_each_item_into_a_row() -> None:
    catalog = Catalog()
    checkpointer = MemoryCheckpointer()
    rows = await scan(
        catalog,
        model=FunctionModel(agent_model),
        system_prompt="You catalogue datasets.",
        checkpointer=checkpointer,
        reflexion=False,
        grounding=False,
    )
    assert [(r.name, r.short_description, r.confidence) for r in rows] == [
        ("tides", "tides data", 0.9),
        ("ferries", "ferries data", 0.9),
    ]
    assert all(isinstance(r, DatasetRow) and r.rows == 120 for r in rows)
    assert catalog.calls == ["open", "ground:lisbon:tides", "ground:lisbon:ferries", "close"]
    # each item ran on its own thread
    assert await checkpointer.load("lisbon:tides") is not None


async def test_scan_closes_the_provider_when_an_item_fails() -> None:
    catalog = Catalog()
    with pytest.raises(StructuredOutputError, match="lisbon:tides"):
        await scan(
            catalog,
            model=FunctionModel(lambda messages, tools: "I will not submit."),
            system_prompt="p",
            query="tides",
            reflexion=False,
            grounding=False,
        )
    assert catalog.calls[-1] == "close"
