"""OpenAI images, speech and search preview through the SDK against recorded wire responses."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent
from locus.core.errors import ModelAuthError, ModelResponseError, ValidationError
from locus.core.messages import Role, ToolCall
from locus.models import FunctionModel
from locus.openai import (
    OpenAIImageProvider,
    OpenAIModel,
    OpenAISearchPreviewProvider,
    OpenAISpeechProvider,
)
from locus.providers import (
    BaseImageGenerationProvider,
    BaseSpeechProvider,
    BaseWebSearchProvider,
    make_image_generation_tool,
    make_web_search_tool,
)


async def test_image_generation_sends_the_model_and_reads_b64(recorder: Any) -> None:
    recorder.add("images_b64.json")
    images = OpenAIImageProvider(api_key="sk-test", http_client=recorder.client())
    assert isinstance(images, BaseImageGenerationProvider)
    image = await images.generate("a red bicycle", size="1024x1536")
    assert recorder.requests[0].url.path == "/v1/images/generations"
    assert recorder.body() == {
        "model": "gpt-image-1",
        "prompt": "a red bicycle",
        "size": "1024x1536",
        "n": 1,
    }
    assert image.b64_png is not None
    assert image.b64_png.startswith("iVBORw0KGgo")
    assert image.url is None
    assert image.revised_prompt == "A red bicycle leaning on a blue wall, photographed at noon"


async def test_image_errors(recorder: Any) -> None:
    recorder.add({"created": 1, "data": []}).add("error_401.json", status=401)
    images = OpenAIImageProvider(api_key="sk-test", http_client=recorder.client())
    with pytest.raises(ModelResponseError, match="no data"):
        await images.generate("x")
    with pytest.raises(ModelAuthError):
        await images.generate("x")
    with pytest.raises(ValidationError, match="non-empty prompt"):
        await images.generate("  ")


async def test_speech_round_trip(recorder: Any) -> None:
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(64))
    recorder.add(mp3, headers={"content-type": "audio/mpeg"}).add("transcription_verbose.json")
    speech = OpenAISpeechProvider(api_key="sk-test", http_client=recorder.client())
    assert isinstance(speech, BaseSpeechProvider)
    audio = await speech.speak("The deploy finished without errors.", voice="nova")
    assert audio.audio_bytes == mp3
    assert audio.content_type == "audio/mpeg"
    assert recorder.requests[0].url.path == "/v1/audio/speech"
    assert recorder.body(0) == {
        "model": "tts-1",
        "voice": "nova",
        "input": "The deploy finished without errors.",
        "response_format": "mp3",
    }
    transcript = await speech.transcribe(mp3, filename="deploy.mp3", language="en")
    upload = recorder.requests[1]
    assert upload.url.path == "/v1/audio/transcriptions"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    sent = upload.content
    assert b'name="model"\r\n\r\nwhisper-1' in sent
    assert b'name="language"\r\n\r\nen' in sent
    assert b'filename="deploy.mp3"' in sent
    assert mp3 in sent
    assert transcript.text == "The deploy finished without errors."
    assert transcript.language == "english"
    assert transcript.duration_seconds == 2.95


async def test_speech_bad_input_and_malformed_bodies(recorder: Any) -> None:
    recorder.add({"task": "transcribe"})
    speech = OpenAISpeechProvider(api_key="sk-test", http_client=recorder.client())
    with pytest.raises(ModelResponseError, match="no transcription text"):
        await speech.transcribe(b"abc")
    with pytest.raises(ValidationError):
        await speech.transcribe(b"")
    with pytest.raises(ValidationError):
        await speech.speak("")


async def test_search_preview_turns_citations_into_results(recorder: Any) -> None:
    recorder.add("chat_search_preview.json")
    model = OpenAIModel("gpt-4o-search-preview", api_key="sk-test", http_client=recorder.client())
    search = OpenAISearchPreviewProvider(model, max_chars_per_snippet=30)
    assert isinstance(search, BaseWebSearchProvider)
    results = await search.search("What is new in Python 3.14?")
    assert recorder.requests[0].url.path == "/v1/chat/completions"
    assert recorder.body() == {
        "model": "gpt-4o-search-preview",
        "messages": [{"role": "user", "content": "What is new in Python 3.14?"}],
        "web_search_options": {},
    }
    assert [(r.title, r.url) for r in results] == [
        ("Python 3.14.0", "https://www.python.org/downloads/release/python-3140/"),
        ("What's New In Python 3.14", "https://docs.python.org/3/whatsnew/3.14.html"),
    ]
    assert results[0].snippet == "Python 3.14 was released in Oc"
    with pytest.raises(ValidationError, match="OpenAIModel"):
        OpenAISearchPreviewProvider(object())


async def test_providers_as_agent_tools(recorder: Any) -> None:
    recorder.add("chat_search_preview.json").add("images_b64.json")
    search = OpenAISearchPreviewProvider(
        OpenAIModel("gpt-4o-search-preview", api_key="sk-test", http_client=recorder.client())
    )
    images = OpenAIImageProvider(api_key="sk-test", http_client=recorder.client())

    def model(messages: Any, tools: Any) -> Any:
        if not any(m.role == Role.TOOL for m in messages):
            return [
                ToolCall(
                    id="s", name="web_search", arguments={"query": "python", "max_results": 1}
                ),
                ToolCall(id="i", name="generate_image", arguments={"prompt": "a snake"}),
            ]
        return "done"

    tools = [make_web_search_tool(search), make_image_generation_tool(images)]
    result = await Agent(FunctionModel(model), tools=tools).invoke("go")
    found, drawn = result.tool_executions
    assert found.result.startswith("1. Python 3.14.0\n   https://www.python.org/")
    assert drawn.result.startswith("Image generated: inline PNG (")
    assert "Revised prompt: A red bicycle" in drawn.result
