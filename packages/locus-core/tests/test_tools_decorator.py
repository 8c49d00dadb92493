"""@tool: schema from hints and docstrings, validation before the body, context injection."""

from __future__ import annotations

from enum import Enum
from typing import Literal

import pytest
from pydantic import BaseModel

from locus.core.errors import ToolError, ToolValidationError, ValidationError
from locus.core.protocols import ToolProtocol
from locus.tools import Tool, ToolContext, tool


class Priority(Enum):
    LOW = "low"
    HIGH = "high"


class LineItem(BaseModel):
    sku: str
    qty: int


def test_schema_from_hints_and_google_docstring() -> None:
    @tool
    def search(query: str, limit: int = 5, tags: list[str] | None = None) -> list[str]:
        """Search the catalogue.

        Args:
            query: Free-text query.
            limit: Maximum results,
                at most 50.
            tags: Optional tag filter.
        """
        return []

    assert isinstance(search, Tool)
    assert search.name == "search"
    assert search.description == "Search the catalogue."
    props = search.parameters["properties"]
    assert search.parameters["type"] == "object"
    assert search.parameters["required"] == ["query"]
    assert props["query"] == {"type": "string", "description": "Free-text query."}
    assert props["limit"]["default"] == 5
    assert props["limit"]["description"] == "Maximum results, at most 50."
    assert props["tags"]["description"] == "Optional tag filter."


def test_pydantic_models_enums_literals_in_schema() -> None:
    @tool(name="submit", description="Submit an order.")
    def submit_po(
        items: list[LineItem], priority: Priority, mode: Literal["fast", "cheap"] = "fast"
    ) -> dict[str, int]:
        return {"n": len(items)}

    assert submit_po.name == "submit"
    assert submit_po.description == "Submit an order."
    schema = submit_po.parameters
    assert "LineItem" in schema["$defs"]
    assert schema["$defs"]["Priority"]["enum"] == ["low", "high"]
    assert schema["properties"]["mode"]["enum"] == ["fast", "cheap"]


def test_arguments_are_validated_before_the_body_runs() -> None:
    calls: list[int] = []

    @tool
    def double(x: int) -> int:
        """Double a number."""
        calls.append(x)
        return x * 2

    with pytest.raises(ToolValidationError, match="x"):
        double.validate_arguments({"x": "not a number"})
    with pytest.raises(ToolValidationError):
        double.validate_arguments({"x": 1, "unexpected": 2})
    kwargs, canonical = double.validate_arguments({"x": "3"})
    assert kwargs == {"x": 3}
    assert canonical == '{"x":3}'
    assert calls == []


async def test_execute_validates_and_converts_nested_models() -> None:
    @tool
    async def total(items: list[LineItem]) -> int:
        """Total quantity."""
        return sum(i.qty for i in items)

    assert await total.execute(items=[{"sku": "a", "qty": 2}, {"sku": "b", "qty": "3"}]) == 5
    with pytest.raises(ToolValidationError):
        await total.execute(items=[{"sku": "a"}])


def test_tool_is_still_callable_and_satisfies_protocol() -> None:
    @tool
    def greet(name: str) -> str:
        """Say hello."""
        return f"hi {name}"

    assert greet("bob") == "hi bob"
    assert isinstance(greet, ToolProtocol)
    assert greet.to_openai_schema()["function"]["name"] == "greet"


async def test_tool_context_is_injected_and_hidden_from_schema() -> None:
    seen: list[ToolContext] = []

    @tool
    def charge(amount: int, ctx: ToolContext) -> str:
        """Charge a card."""
        seen.append(ctx)
        return "ok"

    assert set(charge.parameters["properties"]) == {"amount"}
    assert charge.context_param == "ctx"
    assert await charge.execute(amount=3) == "ok"
    assert isinstance(seen[0], ToolContext)
    assert seen[0].tool_name == "charge"


def test_bad_options_give_clear_errors() -> None:
    with pytest.raises(ValidationError, match="idempotency_scope"):

        @tool(idempotent=True, idempotency_scope="global")  # type: ignore[arg-type]
        def g() -> None:
            """G."""

    with pytest.raises(ValidationError, match="timeout"):

        @tool(timeout=0)
        def f() -> None:
            """F."""

    with pytest.raises(ValidationError, match="name"):
        tool(lambda x: x)

    def splat(*args: int) -> None:
        """Bad."""

    with pytest.raises(ToolError, match="named parameter"):
        tool(splat)


def test_local_types_resolve_and_return_annotation_is_ignored() -> None:
    class Local(BaseModel):
        x: int

    @tool
    def use_local(item: Local) -> Local:
        """Echo."""
        return item

    assert "Local" in use_local.parameters["$defs"]

    with pytest.raises(ToolError, match="parameter 'thing'"):

        @tool
        def broken(thing: Missing) -> None:  # type: ignore[name-defined]  # noqa: F821
            """Broken."""
