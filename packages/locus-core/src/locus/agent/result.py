"""What a finished run returns: :class:`AgentResult`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.messages import Role
from locus.core.state import (
    AgentState,
    ReasoningStep,
    TokenUsage,
    ToolExecution,
)

__all__ = ["AgentResult", "ExecutionMetrics"]


class ExecutionMetrics(BaseModel):
    """Counters of one run, in the original locus's shape (:attr:`AgentResult.metrics`)."""

    iterations: int = 0
    tool_calls: int = 0
    tool_errors: int = 0
    total_tokens: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_ms: float = 0.0
    reflexion_evaluations: int = 0
    grounding_evaluations: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @property
    def tools_success_rate(self) -> float:
        """Share of tool calls that did not fail (1.0 without tool calls)."""
        return 1.0 if not self.tool_calls else 1 - self.tool_errors / self.tool_calls

    @property
    def tokens_per_iteration(self) -> float:
        """Average tokens per loop iteration (0.0 before the first)."""
        return self.total_tokens / self.iterations if self.iterations else 0.0


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
        duration_ms: Wall-clock time of the run, from its start
            (``state.started_at``) to the result.
        reflexion_evaluations: Reflexion side calls made by this run.
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
    duration_ms: float = 0.0
    reflexion_evaluations: int = 0
    state: AgentState | None = Field(default=None, exclude=True, repr=False)

    @property
    def text(self) -> str:
        """Alias of :attr:`message`."""
        return self.message

    @property
    def success(self) -> bool:
        """The run finished: it did not fail (``Error(...)``) or pause (``Interrupted(...)``)."""
        return not self.stop_reason.startswith(("Error(", "Interrupted("))

    @property
    def metrics(self) -> ExecutionMetrics:
        """The run's counters in the original locus's :class:`ExecutionMetrics` shape."""
        return ExecutionMetrics(
            iterations=self.iterations,
            tool_calls=len(self.tool_executions),
            tool_errors=sum(1 for t in self.tool_executions if t.error),
            total_tokens=self.usage.total_tokens,
            prompt_tokens=self.usage.prompt_tokens,
            completion_tokens=self.usage.completion_tokens,
            grounding_evaluations=int(self.grounding_score is not None),
            cache_creation_input_tokens=self.usage.cache_write_tokens,
            cache_read_input_tokens=self.usage.cache_read_tokens,
            duration_ms=self.duration_ms,
            reflexion_evaluations=self.reflexion_evaluations,
        )

    @property
    def reasoning_steps(self) -> list[ReasoningStep]:
        """The model turns of this run (after its last user message), with their tool calls."""
        if self.state is None:
            return []
        messages = self.state.messages
        start = max((i for i, m in enumerate(messages) if m.role is Role.USER), default=-1) + 1
        by_id = {t.tool_call_id: t for t in self.tool_executions}
        steps: list[ReasoningStep] = []
        for message in messages[start:]:
            if message.role is not Role.ASSISTANT:
                continue
            ran = [by_id[c.id] for c in message.tool_calls if c.id in by_id]
            steps.append(
                ReasoningStep(
                    iteration=len(steps) + 1,
                    thought=message.content,
                    tool_calls=[c.model_dump() for c in message.tool_calls],
                    tool_results=[
                        {"tool_call_id": t.tool_call_id, "result": t.result, "error": t.error}
                        for t in ran
                    ],
                    timestamp=None,
                )
            )
        return steps

    def __str__(self) -> str:
        return self.message
