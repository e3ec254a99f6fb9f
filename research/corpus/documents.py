"""A matter's own documents (briefs, contracts, prior memos): checked, parsed to text with page offsets, chunked.

PDF through pypdf, DOCX through python-docx, TXT and Markdown as UTF-8. A PDF's text keeps its pages: each page
starts at a recorded offset, so a quoted sentence is pinned to its page ("p. 3"). Anything that cannot be read
as a document (a name with path parts, an unknown type, too large, corrupt, encrypted, no text) is refused with
`DocumentError` saying why, before anything is stored.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath, PureWindowsPath

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PASSAGE_CHARS = 1200  # a passage: paragraphs of one page up to about this many characters


class MediaType(StrEnum):
    """The document types a matter accepts, by file extension."""

    PDF = "pdf"
    DOCX = "docx"
    TXT = "txt"
    MARKDOWN = "md"


EXTENSIONS = {".pdf": MediaType.PDF, ".docx": MediaType.DOCX, ".txt": MediaType.TXT, ".md": MediaType.MARKDOWN,
              ".markdown": MediaType.MARKDOWN}


class DocumentError(ValueError):
    """The file cannot be taken as a document; the message says why."""


@dataclass(frozen=True)
class ParsedDocument:
    """A document's text, where each page starts in it (one page for types without pages), and its type."""

    filename: str
    media_type: MediaType
    text: str
    page_starts: tuple[int, ...]

    @property
    def pages(self) -> int:
        """Number of pages (1 for a type without pages)."""
        return len(self.page_starts)

    def page_at(self, offset: int) -> int:
        """The 1-based page the character at `offset` is on."""
        return max(1, bisect_right(self.page_starts, offset))

    def pin(self, offset: int) -> str:
        """The pin of a quote starting at `offset`: its page for a PDF ("p. 3"), none otherwise."""
        return f"p. {self.page_at(offset)}" if self.media_type == MediaType.PDF else ""


def checked_filename(filename: str) -> tuple[str, MediaType]:
    """The file's name and type, or DocumentError for a name with path parts or an unsupported extension."""
    name = (filename or "").strip()
    if not name or name in {".", ".."} or PurePosixPath(name).name != name or PureWindowsPath(name).name != name \
            or "\x00" in name:
        raise DocumentError(f"{filename!r} is not a plain file name: give the name without folders.")
    if len(name) > 255:
        raise DocumentError("The file name is longer than 255 characters.")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise DocumentError(f"{name}: unsupported type {suffix or '(none)'}; upload PDF, DOCX, TXT or Markdown.")
    return name, EXTENSIONS[suffix]


def parse_document(filename: str, data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> ParsedDocument:
    """The document's text and pages; DocumentError when it is too large, corrupt, encrypted or holds no text."""
    name, media_type = checked_filename(filename)
    if len(data) > max_bytes:
        raise DocumentError(f"{name} is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    if not data.strip():
        raise DocumentError(f"{name} is empty.")
    if media_type == MediaType.PDF:
        pages = _pdf_pages(name, data)
    elif media_type == MediaType.DOCX:
        pages = [_docx_text(name, data)]
    else:
        try:
            pages = [data.decode("utf-8-sig")]
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name} is not UTF-8 text (byte {exc.start}).") from exc
    pages = [_tidy(p) for p in pages]
    if not any(p.strip() for p in pages):
        raise DocumentError(f"{name} holds no text (a scanned PDF needs OCR first).")
    starts, text = [], ""
    for page in pages:
        starts.append(len(text))
        text += page + ("\n\n" if page and not page.endswith("\n") else "")
    return ParsedDocument(name, media_type, text.rstrip() + "\n", tuple(starts))


def passage_spans(document: ParsedDocument, max_chars: int = MAX_PASSAGE_CHARS) -> list[tuple[int, int]]:
    """The document cut into passages: runs of whole paragraphs within one page, up to about `max_chars`."""
    spans: list[tuple[int, int]] = []
    bounds = list(document.page_starts) + [len(document.text)]
    for page_start, page_end in zip(bounds, bounds[1:], strict=False):
        start = None
        last_end = page_start
        for match in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*$)", document.text[page_start:page_end], re.S):
            p_start, p_end = page_start + match.start(), page_start + match.end()
            if start is not None and p_end - start > max_chars:
                spans.append((start, last_end))
                start = None
            if start is None:
                start = p_start
            last_end = p_end
            while last_end - start > max_chars:  # one paragraph longer than a passage: cut at a sentence
                cut = document.text.rfind(". ", start, start + max_chars)
                cut = cut + 1 if cut > start else start + max_chars
                spans.append((start, cut))
                start = cut + (1 if document.text[cut:cut + 1] == " " else 0)
        if start is not None and last_end > start:
            spans.append((start, last_end))
    return spans


def _pdf_pages(name: str, data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{name} is encrypted: upload a copy without a password.")
        return [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{name} is not a readable PDF ({exc}).") from exc


def _docx_text(name: str, data: bytes) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name} is not a readable DOCX file ({exc}).") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        paragraphs.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n\n".join(p for p in paragraphs if p.strip())


def _tidy(text: str) -> str:
    """Line endings unified and runs of spaces shortened; the words themselves are left as extracted."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return re.sub(r"[ \t]+", " ", text).strip()
