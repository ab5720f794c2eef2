"""Plain frozen data passed between stages. Leaf module."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Incoming:
    """A file seen in the inbox.

    ``source`` is its path relative to the inbox as the clerk named it (decoded, NFC);
    ``folder`` is the client sub-folder it was dropped in, or None at the inbox root.
    """

    path: Path
    source: str
    folder: str | None


@dataclass(frozen=True)
class Page:
    """The text of one page. ``method``: "text" (PDF text layer), "ocr", or "none" (not read)."""

    number: int
    text: str
    method: str
    confidence: float | None = None
    rotation: int = 0
    line_confidence: tuple[tuple[str, float], ...] = ()  # OCR: (line text, confidence)
    # The page's layout: text pieces with their boxes (text, x0, top, x1, bottom), words of the text
    # layer or the boxes OCR found; tables are found from them by their headers (reading.grid).
    cells: tuple[tuple[str, float, float, float, float], ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Reading:
    """What the read stage learnt of a file: media type, page count, the text of each page read."""

    media_type: str
    pages: int | None
    page_texts: tuple[Page, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def pages_text(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.page_texts)

    @property
    def text(self) -> str:
        return "\n".join(self.pages_text)

    @property
    def ocr_confidence(self) -> float | None:
        """Lowest confidence of the OCR pages, None when no page was OCRed."""
        values = [p.confidence for p in self.page_texts if p.method == "ocr" and p.confidence is not None]
        return min(values) if values else None


@dataclass(frozen=True)
class Understanding:
    """Document type and fields (issue "Reading and extraction"); ``review``: a person must look."""

    doc_type: str = "other"
    confidence: float = 0.0
    fields: dict = field(default_factory=dict)
    field_confidence: dict = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    review: bool = True
    notes: tuple[str, ...] = ()  # what extraction did that a person may want to know


@dataclass(frozen=True)
class Outcome:
    """The result of one inbox file, as printed by ``ingest --json``."""

    source: str
    outcome: str
    reason: str = ""
    client: str | None = None
    path: str | None = None
    version: str | None = None
    sha512: str | None = None
    moved_to: str | None = None

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "outcome": self.outcome,
            "reason": self.reason,
            "client": self.client,
            "path": self.path,
            "version": self.version,
            "sha512": self.sha512,
            "moved_to": self.moved_to,
        }


@dataclass
class Progress:
    """Counts for progress display; the CLI renders it."""

    total: int = 0
    done: int = 0
    current: str = ""
