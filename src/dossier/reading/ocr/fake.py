"""The fake OCR engine for tests: it reads the truth a synthetic page file carries.

``dossier_factory.scans`` embeds each page's true text in the file it writes (PNG text chunk
``dossier-truth``, JPEG comment or TIFF ImageDescription ``dossier-truth:<JSON>``, PDF document
information ``/DossierTruth``).  Only this module reads it: the production page loaders of
:mod:`.pages` never look at it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

    from .pages import PageRef
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


def read_truth(ref: "PageRef | tuple") -> str | None:
    """The true text the factory embedded in the page ``ref`` points to, or None.

    Reads metadata only (no pixels are decoded); a file that cannot be opened has no truth.
    """
    from .pages import PageRef

    ref = PageRef(*ref)
    if ref.page is not None:
        return _pdf_truth(ref.path, ref.page)
    from PIL import Image

    try:
        img = Image.open(ref.path)
    except (OSError, Image.DecompressionBombError):
        return None
    with img:
        try:
            if ref.frame:
                img.seek(ref.frame)
        except EOFError:
            return None
        info = img.info
        if TRUTH_KEY in info:
            return truth_from_blob(info[TRUTH_KEY], ref.frame)
        comment = info.get("comment")
        if isinstance(comment, (bytes, str)):
            comment = comment.decode("utf-8", "replace") if isinstance(comment, bytes) else comment
            if comment.startswith(TRUTH_MARK):
                return truth_from_blob(comment, 0)
        if hasattr(img, "tag_v2"):
            desc = img.tag_v2.get(270)
            if isinstance(desc, str) and desc.startswith(TRUTH_MARK):
                return truth_from_blob(desc, ref.frame)
    return None


def _pdf_truth(path, index: int) -> str | None:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        value = pdf.get_metadata_value("DossierTruth")
    except Exception:  # noqa: BLE001 - metadata is optional
        return None
    finally:
        pdf.close()
    return truth_from_blob(TRUTH_MARK + value, index) if value else None


def image_sha256(image: "Image.Image") -> str:
    """Digest of an image's pixels (mode, size and raw bytes): the key of FakeEngine mappings."""
    h = hashlib.sha256(f"{image.mode}:{image.width}x{image.height}:".encode())
    h.update(image.tobytes())
    return h.hexdigest()


class FakeEngine:
    """Returns the true text of a page instead of reading it: for tests of other modules.

    ``read(ref)`` (what ``OcrPool`` workers call) takes the text from the page file's embedded
    truth (:func:`read_truth`), or from ``truth[image_sha256(image)]`` when a mapping is given;
    the page is loaded with the production loader for its size (so unreadable files fail as
    they do with a real engine).  ``recognize(image)`` takes it from the mapping, else from
    ``image.info["dossier-truth"]`` (an in-memory factory image).  A page without truth reads
    as blank.  Each text line becomes an OcrLine with confidence 0.99 and a box on a grid.
    """

    name = "fake"

    def __init__(self, truth: Mapping[str, str] | None = None, confidence: float = 0.99,
                 delay: float = 0.0):
        self._truth = dict(truth or {})
        self._confidence = confidence
        self._delay = float(delay)  # simulated OCR time per page (pool tests)

    def read(self, ref: "PageRef | tuple") -> OcrPage:
        from .pages import load_page_image

        start = time.perf_counter()
        image = load_page_image(ref)
        text = self._truth.get(image_sha256(image)) if self._truth else None
        if text is None:
            text = read_truth(ref)
        page = self._page(text, image.width, image.height)
        return OcrPage(page.lines, 0, page.width, page.height, time.perf_counter() - start)

    def recognize(self, image: "Image.Image") -> OcrPage:
        start = time.perf_counter()
        text = self._truth.get(image_sha256(image)) if self._truth else None
        if text is None:
            text = truth_from_blob(image.info.get(TRUTH_KEY), 0)
        page = self._page(text, image.width, image.height)
        return OcrPage(page.lines, 0, page.width, page.height, time.perf_counter() - start)

    def _page(self, text: str | None, width: int, height: int) -> OcrPage:
        if self._delay > 0:
            time.sleep(self._delay)
        lines = []
        if text:
            rows = [row.strip() for row in text.splitlines() if row.strip()]
            pitch = height / max(len(rows) + 2, 1)
            for i, row in enumerate(rows):
                y0 = pitch * (i + 1)
                lines.append(OcrLine(row, self._confidence, (width * 0.05, y0, width * 0.95, y0 + pitch * 0.8)))
        return OcrPage(tuple(lines), 0, width, height, 0.0)
