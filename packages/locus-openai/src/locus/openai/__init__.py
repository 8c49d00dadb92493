"""OpenAI models for locus, and the reusable OpenAI wire format.

- :class:`OpenAIModel` — chat completions: ``Agent(model="openai:gpt-4.1")``.
- :class:`OpenAIResponsesModel` — Responses API: ``"openai:responses/gpt-5"``.
- :class:`OpenAIEmbeddings` — ``await OpenAIEmbeddings().embed(texts)``.
- :class:`OpenAIImageProvider`, :class:`OpenAISpeechProvider`,
  :class:`OpenAISearchPreviewProvider` — the :mod:`locus.providers` protocols
  (images, text-to-speech and transcription, web search).

OpenAI-compatible providers (Ollama, OCI Generative AI, vLLM...) reuse the
model classes with ``base_url=``/``http_client=``/``default_headers=``/
``provider_name=``, or the wire-format functions directly. Importing this
package does not import the ``openai`` SDK; it loads on first request.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "CHAT_PARAMS",
    "REASONING_METADATA_KEY",
    "RESPONSES_PARAMS",
    "ChatStreamAccumulator",
    "OpenAIClientBase",
    "OpenAIEmbeddings",
    "OpenAIImageProvider",
    "OpenAIModel",
    "OpenAIResponsesModel",
    "OpenAISearchPreviewProvider",
    "OpenAISpeechProvider",
    "ResponsesStreamAccumulator",
    "StreamAccumulator",
    "chat_usage",
    "iter_sse_json",
    "map_openai_error",
    "messages_to_chat",
    "messages_to_responses",
    "normalize_finish_reason",
    "normalize_response_format",
    "parse_chat_completion",
    "parse_response",
    "response_format_to_text",
    "responses_stop_reason",
    "responses_usage",
    "tool_choice_to_responses",
    "tools_to_chat",
    "tools_to_responses",
]

_LAZY = {
    "CHAT_PARAMS": "locus.openai._chat",
    "OpenAIModel": "locus.openai._chat",
    "OpenAIClientBase": "locus.openai._client",
    "OpenAIEmbeddings": "locus.openai._embeddings",
    "OpenAIImageProvider": "locus.openai._media",
    "OpenAISearchPreviewProvider": "locus.openai._media",
    "OpenAISpeechProvider": "locus.openai._media",
    "OpenAIResponsesModel": "locus.openai._responses",
    "RESPONSES_PARAMS": "locus.openai._responses",
    "REASONING_METADATA_KEY": "locus.openai._responses_wire",
    "StreamAccumulator": "locus.openai._chat",
    "tool_choice_to_responses": "locus.openai._responses_wire",
    "responses_stop_reason": "locus.openai._responses_wire",
    "ChatStreamAccumulator": "locus.openai._chat_wire",
    "chat_usage": "locus.openai._chat_wire",
    "messages_to_chat": "locus.openai._chat_wire",
    "normalize_finish_reason": "locus.openai._chat_wire",
    "normalize_response_format": "locus.openai._chat_wire",
    "parse_chat_completion": "locus.openai._chat_wire",
    "tools_to_chat": "locus.openai._chat_wire",
    "ResponsesStreamAccumulator": "locus.openai._responses_wire",
    "messages_to_responses": "locus.openai._responses_wire",
    "parse_response": "locus.openai._responses_wire",
    "response_format_to_text": "locus.openai._responses_wire",
    "responses_usage": "locus.openai._responses_wire",
    "tools_to_responses": "locus.openai._responses_wire",
    "iter_sse_json": "locus.openai._sse",
    "map_openai_error": "locus.openai._errors",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.openai' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from locus.openai._chat import CHAT_PARAMS, OpenAIModel, StreamAccumulator
    from locus.openai._chat_wire import (
        ChatStreamAccumulator,
        chat_usage,
        messages_to_chat,
        normalize_finish_reason,
        normalize_response_format,
        parse_chat_completion,
        tools_to_chat,
    )
    from locus.openai._client import OpenAIClientBase
    from locus.openai._embeddings import OpenAIEmbeddings
    from locus.openai._errors import map_openai_error
    from locus.openai._media import (
        OpenAIImageProvider,
        OpenAISearchPreviewProvider,
        OpenAISpeechProvider,
    )
    from locus.openai._responses import RESPONSES_PARAMS, OpenAIResponsesModel
    from locus.openai._responses_wire import (
        REASONING_METADATA_KEY,
        ResponsesStreamAccumulator,
        messages_to_responses,
        parse_response,
        response_format_to_text,
        responses_stop_reason,
        responses_usage,
        tool_choice_to_responses,
        tools_to_responses,
    )
    from locus.openai._sse import iter_sse_json
