"""Subagents: :class:`SubAgentDef` and the ``task`` tool that runs one with a fresh context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import ToolValidationError, ValidationError
from locus.tools import Tool

__all__ = ["SubAgentDef", "task_tool"]


class SubAgentDef(BaseModel):
    """Declarative definition of a subagent the parent can spawn.

    Attributes:
        name: The ``subagent_type`` the parent passes to ``task``.
        description: When to use it (shown to the parent model).
        system_prompt: The subagent's instructions.
        tools: Its tools (it sees none of the parent's unless listed).
        model: Its model; ``None`` uses the parent's.
        max_iterations: Loop cap of one task.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str = Field(min_length=1)
    description: str
    system_prompt: str
    tools: list[Any] = Field(default_factory=list)
    model: Any = None
    max_iterations: int = Field(default=20, ge=1)


def task_tool(subagents: list[SubAgentDef], *, parent_model: Any) -> Any:
    """Build the ``task(subagent_type, description)`` tool.

    Each call builds a fresh :class:`locus.Agent` from the subagent's
    definition (its own tools, prompt and model), runs it on ``description``
    with an empty context, and returns its final answer to the parent: the
    parent's context grows by one tool result, however long the subtask.

    Args:
        subagents: The definitions (names must be unique).
        parent_model: Model of subagents that do not set one.

    Raises:
        locus.core.errors.ValidationError: no subagents, or duplicate names.
    """
    from locus.agent import Agent

    defs = [s if isinstance(s, SubAgentDef) else SubAgentDef.model_validate(s) for s in subagents]
    if not defs:
        raise ValidationError("task_tool needs at least one SubAgentDef")
    by_name = {d.name: d for d in defs}
    if len(by_name) != len(defs):
        raise ValidationError(f"subagent names must be unique, got {[d.name for d in defs]}")
    agents = {
        d.name: Agent(
            model=d.model if d.model is not None else parent_model,
            tools=d.tools,
            system_prompt=d.system_prompt,
            max_iterations=d.max_iterations,
            name=d.name,
        )
        for d in defs
    }
    listing = "\n".join(f"- {d.name}: {d.description}" for d in defs)

    async def task(subagent_type: str, description: str) -> str:
        """Delegate a self-contained task to a subagent with a fresh context.

        Args:
            subagent_type: Which subagent to use.
            description: The task, with everything the subagent needs to know.
        """
        agent = agents.get(subagent_type)
        if agent is None:
            raise ToolValidationError(
                f"unknown subagent_type {subagent_type!r}; choose one of {sorted(agents)}"
            )
        result = await agent.invoke(description)
        return result.message or "(the subagent returned no text)"

    return Tool(
        task,
        description=(
            "Delegate a self-contained task to a subagent that starts with a fresh "
            f"context and returns only its final answer. Available subagents:\n{listing}"
        ),
    )
