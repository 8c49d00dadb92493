"""``AgentConfig``: the original locus's one-object agent configuration.

``Agent(config=AgentConfig(model=..., tools=[...], max_iterations=5))`` builds
the same agent as ``Agent(model=..., tools=[...], max_iterations=5)``: the
config is translated to :class:`locus.agent.Agent`'s keyword arguments by
:meth:`AgentConfig.agent_kwargs`. Fields the original had whose capability is
not built here are accepted at their defaults and refused (with the
replacement to use) when set; see ``docs/migrating.md``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import ValidationError

__all__ = ["AgentConfig", "GSARConfig", "GroundingConfig", "ReflexionConfig"]


class ReflexionConfig(BaseModel):
    """Reflexion settings in the original's shape (maps to :class:`locus.reasoning.Reflexion`)."""

    enabled: bool = True
    confidence_threshold: float = 0.8
    diminishing_returns: float = 0.05
    evaluate_every_n_iterations: int = 1
    include_guidance: bool = True
    model: Any = None

    def to_reflexion(self) -> Any:
        """The :class:`~locus.reasoning.Reflexion` these settings describe, or ``False``."""
        if not self.enabled:
            return False
        from locus.reasoning import Reflexion

        return Reflexion(continue_below=self.confidence_threshold)


class GroundingConfig(BaseModel):
    """Grounding settings in the original's shape (maps to :class:`locus.reasoning.Grounding`)."""

    enabled: bool = True
    threshold: float = 0.7
    max_replans: int = 1
    check_before_final: bool = True
    model: Any = None

    def to_grounding(self) -> Any:
        """The :class:`~locus.reasoning.Grounding` these settings describe, or ``False``."""
        if not self.enabled:
            return False
        from locus.reasoning import Grounding

        return Grounding(threshold=self.threshold, max_research=self.max_replans)


class GSARConfig(BaseModel):
    """GSAR settings in the original's shape (see :class:`locus.reasoning.GSAR`)."""

    judge: Any = None
    contradiction_penalty: float = 0.5
    tau_proceed: float = 0.8
    tau_regenerate: float = 0.5
    weight_map: dict[str, float] | None = None
    fail_on_low_score: bool = False


# original field -> Agent keyword it maps to unchanged
_DIRECT = {
    "model": "model",
    "tools": "tools",
    "system_prompt": "system_prompt",
    "max_iterations": "max_iterations",
    "termination": "termination",
    "checkpointer": "checkpointer",
    "output_schema": "output_schema",
    "output_schema_retries": "structured_output_retries",
    "conversation_manager": "conversation_manager",
    "agent_id": "id",
    "web_search": "web_search",
    "web_fetch": "web_fetch",
    "image_generator": "image_generator",
    "speech_provider": "speech_provider",
    "skills": "skills",
    "playbook": "playbook",
}

# fields accepted at their default only: what to use instead
_NOT_BUILT = {
    "auxiliary_model": "pass the model to the Reflexion/Grounding object instead",
    "gsar": "run locus.reasoning.GSAR on the result",
    "planning": "compose a planner with a StateGraph",
    "terminal_tools": "termination=ToolCalled('name')",
    "completion_mode": "termination=NoToolCalls() | ToolCalled('name')",
    "verify_tools": "a HookProvider that checks tool results",
    "require_verification": "a HookProvider that checks tool results",
    "verification_tools": "a HookProvider that checks tool results",
    "tool_loop_threshold": "termination=CustomCondition(...)",
    "tool_event_order": "tool events arrive in completion order",
    "tool_result_store": "limits=Limits(max_result_chars=...)",
    "memory_manager": "store=... (locus.memory.store)",
    "checkpoint_every_n_iterations": "checkpointers save after every iteration",
    "plugins": "hooks=[...] (HookProvider instances)",
    "callback_handler": "hooks=[...] or agent.stream(...)",
    "output_key": "read result.structured_output",
    "output_schema_strict": "output_schema validates strictly",
    "max_concurrency": "tools of one turn run concurrently",
    "tool_execution": "tools of one turn run concurrently",
}


