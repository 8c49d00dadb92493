"""The original locus's ``locus.tools.registry``: a named collection of tools.

An agent takes its tools as a list; a :class:`ToolRegistry` is iterable, so
``Agent(tools=registry)`` works as ``Agent(tools=registry.list_tools())``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from locus.core.errors import ToolNotFoundError, ValidationError
from locus.tools.decorator import Tool, tool

__all__ = ["ToolRegistry", "create_registry"]


class ToolRegistry:
    """Tools by name.

    Args:
        tools: Initial tools (``@tool`` objects or plain functions).
    """

    def __init__(self, tools: Iterable[Any] = ()) -> None:
        self.tools: dict[str, Tool] = {}
        self.register_many(tools)

    def register(self, item: Any) -> Tool:
        """Add a tool (a plain function is wrapped with ``@tool``); returns it.

        Raises:
            locus.core.errors.ValidationError: another tool has the same name.
        """
        candidate = item if isinstance(item, Tool) else tool(item)
        if candidate.name in self.tools and self.tools[candidate.name] is not candidate:
            raise ValidationError(f"a tool named {candidate.name!r} is already registered")
        self.tools[candidate.name] = candidate
        return candidate

    def register_many(self, items: Iterable[Any]) -> list[Tool]:
        """Add several tools."""
        return [self.register(item) for item in items]

    def unregister(self, name: str) -> Tool | None:
        """Remove the tool ``name``; returns it, or ``None`` if absent."""
        return self.tools.pop(name, None)

    def get(self, name: str) -> Tool | None:
        """The tool ``name``, or ``None``."""
        return self.tools.get(name)

    def get_or_raise(self, name: str) -> Tool:
        """The tool ``name``.

        Raises:
            locus.core.errors.ToolNotFoundError: no such tool; the message lists the names.
        """
        found = self.tools.get(name)
        if found is None:
            raise ToolNotFoundError(
                f"no tool named {name!r}; registered: {', '.join(sorted(self.tools)) or 'none'}"
            )
        return found

    def list_tools(self) -> list[Tool]:
        """The tools, in registration order."""
        return list(self.tools.values())

    def to_openai_schemas(self) -> list[dict[str, Any]]:
        """Every tool in OpenAI ``tools=[...]`` format."""
        return [t.to_openai_schema() for t in self.tools.values()]

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.list_tools())

    def __len__(self) -> int:
        return len(self.tools)

    def __contains__(self, name: object) -> bool:
        return name in self.tools


def create_registry(*tools: Any) -> ToolRegistry:
    """A :class:`ToolRegistry` holding ``tools``."""
    return ToolRegistry(tools)
