"""Calls a real Ollama server; runs only when OLLAMA_LIVE_MODEL names a pulled model."""

from __future__ import annotations

import os

import pytest

from locus.core.messages import Message
from locus.ollama import OllamaModel

# read at import time: the autouse fixture clears OLLAMA_HOST for the offline tests
LIVE_MODEL = os.environ.get("OLLAMA_LIVE_MODEL")
HOST = os.environ.get("OLLAMA_HOST")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not LIVE_MODEL,
        reason="OLLAMA_LIVE_MODEL is not set (name a pulled model); live Ollama tests skipped",
    ),
]


async def test_live_ollama_chat_and_stream() -> None:
    assert LIVE_MODEL is not None
    model = OllamaModel(LIVE_MODEL, host=HOST, max_tokens=16)
    response = await model.complete([Message.user("Say hello.")])
    assert response.text
    chunks = [c async for c in model.stream([Message.user("Say hello.")])]
    assert chunks[-1].done
