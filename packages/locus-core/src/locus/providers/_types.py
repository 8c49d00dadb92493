"""What multimodal providers return, and the protocols they implement."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import LocusError

__all__ = [
    "BaseImageGenerationProvider",
    "BaseSpeechProvider",
    "BaseWebFetchProvider",
    "BaseWebSearchProvider",
    "ImageResult",
    "ProviderError",
    "SearchResult",
    "SpeechTranscript",
    "SynthesizedAudio",
    "WebFetchError",
    "WebPage",
]


class ProviderError(LocusError):
    """A multimodal provider call failed (search, fetch, image, speech)."""

    kind = "provider"


class WebFetchError(ProviderError):
    """A fetch was refused or failed: a private address, a bad URL, a timeout, an HTTP error.

    Attributes:
        url: The URL asked for.
        reason: ``private_address``, ``bad_url``, ``timeout``, ``http_error``,
            ``too_many_redirects`` or ``network``.
    """

    kind = "web_fetch"

    def __init__(
        self, message: str, *, url: str, reason: str, cause: BaseException | None = None
    ) -> None:
        super().__init__(message, cause=cause)
        self.url = url
        self.reason = reason


class SearchResult(BaseModel):
    """One web search hit."""

    title: str
    url: str
    snippet: str = ""
    score: float | None = None


class WebPage(BaseModel):
    """A fetched page.

    Attributes:
        url: The final URL (after redirects).
        status: HTTP status.
        title: The HTML ``<title>``, if any.
        text: The page as plain text (HTML converted; other text as is).
        html: The raw HTML (``None`` for non-HTML or when not kept).
        truncated: The body was longer than the fetcher's ``max_bytes`` and was cut.
        content_type: The response's media type.
    """

    model_config = ConfigDict(extra="ignore")

    url: str
    status: int
    title: str | None = None
    text: str = ""
    html: str | None = None
    truncated: bool = False
    content_type: str = ""


class ImageResult(BaseModel):
    """A generated image: a URL or base64 PNG data."""

    prompt: str
    url: str | None = None
    b64_png: str | None = None
    revised_prompt: str | None = None


class SynthesizedAudio(BaseModel):
    """Speech made from text."""

    text: str
    audio_bytes: bytes = Field(repr=False)
    content_type: str = "audio/mpeg"


class SpeechTranscript(BaseModel):
    """Text heard in audio."""

    text: str
    language: str | None = None
    duration_seconds: float | None = None


@runtime_checkable
class BaseWebSearchProvider(Protocol):
    """A web search backend."""

    async def search(self, query: str, *, max_results: int = 5) -> list[SearchResult]:
        """Search the web for ``query``."""
        ...


@runtime_checkable
class BaseWebFetchProvider(Protocol):
    """Fetches a URL as a :class:`WebPage`."""

    async def fetch(self, url: str) -> WebPage:
        """Fetch ``url``."""
        ...


@runtime_checkable
class BaseImageGenerationProvider(Protocol):
    """Makes images from text."""

    async def generate(self, prompt: str, *, size: str = "1024x1024") -> ImageResult:
        """Generate one image for ``prompt``."""
        ...


@runtime_checkable
class BaseSpeechProvider(Protocol):
    """Text to speech and speech to text."""

    async def speak(self, text: str, *, voice: str | None = None) -> SynthesizedAudio:
        """Synthesize ``text``."""
        ...

    async def transcribe(
        self, audio: bytes, *, filename: str = "audio.mp3", language: str | None = None
    ) -> SpeechTranscript:
        """Transcribe ``audio``."""
        ...
