"""OpenAI image generation, speech and search-preview models as locus multimodal providers.

They implement the protocols of :mod:`locus.providers`
(``BaseImageGenerationProvider``, ``BaseSpeechProvider``,
``BaseWebSearchProvider``) through the official ``openai`` SDK, with the
same key handling, retries and error mapping as :class:`OpenAIModel`.
"""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.openai._client import OpenAIClientBase
from locus.openai._errors import malformed_response
from locus.providers import ImageResult, SearchResult, SpeechTranscript, SynthesizedAudio

__all__ = ["OpenAIImageProvider", "OpenAISearchPreviewProvider", "OpenAISpeechProvider"]


class OpenAIImageProvider(OpenAIClientBase):
    """Images from ``/v1/images/generations`` (``gpt-image-1`` by default).

    Args:
        model: Image model id.
        api_key: Defaults to ``OPENAI_API_KEY``.
        base_url: Endpoint root.
        **options: Other :class:`~locus.openai.OpenAIClientBase` arguments
            (``http_client``, ``max_retries``...).
    """

    def __init__(
        self,
        model: str = "gpt-image-1",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, **options)
        self.model = model

    async def generate(self, prompt: str, *, size: str = "1024x1024") -> ImageResult:
        """One image for ``prompt`` (a URL or base64 PNG, as the model returns it)."""
        if not prompt.strip():
            raise ValidationError("generate() needs a non-empty prompt")
        request = {"model": self.model, "prompt": prompt, "size": size, "n": 1}

        async def send() -> ImageResult:
            create: Any = self.client.images.with_raw_response.generate
            raw = await create(**request)
            body = raw.http_response.json()
            try:
                item = body["data"][0]
            except (KeyError, IndexError, TypeError) as exc:
                raise malformed_response(self.provider_name, "no data[0] image", exc) from exc
            if not item.get("url") and not item.get("b64_json"):
                raise malformed_response(self.provider_name, "image has neither url nor b64_json")
            return ImageResult(
                prompt=prompt,
                url=item.get("url"),
                b64_png=item.get("b64_json"),
                revised_prompt=item.get("revised_prompt"),
            )

        return await self.run_request(send)


class OpenAISpeechProvider(OpenAIClientBase):
    """Text to speech (``/v1/audio/speech``) and transcription (``/v1/audio/transcriptions``).

    Args:
        tts_model: Speech model id.
        stt_model: Transcription model id.
        default_voice: Voice used when ``speak`` gets none.
        api_key: Defaults to ``OPENAI_API_KEY``.
        base_url: Endpoint root.
        **options: Other :class:`~locus.openai.OpenAIClientBase` arguments.
    """

    def __init__(
        self,
        *,
        tts_model: str = "tts-1",
        stt_model: str = "whisper-1",
        default_voice: str = "alloy",
        api_key: str | None = None,
        base_url: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(api_key=api_key, base_url=base_url, **options)
        self.tts_model = tts_model
        self.stt_model = stt_model
        self.default_voice = default_voice

    async def speak(self, text: str, *, voice: str | None = None) -> SynthesizedAudio:
        """MP3 audio of ``text``."""
        if not text.strip():
            raise ValidationError("speak() needs non-empty text")
        request = {
            "model": self.tts_model,
            "voice": voice or self.default_voice,
            "input": text,
            "response_format": "mp3",
        }

        async def send() -> SynthesizedAudio:
            create: Any = self.client.audio.speech.with_raw_response.create
            raw = await create(**request)
            response = raw.http_response
            content_type = response.headers.get("content-type", "audio/mpeg").split(";")[0]
            if not response.content:
                raise malformed_response(self.provider_name, "empty audio body")
            return SynthesizedAudio(
                text=text, audio_bytes=response.content, content_type=content_type
            )

        return await self.run_request(send)

    async def transcribe(
        self, audio: bytes, *, filename: str = "audio.mp3", language: str | None = None
    ) -> SpeechTranscript:
        """The text spoken in ``audio`` (with its language and duration when reported)."""
        if not audio:
            raise ValidationError("transcribe() needs audio bytes")
        request: dict[str, Any] = {
            "model": self.stt_model,
            "file": (filename, audio),
            "response_format": "verbose_json",
        }
        if language:
            request["language"] = language

        async def send() -> SpeechTranscript:
            create: Any = self.client.audio.transcriptions.with_raw_response.create
            raw = await create(**request)
            body = raw.http_response.json()
            if not isinstance(body, dict) or not isinstance(body.get("text"), str):
                raise malformed_response(self.provider_name, "no transcription text")
            duration = body.get("duration")
            return SpeechTranscript(
                text=body["text"],
                language=body.get("language"),
                duration_seconds=float(duration) if duration is not None else None,
            )

        return await self.run_request(send)


class OpenAISearchPreviewProvider:
    """Web search through OpenAI's search-capable chat models (``gpt-4o-search-preview``).

    The model searches and answers; each ``url_citation`` annotation of the
    answer becomes a :class:`~locus.providers.SearchResult` whose snippet is
    the cited span of the answer.

    Args:
        model: An :class:`~locus.openai.OpenAIModel` for a search-capable
            model, or a model id (a client is then built from the environment).
        max_chars_per_snippet: Snippets are cut at this length.
    """

    def __init__(self, model: Any = "gpt-4o-search-preview", *, max_chars_per_snippet: int = 500):
        if isinstance(model, str):
            from locus.openai._chat import OpenAIModel

            model = OpenAIModel(model)
        if not isinstance(model, OpenAIClientBase) or not isinstance(
            getattr(model, "model", None), str
        ):
            raise ValidationError(
                f"OpenAISearchPreviewProvider needs an OpenAIModel or a model id, got {model!r}"
            )
        self.model = model
        self.max_chars_per_snippet = max_chars_per_snippet

    async def search(self, query: str, *, max_results: int = 5) -> list[SearchResult]:
        """Search the web for ``query``; at most ``max_results`` cited sources."""
        client = self.model
        request = {
            "model": client.model,  # type: ignore[attr-defined]
            "messages": [{"role": "user", "content": query}],
            "web_search_options": {},
        }

        async def send() -> list[SearchResult]:
            create: Any = client.client.chat.completions.with_raw_response.create
            raw = await create(**request)
            body = raw.http_response.json()
            try:
                message = body["choices"][0]["message"]
            except (KeyError, IndexError, TypeError) as exc:
                raise malformed_response(
                    client.provider_name, "no choices[0].message", exc
                ) from exc
            return self._results(message.get("content") or "", message.get("annotations") or [])

        results = await client.run_request(send)
        return results[:max_results]

    def _results(self, content: str, annotations: list[Any]) -> list[SearchResult]:
        seen: set[str] = set()
        out: list[SearchResult] = []
        for note in annotations:
            cite = note.get("url_citation") if isinstance(note, dict) else None
            if not isinstance(cite, dict) or not cite.get("url") or cite["url"] in seen:
                continue
            seen.add(cite["url"])
            start, end = cite.get("start_index"), cite.get("end_index")
            span = content[start:end] if isinstance(start, int) and isinstance(end, int) else ""
            out.append(
                SearchResult(
                    title=str(cite.get("title") or cite["url"]),
                    url=str(cite["url"]),
                    snippet=span[: self.max_chars_per_snippet],
                )
            )
        return out
