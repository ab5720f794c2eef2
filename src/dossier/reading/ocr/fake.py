"""The fake OCR engine for tests: it reads the truth a synthetic page carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image
import hashlib
import json
import time
from typing import Any, Mapping

from .results import OcrLine, OcrPage

#: Metadata key holding a page's true text (written by the synthetic factory).
TRUTH_KEY = "dossier-truth"
#: Prefix of the truth JSON in JPEG comments and TIFF ImageDescription tags.
TRUTH_MARK = "dossier-truth:"


def truth_from_blob(blob: Any, index: int) -> str | None:
    """The truth of page ``index`` from a stored value: a string, or a JSON list after TRUTH_MARK."""
    if blob is None:
        return None
    if isinstance(blob, bytes):
        blob = blob.decode("utf-8", "replace")
    blob = str(blob)
    if blob.startswith(TRUTH_MARK):
        try:
            value = json.loads(blob[len(TRUTH_MARK):])
        except ValueError:
            return None
        if isinstance(value, list):
            return str(value[index]) if 0 <= index < len(value) else None
        return str(value)
    return blob


def image_sha256(image: "Image.Image") -> str:
    """Digest of an image's pixels (mode, size and raw bytes): the key of FakeEngine mappings."""
    h = hashlib.sha256(f"{image.mode}:{image.width}x{image.height}:".encode())
    h.update(image.tobytes())
    return h.hexdigest()


class FakeEngine:
    """Returns the true text of a page instead of reading it: for tests of other modules.

    The text comes from ``truth[image_sha256(image)]`` when a mapping is given, else
    from ``image.info["dossier-truth"]``; a page without either reads as blank.  Each
    text line becomes an OcrLine with confidence 0.99 and a box on a regular grid.
    """

    name = "fake"

    def __init__(self, truth: Mapping[str, str] | None = None, confidence: float = 0.99,
                 delay: float = 0.0):
        self._truth = dict(truth or {})
        self._confidence = confidence
        self._delay = float(delay)  # simulated OCR time per page (pool tests)

    def recognize(self, image: "Image.Image") -> OcrPage:
        start = time.perf_counter()
        if self._delay > 0:
            time.sleep(self._delay)
        text = None
        if self._truth:
            text = self._truth.get(image_sha256(image))
        if text is None:
            text = truth_from_blob(image.info.get(TRUTH_KEY), 0)
        lines = []
        if text:
            rows = [row.strip() for row in text.splitlines() if row.strip()]
            pitch = image.height / max(len(rows) + 2, 1)
            for i, row in enumerate(rows):
                y0 = pitch * (i + 1)
                lines.append(OcrLine(row, self._confidence,
                                     (image.width * 0.05, y0, image.width * 0.95, y0 + pitch * 0.8)))
        return OcrPage(tuple(lines), 0, image.width, image.height, time.perf_counter() - start)
