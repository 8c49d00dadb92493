"""An optional LLM choice among the candidates the rules kept (never outside them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from locus.core.errors import LocusError

if TYPE_CHECKING:
    from locus.router.goal_frame import GoalFrame
    from locus.router.protocol import Protocol

__all__ = ["LLMProtocolPicker", "PickedProtocol", "PickerError"]

_SYSTEM = (
    "You choose how a request is run. Pick exactly one protocol id from the candidates "
    "listed, and say why in one sentence."
)


class PickedProtocol(BaseModel):
    """The model's choice.

    Attributes:
        protocol_id: One of the candidates' ids.
        rationale: Why, in one sentence.
    """

    protocol_id: str
    rationale: str = ""


class PickerError(LocusError, RuntimeError):
    """The picker's model failed or chose outside the candidates (the compiler falls back
    to the rule-based pick)."""

    kind: ClassVar[str] = "router_picker"


class LLMProtocolPicker:
    """Asks a model to pick among rule-filtered candidates.

    Args:
        model: The model (anything ``Agent(model=...)`` accepts).
        system_prompt: Replaces the default instructions.
    """

    def __init__(self, *, model: Any, system_prompt: str | None = None) -> None:
        from locus.agent import Agent

        self._agent = Agent(
            model=model, system_prompt=system_prompt or _SYSTEM, output_schema=PickedProtocol
        )

    async def pick(self, frame: GoalFrame, candidates: Sequence[Protocol]) -> PickedProtocol:
        """The model's pick among ``candidates``.

        Raises:
            PickerError: The model failed, or named a protocol not in ``candidates``.
        """
        listing = "\n".join(f"- {p.id}: {p.description}" for p in candidates)
        prompt = f"Request frame: {frame.model_dump_json()}\n\nCandidates:\n{listing}"
        try:
            result = await self._agent.invoke(prompt)
        except LocusError as exc:
            raise PickerError(f"the picker's model failed: {exc}", cause=exc) from exc
        picked = result.structured_output
        if not isinstance(picked, PickedProtocol):
            raise PickerError("the picker's model returned no PickedProtocol")
        ids = [p.id for p in candidates]
        if picked.protocol_id not in ids:
            raise PickerError(
                f"the picker chose {picked.protocol_id!r}, which is not a candidate {ids}"
            )
        return picked
