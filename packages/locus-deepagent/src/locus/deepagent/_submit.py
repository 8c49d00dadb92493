"""The submit tool and the hook that turns its call into the run's typed answer."""

from __future__ import annotations

import inspect
import json
from typing import Any

from pydantic import BaseModel, Field

from locus.hooks import AfterInvocationEvent, AfterToolCallEvent, HookProvider
from locus.tools import Tool

__all__ = ["DefaultAnswer", "SubmitHook", "make_submit_tool"]

SUBMISSION_KEY = "locus_submission"
"""``state.metadata`` key of the validated payload of the latest submit call."""


class DefaultAnswer(BaseModel):
    """What ``submit_research`` takes when ``create_deepagent`` has no ``output_schema``."""

    answer: str = Field(description="The final answer, citing the evidence.")
    confidence: float = Field(ge=0.0, le=1.0, description="Your confidence in the answer, 0..1.")


def make_submit_tool(name: str, schema: type[BaseModel]) -> Tool:
    """A tool called ``name`` whose flat arguments are ``schema``'s fields."""
    params = []
    docs = []
    for field_name, info in schema.model_fields.items():
        default = (
            inspect.Parameter.empty
            if info.is_required()
            else info.get_default(call_default_factory=True)
        )
        params.append(
            inspect.Parameter(
                field_name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=info.annotation,
            )
        )
        docs.append(f"    {field_name}: {info.description or field_name}")

    async def submit(**fields: Any) -> str:
        schema.model_validate(fields)
        return "Submitted."

    submit.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    submit.__annotations__ = {p.name: p.annotation for p in params}
    submit.__doc__ = (
        "Submit your final, structured answer. Call it once you have verified every claim "
        "with the tools.\n\nArgs:\n" + "\n".join(docs)
    )
    return Tool(submit, name=name)


class SubmitHook(HookProvider):
    """Keeps the submitted payload: its ``confidence`` feeds ``ConfidenceMet``,
    and the run's result carries it as ``structured_output`` (and as the
    message when the model wrote no final text)."""

    def __init__(self, tool_name: str, schema: type[BaseModel]) -> None:
        self.tool_name = tool_name
        self.schema = schema

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        """Record a successful submission."""
        if event.tool_call.name != self.tool_name or event.result.error:
            return
        payload = self.schema.model_validate(event.tool_call.arguments).model_dump(mode="json")
        event.state.metadata[SUBMISSION_KEY] = {"run_id": event.state.run_id, "payload": payload}
        confidence = payload.get("confidence")
        if isinstance(confidence, int | float) and not isinstance(confidence, bool):
            event.state.confidence = float(confidence)

    def after_invocation(self, event: AfterInvocationEvent) -> None:
        """Put the submission on the result."""
        result = event.result
        submission = event.state.metadata.get(SUBMISSION_KEY)
        if result is None or not submission or submission.get("run_id") != event.state.run_id:
            return
        payload = submission["payload"]
        result.structured_output = self.schema.model_validate(payload)
        if not result.message:
            text = payload.get("answer")
            result.message = text if isinstance(text, str) else json.dumps(payload, indent=2)
