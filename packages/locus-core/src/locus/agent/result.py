"""What a finished run returns: :class:`AgentResult`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.state import AgentState, TokenUsage, ToolExecution

__all__ = ["AgentResult"]


class AgentResult(BaseModel):
    """The outcome of one agent run.

    Attributes:
        message: The final answer text (``text`` is an alias).
        stop_reason: The termination branch that fired, with observed values.
        iterations: Loop iterations run.
        usage: Tokens used by the run.
        tool_executions: Tool calls of this run, in order.
        structured_output: The validated ``output_schema`` instance, if any.
        grounding_score: Share of grounded claims (``grounding=True``), else ``None``.
        confidence: Latest Reflexion confidence, else ``None``.
        interrupts: Pending ``interrupt()`` requests (JSON form) when the run
            paused for input (``stop_reason`` is ``Interrupted(<tool>)``);
            answer with ``agent.resume(thread_id, answer=...)``.
        thread_id: The conversation thread, if any.
        run_id: Id of the run.
        state: The full final state (not part of the JSON form).
    """

    model_config = ConfigDict(defer_build=True, arbitrary_types_allowed=True)

    message: str = ""
    stop_reason: str = ""
    iterations: int = 0
    usage: TokenUsage = Field(default_factory=TokenUsage)
    tool_executions: list[ToolExecution] = Field(default_factory=list)
    structured_output: Any = None
    grounding_score: float | None = None
    confidence: float | None = None
    interrupts: list[dict[str, Any]] = Field(default_factory=list)
    thread_id: str | None = None
    run_id: str = ""
    state: AgentState | None = Field(default=None, exclude=True, repr=False)

    @property
    def text(self) -> str:
        """Alias of :attr:`message`."""
        return self.message

    def __str__(self) -> str:
        return self.message
