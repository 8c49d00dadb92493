"""A Tool subclass that validates against its own schema is honoured by the agent loop."""

from __future__ import annotations

from typing import Any

from locus import Agent
from locus.core.errors import ToolValidationError
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.tools import Tool
from locus.tools._schema import canonical_json


async def _body(**kwargs: Any) -> str:
    return f"sum={kwargs['a'] + kwargs['b']}"


class OwnSchemaTool(Tool):
    """Accepts any object with integer ``a`` and ``b``; its signature has no parameters."""

    def validate_arguments(self, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
        if not all(isinstance(arguments.get(k), int) for k in ("a", "b")):
            raise ToolValidationError("a and b must be integers")
        return dict(arguments), canonical_json(arguments)


async def _no_params() -> str:
    return "unused"


def test_executor_uses_the_subclass_validation() -> None:
    tool = OwnSchemaTool(_no_params, name="add", description="add two integers")
    tool.fn = _body
    model = ScriptedModel(
        [
            [ToolCall(id="c1", name="add", arguments={"a": 2, "b": 3})],
            [ToolCall(id="c2", name="add", arguments={"a": "x", "b": 3})],
            "done",
        ]
    )
    result = Agent(model=model, tools=[tool]).run_sync("add")
    executions = result.state.tool_executions
    assert executions[0].result == "sum=5"
    assert executions[0].arguments == {"a": 2, "b": 3}
    assert executions[1].error is not None
    assert "a and b must be integers" in executions[1].error
