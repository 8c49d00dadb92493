"""What one evaluation case asks of an agent: :class:`EvalCase`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["EvalCase"]


class EvalCase(BaseModel):
    """One prompt and what the agent's run must show.

    Attributes:
        name: Unique name within a suite (the test id in pytest and JUnit).
        prompt: What the agent is asked.
        expected_tools: Tools the run must call (each at least once, any order).
        expected_output_contains: Substrings the final answer must contain
            (case-insensitive).
        expected_output_not_contains: Substrings it must not contain
            (case-insensitive).
        max_iterations: Most loop iterations the run may take (``None``: no check).
        max_duration_ms: Time limit: the run is cancelled past it and the case
            fails (``None``: no limit).
        tags: Labels for selecting cases (``EvalRunner.run(cases, tags=...)``).
        metadata: Free-form data for custom checks (a judge's ``criteria``...).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    expected_tools: list[str] = Field(default_factory=list)
    expected_output_contains: list[str] = Field(default_factory=list)
    expected_output_not_contains: list[str] = Field(default_factory=list)
    max_iterations: int | None = Field(default=None, ge=1)
    max_duration_ms: float | None = Field(default=None, gt=0)
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator(
        "expected_tools",
        "expected_output_contains",
        "expected_output_not_contains",
        "tags",
        mode="before",
    )
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value
