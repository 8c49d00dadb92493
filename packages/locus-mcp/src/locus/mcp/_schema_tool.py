"""A locus tool whose arguments are described and validated by a JSON schema.

``@tool`` builds the schema from a Python signature; a tool that comes from
elsewhere (an MCP server) arrives with its JSON schema instead. This tool
validates the model's arguments against that schema (JSON Schema 2020-12,
with ``jsonschema``) before the body runs, so bad arguments go back to the
model as a validation error and never reach the server.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from locus.core.errors import ToolError, ToolValidationError
from locus.tools import Tool, ToolContext
from locus.tools._schema import canonical_json

__all__ = ["SchemaTool", "mcp_tool_to_locus", "normalise_schema"]


def normalise_schema(parameters: dict[str, Any] | None) -> dict[str, Any]:
    """An object schema: ``None`` becomes ``{"type": "object", "properties": {}}``."""
    schema = dict(parameters or {})
    schema.setdefault("type", "object")
    if schema["type"] == "object":
        schema.setdefault("properties", {})
    return schema


async def _no_body() -> None:  # the base class needs a signature; SchemaTool replaces it
    return None


class SchemaTool(Tool):
    """A :class:`~locus.tools.Tool` validated against a JSON schema, calling ``func(**arguments)``.

    Args:
        name: Name the model calls it by.
        description: What it does.
        func: Sync or async callable receiving the validated arguments as keywords.
        parameters: JSON schema of the arguments (an object schema).
        idempotent: Dedupe calls on (name, canonical JSON of the arguments).
        timeout: Per-call timeout in seconds, or ``None``.

    Raises:
        locus.core.errors.ToolError: ``parameters`` is not a valid JSON schema.
    """

    def __init__(
        self,
        name: str,
        description: str,
        func: Callable[..., Any],
        parameters: dict[str, Any] | None = None,
        *,
        idempotent: bool = False,
        timeout: float | None = None,
    ) -> None:
        if not callable(func):
            raise ToolError(f"tool {name!r} needs a callable, got {func!r}")
        super().__init__(
            _no_body, name=name, description=description, idempotent=idempotent, timeout=timeout
        )
        schema = normalise_schema(parameters)
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise ToolError(
                f"tool {name!r} has an invalid JSON schema: {exc.message}. Fix its parameters.",
                cause=exc,
            ) from exc
        self.fn = func
        self.parameters = schema
        self.is_async = inspect.iscoroutinefunction(func)
        self._validator = Draft202012Validator(schema)

    def validate_arguments(self, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Validate ``arguments`` against the JSON schema; returns (kwargs, canonical JSON).

        Raises:
            locus.core.errors.ToolValidationError: They do not match the schema.
        """
        errors = sorted(self._validator.iter_errors(arguments), key=lambda e: list(e.path))
        if errors:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err.path) or '(arguments)'}: {err.message}"
                for err in errors[:5]
            )
            raise ToolValidationError(
                f"Invalid arguments for tool {self.name!r}: {problems}. "
                "Call the tool again with arguments matching its schema."
            )
        kwargs = dict(arguments)
        return kwargs, canonical_json(kwargs)

    async def call_validated(
        self, kwargs: dict[str, Any], context: ToolContext | None = None
    ) -> Any:
        """Call ``func(**kwargs)`` (a sync ``func`` runs in a thread)."""
        return await super().call_validated(kwargs, None)


def mcp_tool_to_locus(
    name: str,
    description: str,
    func: Callable[..., Any],
    parameters: dict[str, Any] | None = None,
) -> Tool:
    """A locus tool from a name, a description, a callable and its JSON schema.

    The arguments the model sends are validated against ``parameters`` before
    ``func(**arguments)`` runs. :meth:`MCPClient.to_locus_tools` builds its
    tools this way, with ``func`` calling the MCP server.

    Raises:
        locus.core.errors.ToolError: ``parameters`` is not a valid JSON schema.
    """
    return SchemaTool(name, description, func, parameters)
