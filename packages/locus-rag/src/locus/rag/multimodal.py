"""Documents of many kinds to text: plain text, markdown, HTML, PDF.

:func:`process_content` detects the kind (by file suffix, then by the bytes)
and returns :class:`ProcessedContent`. Images and audio are recognised but
need a model to turn into text; without one they raise a clear error.
"""

from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locus.core.errors import ConfigError, RAGError, ValidationError

__all__ = [
    "ContentType",
    "MultimodalProcessor",
    "ProcessedContent",
    "html_to_text",
    "process_content",
]


class ContentType(StrEnum):
    """Kinds of content :func:`process_content` recognises."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    IMAGE = "image"
    AUDIO = "audio"


@dataclass
class ProcessedContent:
    """Text extracted from a document.

    Attributes:
        text: The text.
        content_type: What the input was.
        metadata: ``title``, ``pages``, ``source``... as found.
        chunks: Natural pieces when the format has them (PDF pages).
        raw_content: The input bytes.
    """

    text: str
    content_type: ContentType
    metadata: dict[str, Any] = field(default_factory=dict)
    chunks: list[str] | None = None
    raw_content: bytes | None = None


_SUFFIXES = {
    ".txt": ContentType.TEXT,
    ".text": ContentType.TEXT,
    ".rst": ContentType.TEXT,
    ".md": ContentType.MARKDOWN,
    ".markdown": ContentType.MARKDOWN,
    ".html": ContentType.HTML,
    ".htm": ContentType.HTML,
    ".pdf": ContentType.PDF,
    ".png": ContentType.IMAGE,
    ".jpg": ContentType.IMAGE,
    ".jpeg": ContentType.IMAGE,
    ".gif": ContentType.IMAGE,
    ".webp": ContentType.IMAGE,
    ".mp3": ContentType.AUDIO,
    ".wav": ContentType.AUDIO,
    ".m4a": ContentType.AUDIO,
}
_MAGIC = (
    (b"%PDF-", ContentType.PDF),
    (b"\x89PNG", ContentType.IMAGE),
    (b"\xff\xd8\xff", ContentType.IMAGE),
    (b"GIF8", ContentType.IMAGE),
    (b"RIFF", ContentType.AUDIO),
    (b"ID3", ContentType.AUDIO),
)
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "ul",
    "ol",
    "blockquote",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data.strip()
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (scripts and styles dropped) and its ``<title>``."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return text, parser.title


def _pdf(data: bytes) -> ProcessedContent:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:
        raise ConfigError("reading PDFs needs pypdf: pip install 'locus-rag[pdf]'") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise RAGError(f"could not read the PDF: {exc}", cause=exc) from exc
    meta: dict[str, Any] = {"pages": len(pages)}
    info = reader.metadata
    if info is not None and info.title:
        meta["title"] = str(info.title)
    return ProcessedContent("\n\n".join(p for p in pages if p), ContentType.PDF, meta, pages, data)


_IMAGE_PROMPT = (
    "Describe this image for a search index: what it shows, and transcribe any text in it."
)


def _media_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data[8:12] == b"WEBP":
        return "image/webp"
    raise ValidationError("unrecognised image format (PNG, JPEG, GIF and WebP are read)")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class MultimodalProcessor:
    """Turns files and bytes into text.

    Args:
        vision_model: A vision-capable locus model (anything with
            ``async complete(messages)``); :meth:`aprocess` has it describe
            images. Without one, images raise.
        image_prompt: What the vision model is asked.
    """

    def __init__(self, vision_model: Any = None, *, image_prompt: str = _IMAGE_PROMPT) -> None:
        self.vision_model = vision_model
        self.image_prompt = image_prompt

    async def aprocess(
        self, content: bytes | str | Path, content_type: ContentType | None = None
    ) -> ProcessedContent:
        """Like :meth:`process`, and images become text through the vision model.

        Raises:
            ValidationError: An image without a ``vision_model``, or audio.
            locus.core.errors.ModelError: The vision model failed.
        """
        kind = content_type or self.detect_content_type(content)
        if kind is not ContentType.IMAGE or self.vision_model is None:
            return self.process(content, kind)
        from locus.core.messages import Message

        meta: dict[str, Any] = {}
        if isinstance(content, Path):
            meta["source"] = str(content)
            data = await asyncio.to_thread(content.read_bytes)
        elif isinstance(content, bytes):
            data = content
        else:
            raise ValidationError("an image must be given as a Path or bytes")
        media = _media_type(data)
        url = f"data:{media};base64,{base64.b64encode(data).decode()}"
        response = await self.vision_model.complete([Message.user(self.image_prompt, images=[url])])
        text = (response.message.content or "").strip()
        if not text:
            raise RAGError("the vision model returned no description of the image")
        meta.update(
            {"media_type": media, "described_by": str(getattr(self.vision_model, "model", ""))}
        )
        return ProcessedContent(text, ContentType.IMAGE, meta, None, data)

    def detect_content_type(self, content: bytes | str | Path) -> ContentType:
        """By suffix for a path, by leading bytes for bytes; strings are text or HTML."""
        if isinstance(content, Path):
            kind = _SUFFIXES.get(content.suffix.lower())
            if kind is not None:
                return kind
            with content.open("rb") as fh:
                content = fh.read(512)
        if isinstance(content, bytes):
            for magic, kind in _MAGIC:
                if content.startswith(magic):
                    return kind
            content = _decode(content[:512])
        head = content.lstrip()[:256].lower()
        if head.startswith(("<!doctype html", "<html")) or "<body" in head:
            return ContentType.HTML
        return ContentType.TEXT

    def process(
        self, content: bytes | str | Path, content_type: ContentType | None = None
    ) -> ProcessedContent:
        """Extract text.

        Raises:
            ValidationError: The path does not exist, or images/audio without a model.
            ConfigError: PDF without pypdf.
            RAGError: A corrupt PDF.
        """
        meta: dict[str, Any] = {}
        if isinstance(content, Path):
            if not content.is_file():
                raise ValidationError(f"no such file: {content}")
            kind = content_type or self.detect_content_type(content)
            meta["source"] = str(content)
            data: bytes | str = content.read_bytes()
        else:
            kind = content_type or self.detect_content_type(content)
            data = content
        if kind is ContentType.PDF:
            raw = data if isinstance(data, bytes) else data.encode("latin-1")
            out = _pdf(raw)
            out.metadata.update(meta)
            return out
        if kind in (ContentType.IMAGE, ContentType.AUDIO):
            raise ValidationError(
                f"{kind.value} content needs a model to turn it into text: for images "
                "use MultimodalProcessor(vision_model=...).aprocess() (or "
                "RAGRetriever.add_image); otherwise extract the text and use add_document()"
            )
        raw_bytes = data if isinstance(data, bytes) else None
        text = _decode(data) if isinstance(data, bytes) else data
        if kind is ContentType.HTML:
            text, title = html_to_text(text)
            if title:
                meta["title"] = title
        return ProcessedContent(text, kind, meta, None, raw_bytes)


def process_content(
    content: bytes | str | Path, content_type: ContentType | None = None, **kwargs: Any
) -> ProcessedContent:
    """Extract text from a file (:class:`~pathlib.Path`), bytes, or a string of text/HTML.

    Args:
        content: A path (kind from its suffix), bytes (kind from their first
            bytes) or a string (text, or HTML when it looks like a page).
        content_type: Skip detection.
        **kwargs: Passed to :class:`MultimodalProcessor`.
    """
    return MultimodalProcessor(**kwargs).process(content, content_type)
