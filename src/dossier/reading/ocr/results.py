"""OCR results and the engine protocol: lines, pages, what an engine must do."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

    from .pages import PageRef

from dataclasses import dataclass
from typing import Protocol, Sequence

#: Largest page rendered or loaded, in pixels (an A4 page at 600 dpi is ~35 MP).
MAX_PAGE_PIXELS = 40_000_000

Quad = Sequence[Sequence[float]]


@dataclass(frozen=True)
class OcrLine:
    """One line of text. ``box`` is (x0, y0, x1, y1) in pixels of the upright page image."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    # The boxes the line was joined from, left to right: (text, x0, top, x1, bottom) in pixels of the
    # page turned straight (deskewed), so that the boxes of a table line up in rows and columns.
    parts: tuple[tuple[str, float, float, float, float], ...] = ()


@dataclass(frozen=True)
class OcrPage:
    """The text of one page image.

    ``rotation``: how the input was turned, counter-clockwise degrees (0/90/180/270, as
    ``Image.rotate``); the engine turned it upright before reading, and ``width``,
    ``height`` and the line boxes refer to the upright image.  ``seconds``: wall-clock
    time spent on the page (in ``OcrPool``: loading/rendering included).
    """

    lines: tuple[OcrLine, ...]
    rotation: int
    width: int
    height: int
    seconds: float

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float | None:
        """Mean line confidence weighted by the number of characters; None without text."""
        total = sum(len(line.text) for line in self.lines)
        if not self.lines:
            return None
        if total == 0:
            return sum(line.confidence for line in self.lines) / len(self.lines)
        return sum(line.confidence * len(line.text) for line in self.lines) / total


class Engine(Protocol):
    """An OCR engine. ``read(ref)`` loads the page ``ref`` points to itself (what ``OcrPool``
    workers call: only references cross processes); ``recognize(image)`` reads a loaded image."""

    name: str

    def read(self, ref: "PageRef") -> OcrPage: ...

    def recognize(self, image: "Image.Image") -> OcrPage: ...
