"""Multimodal providers as agent tools: ``make_*_tool`` helpers."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.providers._types import (
    BaseImageGenerationProvider,
    BaseSpeechProvider,
    BaseWebFetchProvider,
    BaseWebSearchProvider,
)
from locus.tools import Tool, tool

__all__ = [
    "auto_register",
    "make_image_generation_tool",
    "make_speech_tools",
    "make_web_fetch_tool",
    "make_web_search_tool",
]


def _need(provider: object, method: str, kind: str) -> None:
    if not callable(getattr(provider, method, None)):
        raise ValidationError(f"{kind} needs an object with async {method}(), got {provider!r}")


def make_web_search_tool(provider: BaseWebSearchProvider) -> Tool:
    """A ``web_search(query, max_results=5)`` tool over ``provider``."""
    _need(provider, "search", "make_web_search_tool")

    async def web_search(query: str, max_results: int = 5) -> str:
        """Search the web; returns numbered results with title, URL and snippet.

        Args:
            query: What to search for.
            max_results: Most results (1 to 10).
        """
        hits = await provider.search(query, max_results=max(1, min(max_results, 10)))
        if not hits:
            return f"No results for {query!r}."
        return "\n".join(
            f"{i}. {h.title}\n   {h.url}\n   {h.snippet}" for i, h in enumerate(hits, 1)
        )

    return tool(web_search)


def make_web_fetch_tool(provider: BaseWebFetchProvider, *, max_chars: int = 20_000) -> Tool:
    """A ``web_fetch(url)`` tool: the page's title and text, cut at ``max_chars``."""
    _need(provider, "fetch", "make_web_fetch_tool")

    async def web_fetch(url: str) -> str:
        """Fetch a web page and return its text.

        Args:
            url: An http(s) URL.
        """
        page = await provider.fetch(url)
        text = page.text
        cut = len(text) > max_chars or page.truncated
        head = f"# {page.title}\n\n" if page.title else ""
        note = "\n\n[page truncated]" if cut else ""
        return f"{head}{text[:max_chars]}{note}"

    return tool(web_fetch)


def make_image_generation_tool(provider: BaseImageGenerationProvider) -> Tool:
    """A ``generate_image(prompt, size)`` tool; returns the image URL (or says data was made)."""
    _need(provider, "generate", "make_image_generation_tool")

    async def generate_image(prompt: str, size: str = "1024x1024") -> str:
        """Generate an image from a description.

        Args:
            prompt: What the image shows.
            size: Width x height, e.g. 1024x1024.
        """
        image = await provider.generate(prompt, size=size)
        where = image.url or f"inline PNG ({len(image.b64_png or '')} base64 characters)"
        revised = f"\nRevised prompt: {image.revised_prompt}" if image.revised_prompt else ""
        return f"Image generated: {where}{revised}"

    return tool(generate_image)


def make_speech_tools(provider: BaseSpeechProvider) -> list[Tool]:
    """A ``speak(text, voice)`` tool (synthesizes; reports the size) and nothing else.

    Transcription takes audio bytes, which models do not send as tool
    arguments; call ``provider.transcribe`` from code.
    """
    _need(provider, "speak", "make_speech_tools")

    async def speak(text: str, voice: str = "") -> str:
        """Turn text into speech.

        Args:
            text: What to say.
            voice: A voice name (empty: the provider's default).
        """
        audio = await provider.speak(text, voice=voice or None)
        return f"Synthesized {len(audio.audio_bytes)} bytes of {audio.content_type}."

    return [tool(speak)]


def auto_register(
    *,
    tool_registry: Any,
    web_search: BaseWebSearchProvider | None = None,
    web_fetch: BaseWebFetchProvider | None = None,
    image_generator: BaseImageGenerationProvider | None = None,
    speech_provider: BaseSpeechProvider | None = None,
) -> list[str]:
    """Register the tools of the given providers on ``tool_registry``; returns their names.

    Args:
        tool_registry: Anything with ``register(tool)``
            (a :class:`~locus.tools.registry.ToolRegistry`).
    """
    if not callable(getattr(tool_registry, "register", None)):
        raise ValidationError(f"tool_registry needs a register(tool) method, got {tool_registry!r}")
    made: list[Tool] = []
    if web_search is not None:
        made.append(make_web_search_tool(web_search))
    if web_fetch is not None:
        made.append(make_web_fetch_tool(web_fetch))
    if image_generator is not None:
        made.append(make_image_generation_tool(image_generator))
    if speech_provider is not None:
        made.extend(make_speech_tools(speech_provider))
    for item in made:
        tool_registry.register(item)
    return [t.name for t in made]