class AgentConfig(BaseModel):
    """Every setting of an agent in one object, as in the original locus.

    Pass it as ``Agent(config=...)``. Fields map to :class:`~locus.agent.Agent`
    arguments (``agent_id`` → ``id``, ``output_schema_retries`` →
    ``structured_output_retries``, ``temperature``/``max_tokens`` →
    ``model_options``, ``token_budget`` → ``TokenLimit``,
    ``time_budget_seconds`` → ``TimeLimit``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: Any = None
    auxiliary_model: Any = None
    tools: list[Any] = Field(default_factory=list)
    system_prompt: str | None = None
    max_iterations: int = 20
    token_budget: int | None = None
    time_budget_seconds: float | None = None
    reflexion: Any = False
    grounding: Any = False
    gsar: Any = None
    planning: Any = None
    terminal_tools: list[str] = Field(default_factory=list)
    completion_mode: Any = None
    verify_tools: Any = None
    require_verification: Any = None
    verification_tools: Any = None
    tool_loop_threshold: Any = None
    tool_execution: Any = None
    max_concurrency: Any = None
    tool_event_order: Any = None
    max_tool_result_length: int | None = None
    tool_result_store: Any = None
    conversation_manager: Any = None
    memory_manager: Any = None
    checkpointer: Any = None
    checkpoint_every_n_iterations: Any = None
    hooks: list[Any] = Field(default_factory=list)
    plugins: Any = None
    callback_handler: Any = None
    skills: Any = None
    termination: Any = None
    output_key: Any = None
    output_schema: Any = None
    output_schema_retries: int = 2
    output_schema_strict: Any = None
    web_search: Any = None
    web_fetch: Any = None
    image_generator: Any = None
    speech_provider: Any = None
    playbook: Any = None
    agent_id: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def with_reflexion(self, enabled: bool = True, **settings: Any) -> AgentConfig:
        """A copy with Reflexion switched on (``settings`` as in :class:`ReflexionConfig`)."""
        return self.model_copy(update={"reflexion": ReflexionConfig(enabled=enabled, **settings)})

    def with_grounding(self, enabled: bool = True, **settings: Any) -> AgentConfig:
        """A copy with grounding switched on (``settings`` as in :class:`GroundingConfig`)."""
        return self.model_copy(update={"grounding": GroundingConfig(enabled=enabled, **settings)})

    def with_hooks(self, *hooks: Any) -> AgentConfig:
        """A copy with ``hooks`` appended."""
        return self.model_copy(update={"hooks": [*self.hooks, *hooks]})

    def agent_kwargs(self) -> dict[str, Any]:
        """The :class:`~locus.agent.Agent` keyword arguments this config describes.

        Raises:
            locus.core.errors.ValidationError: a field whose capability is
                not built here is set; the message names what to use instead.
        """
        unset = type(self).model_fields
        for name, instead in _NOT_BUILT.items():
            value = getattr(self, name)
            if value not in (None, [], False) and value != unset[name].get_default(
                call_default_factory=True
            ):
                raise ValidationError(
                    f"AgentConfig.{name} is not supported by this locus: use {instead} "
                    "(see docs/migrating.md)"
                )
        kwargs: dict[str, Any] = {
            target: getattr(self, source)
            for source, target in _DIRECT.items()
            if getattr(self, source) is not None
        }
        kwargs["hooks"] = list(self.hooks)
        kwargs["reflexion"] = _option(self.reflexion, "to_reflexion")
        kwargs["grounding"] = _option(self.grounding, "to_grounding")
        options = {
            k: v
            for k, v in (("temperature", self.temperature), ("max_tokens", self.max_tokens))
            if v is not None
        }
        if options:
            kwargs["model_options"] = options
        kwargs["termination"] = self._termination()
        if self.max_tool_result_length is not None:
            from locus.core.limits import Limits

            kwargs["limits"] = Limits(max_result_chars=self.max_tool_result_length)
        return {k: v for k, v in kwargs.items() if v is not None}

    def _termination(self) -> Any:
        from locus.core.termination import TimeLimit, TokenLimit

        condition = self.termination
        for extra in (
            TokenLimit(self.token_budget) if self.token_budget is not None else None,
            TimeLimit(self.time_budget_seconds) if self.time_budget_seconds is not None else None,
        ):
            if extra is not None:
                condition = extra if condition is None else condition | extra
        return condition


def _option(value: Any, convert: str) -> Any:
    """``True``/``False``, our Reflexion/Grounding object, or the original's config object."""
    method = getattr(value, convert, None)
    return method() if callable(method) else value
