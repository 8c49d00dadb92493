"""The original locus's ``locus.tools.schema``: JSON schemas of functions, models and types.

Built on what ``@tool`` and pydantic already do: ``generate_schema(fn)`` is the
OpenAI function schema ``@tool`` derives from ``fn``'s signature and docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter

from locus.tools.decorator import tool

__all__ = ["generate_schema", "pydantic_to_json_schema", "python_type_to_json_type"]


def generate_schema(fn: Callable[..., Any], description: str | None = None) -> dict[str, Any]:
    """``{"name", "description", "parameters"}`` of ``fn`` as a tool.

    Raises:
        locus.core.errors.ToolError: ``fn``'s signature cannot be described.
    """
    spec = tool(description=description)(fn) if description else tool(fn)
    function: dict[str, Any] = spec.to_openai_schema()["function"]
    return function


def pydantic_to_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema."""
    return model.model_json_schema()


def python_type_to_json_type(py_type: type) -> dict[str, Any]:
    """The JSON schema of a Python type (``int`` → ``{"type": "integer"}``)."""
    schema: dict[str, Any] = TypeAdapter(py_type).json_schema()
    return schema
