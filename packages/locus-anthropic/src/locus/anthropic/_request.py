"""Assemble one Messages API request from locus inputs and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from locus.anthropic._parse import OutputSpec
from locus.anthropic._wire import (
    CACHE_CONTROL,
    messages_to_anthropic,
    output_tool,
    response_format_schema,
    tools_to_anthropic,
)
from locus.core.errors import ValidationError
from locus.core.messages import Message

__all__ = ["ANTHROPIC_PARAMS", "DEFAULT_MAX_TOKENS", "build_request", "thinking_config"]

DEFAULT_MAX_TOKENS = 8192
"""``max_tokens`` sent when none is given (the API requires one)."""

ANTHROPIC_PARAMS = frozenset(
    {
        "cache_control",
        "container",
        "extra_body",
        "extra_headers",
        "extra_query",
        "inference_geo",
        "metadata",
        "output_config",
        "service_tier",
        "speed",
        "stop_sequences",
        "temperature",
        "timeout",
        "top_k",
        "top_p",
    }
)
"""Per-call keyword arguments forwarded to ``messages.create``."""

_BODY_ONLY = frozenset({"temperature", "top_k", "top_p"})
"""Sampling fields newer SDK signatures no longer name: sent in the JSON body via ``extra_body``."""

_STRUCTURED_MODES = ("tool", "native")


def thinking_config(value: Any) -> dict[str, Any] | None:
    """Normalise ``thinking=``: a token budget (int), an API dict, ``False``/``None`` (off).

    Raises:
        ValidationError: Any other value.
    """
    if value is None or value is False:
        return None
    if isinstance(value, bool):
        raise ValidationError("thinking=True needs a budget: pass thinking=<budget_tokens>")
    if isinstance(value, int):
        return {"type": "enabled", "budget_tokens": value}
    if isinstance(value, Mapping) and "type" in value:
        return dict(value)
    raise ValidationError(
        "thinking must be a token budget (e.g. thinking=2048) or an API dict like "
        f"{{'type': 'enabled', 'budget_tokens': 2048}}, got {value!r}"
    )


def _tool_choice(value: Any, parallel: bool | None) -> dict[str, Any] | None:
    choice: dict[str, Any] | None
    if value is None:
        choice = None
    elif value == "auto":
        choice = {"type": "auto"}
    elif value in ("required", "any"):
        choice = {"type": "any"}
    elif value == "none":
        choice = {"type": "none"}
    elif isinstance(value, Mapping) and value.get("type") in ("auto", "any", "tool", "none"):
        choice = dict(value)
    elif isinstance(value, Mapping) and isinstance(value.get("function"), Mapping):
        choice = {"type": "tool", "name": value["function"]["name"]}
    elif isinstance(value, str):
        choice = {"type": "tool", "name": value}
    else:
        raise ValidationError(
            f"tool_choice must be 'auto', 'required', 'none', a tool name or a dict, got {value!r}"
        )
    if parallel is False:
        choice = choice or {"type": "auto"}
        if choice["type"] != "none":
            choice["disable_parallel_tool_use"] = True
    return choice


def build_request(
    model: str,
    messages: list[Message],
    tools: list[dict[str, Any]] | None,
    options: dict[str, Any],
    *,
    prompt_caching: bool,
    structured_output: str,
) -> tuple[dict[str, Any], OutputSpec | None]:
    """The ``messages.create`` keyword arguments (no ``stream``) and the output spec.

    Args:
        model: Model id.
        messages: The conversation.
        tools: Tool schemas (OpenAI or Anthropic format).
        options: Defaults merged with per-call kwargs (consumed); a ``max_tokens``
            given here is never raised to fit the thinking budget.
        prompt_caching: Mark the system prompt and the last tool with ``cache_control``.
        structured_output: ``"tool"`` (tool-forcing) or ``"native"`` (``output_config.format``).

    Raises:
        ValidationError: An unknown option or an inconsistent combination.
    """
    system, api_messages = messages_to_anthropic(messages)
    api_tools = tools_to_anthropic(tools)
    thinking = thinking_config(options.pop("thinking", None))
    max_tokens_given = "max_tokens" in options
    max_tokens = int(options.pop("max_tokens", None) or DEFAULT_MAX_TOKENS)
    if thinking and thinking.get("type") == "enabled":
        budget = int(thinking.get("budget_tokens") or 0)
        if max_tokens <= budget:
            if max_tokens_given:
                raise ValidationError(
                    f"max_tokens ({max_tokens}) must exceed the thinking budget ({budget}); "
                    "raise max_tokens or lower thinking"
                )
            max_tokens = budget + DEFAULT_MAX_TOKENS
    parallel = options.pop("parallel_tool_calls", None)
    choice = _tool_choice(options.pop("tool_choice", None), parallel)
    stop = options.pop("stop", None)
    if stop is not None:
        options.setdefault("stop_sequences", [stop] if isinstance(stop, str) else list(stop))
    mode = options.pop("structured_output", structured_output)
    if mode not in _STRUCTURED_MODES:
        raise ValidationError(f"structured_output must be 'tool' or 'native', got {mode!r}")
    spec = response_format_schema(options.pop("response_format", None))
    output: OutputSpec | None = None
    request: dict[str, Any] = {"model": model, "max_tokens": max_tokens}
    if spec is not None and mode == "native":
        config = dict(options.pop("output_config", None) or {})
        config["format"] = {"type": "json_schema", "schema": spec[1]}
        request["output_config"] = config
    elif spec is not None:
        tool = output_tool(*spec)
        output = OutputSpec(tool["name"], wrapped=tool["input_schema"] is not spec[1])
        if thinking:
            # Extended thinking forbids forced tool use: ask for the tool instead.
            choice = {"type": "auto"}
            hint = f"Give your final answer by calling the {tool['name']} tool."
            system.append({"type": "text", "text": hint})
        elif api_tools:
            choice = {"type": "any"}
        else:
            choice = {"type": "tool", "name": tool["name"]}
        api_tools.append(tool)
    if system:
        if prompt_caching:
            system[-1] = {**system[-1], "cache_control": dict(CACHE_CONTROL)}
        request["system"] = system
    request["messages"] = api_messages
    if api_tools:
        if prompt_caching:
            api_tools[-1] = {**api_tools[-1], "cache_control": dict(CACHE_CONTROL)}
        request["tools"] = api_tools
    if choice is not None:
        request["tool_choice"] = choice
    if thinking:
        request["thinking"] = thinking
    for key, value in options.items():
        if value is None:
            continue
        if key not in ANTHROPIC_PARAMS:
            raise ValidationError(
                f"AnthropicModel got an unknown option {key!r}; pass Messages API parameters "
                f"by name ({', '.join(sorted(ANTHROPIC_PARAMS)[:8])}, ...) or extra_body={{...}}"
            )
        if key in _BODY_ONLY:
            request["extra_body"] = {**(request.get("extra_body") or {}), key: value}
        elif key == "extra_body":
            request["extra_body"] = {**value, **(request.get("extra_body") or {})}
        else:
            request[key] = value
    return request, output
