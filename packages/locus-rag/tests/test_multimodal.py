"""Documents to text: text, markdown, HTML, PDF (pypdf), images through a vision model."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from locus.core.errors import RAGError, ValidationError
from locus.core.messages import Message
from locus.models import FunctionModel
from locus.rag import (
    ContentType,
    HashingEmbeddings,
    MultimodalProcessor,
    RAGRetriever,
    process_content,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def make_pdf(pages: list[str], title: str = "Handbook") -> bytes:
    """A small valid PDF with one line of Helvetica text per page."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font = 3 + 2 * len(pages)
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(f"<< /Title ({title}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def test_html_drops_scripts_and_keeps_title_and_blocks() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>Ops guide</title><style>p{}</style></head>"
        "<body><h1>Restart</h1><script>alert(1)</script><p>Run <b>restart</b> &amp; wait.</p>"
        "<ul><li>one</li><li>two</li></ul></body></html>"
    )
    out = process_content(html)
    assert out.content_type is ContentType.HTML
    assert out.metadata["title"] == "Ops guide"
    assert out.text == "Restart\nRun restart & wait.\none\ntwo"


def test_files_by_suffix(tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text("# Title\nBody ✓\n")
    out = process_content(md)
    assert out.content_type is ContentType.MARKDOWN
    assert out.text == "# Title\nBody ✓\n"
    assert out.metadata["source"] == str(md)
    with pytest.raises(ValidationError, match="no such file"):
        process_content(tmp_path / "missing.txt")


def test_pdf_pages_and_title(tmp_path: Path) -> None:
    data = make_pdf(["Backups run nightly at two.", "Restores need an approval."])
    out = process_content(data)
    assert out.content_type is ContentType.PDF
    assert out.metadata == {"pages": 2, "title": "Handbook"}
    assert out.chunks == ["Backups run nightly at two.", "Restores need an approval."]
    with pytest.raises(RAGError, match="PDF"):
        process_content(b"%PDF-1.4\ngarbage")


async def test_retriever_adds_a_pdf_file_with_its_path_as_source(tmp_path: Path) -> None:
    path = tmp_path / "handbook.pdf"
    path.write_bytes(make_pdf(["Backups run nightly at two.", "Restores need an approval."]))
    rag = RAGRetriever(HashingEmbeddings())
    await rag.add_pdf(path)
    found = await rag.retrieve("when do backups run", limit=1)
    assert found.sources == [str(path)]
    assert found.documents[0].document.content_type == "pdf"
    assert found.documents[0].metadata["pages"] == 2


async def test_images_need_a_vision_model_and_use_it() -> None:
    with pytest.raises(ValidationError, match="vision_model"):
        process_content(PNG)
    seen: list[Message] = []

    def vision(messages: list[Message], tools: object) -> str:
        seen.extend(messages)
        return "A diagram of the backup pipeline: app -> queue -> bucket."

    model = FunctionModel(vision, name="vision")
    out = await MultimodalProcessor(vision_model=model).aprocess(PNG)
    assert out.text.startswith("A diagram")
    assert out.metadata["media_type"] == "image/png"
    (part,) = seen[0].parts
    assert part.type == "image"
    assert part.image_url == "data:image/png;base64," + base64.b64encode(PNG).decode()

    rag = RAGRetriever(HashingEmbeddings())
    ids = await rag.add_image(PNG, vision_model=model, doc_id="diagram")
    assert ids == ["diagram#0"]
    found = await rag.retrieve("backup pipeline diagram", limit=1)
    assert found.documents[0].document.content_type == "image"
