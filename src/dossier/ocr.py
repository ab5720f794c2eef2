"""OCR of scanned pages: engines, line grouping, page rendering and a process pool.

Engines (``Engine`` protocol: ``name`` and ``recognize(image) -> OcrPage``):

``RapidEngine``  RapidOCR (PyPI ``rapidocr``) on onnxruntime with the PP-OCR models
                 shipped inside the ``rapidocr`` wheel (``rapidocr/models/*.onnx``).
                 Never downloads anything: the model files are passed by path, the
                 character table is read from the recognition model, and RapidOCR's
                 downloader is disabled in the process that loads the engine.
                 One onnxruntime thread per engine (and one OpenCV thread).
``FakeEngine``   A test engine: "recognises" the text stored in the image's metadata
                 key ``dossier-truth`` (PNG text chunk, JPEG comment, TIFF
                 ImageDescription, PDF ``/DossierTruth``; see ``dossier.scans``) or in a
                 mapping given at construction keyed by :func:`image_sha256`.

Pipeline of ``RapidEngine.recognize`` (figures per A4 page on one core, see bench/ocr.py):

1. working image: the page downscaled to at most ``max_side`` px (default 2400, about
   200 dpi on A4); recognition crops are cut from it.
2. detection (DB) on a copy whose long side is ``det_limit`` px (default 960).
3. orientation: if most detected boxes are tall the page lies sideways (90/270);
   the direction classifier on the <= 8 longest lines (in the candidate upright
   frame) then decides 0 vs 180 (or 270 vs 90).  Costs ~15-30 ms; the page is never
   detected twice.
4. recognition of every box, cut from the working image already upright (the
   perspective crop is given the corners in upright order) and stretched 1.25x
   horizontally: more CTC time steps per character, so "00" in "1,000,000.00" is not
   read as "0".  One crop per run (``rec_batch=1``): on one thread, padding crops to a
   common width costs more than batching saves (measured: 1.48 s vs 2.10 s per page
   for batches of 8).
5. :func:`group_lines`: skew-aware grouping of the boxes into lines (boxes inset by the
   detector's margin first, so gaps between boxes are gaps between inked text).

Measured on this project's synthetic pages (bench/ocr.py): ~2.3 CPU-s per A4 page,
detection ~0.9 s of it; a worker peaks at ~0.5 GB RSS.

``OcrPool`` runs engines in worker processes (one engine, one thread each) that read
and render the pages themselves; a worker that dies (out of memory, killed) costs only
the page it was working on (``OcrPageError``) and is replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import multiprocessing
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, NamedTuple, Protocol, Sequence

from .errors import DossierError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

log = logging.getLogger(__name__)

__all__ = [
    "OcrLine",
    "OcrPage",
    "Engine",
    "RapidEngine",
    "FakeEngine",
    "OcrError",
    "OcrPageError",
    "PageRef",
    "OcrPool",
    "group_lines",
    "render_pdf_page",
    "load_page_image",
    "image_sha256",
    "make_engine",
    "rapid_model_files",
    "peak_rss",
    "TRUTH_KEY",
]

#: Metadata key holding a page's true text (for FakeEngine).
TRUTH_KEY = "dossier-truth"
#: Prefix of the truth JSON in JPEG comments and TIFF ImageDescription tags.
TRUTH_MARK = "dossier-truth:"
#: Largest page rendered or loaded, in pixels (an A4 page at 600 dpi is ~35 MP).
MAX_PAGE_PIXELS = 40_000_000

Quad = Sequence[Sequence[float]]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrLine:
    """One line of text. ``box`` is (x0, y0, x1, y1) in pixels of the upright page image."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]


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
    name: str

    def recognize(self, image: "Image.Image") -> OcrPage: ...


class OcrError(DossierError):
    """OCR could not run (engine missing, model files missing, pool closed)."""


class OcrPageError(OcrError):
    """One page could not be read. ``index`` is its position in the request."""

    def __init__(self, message: str, index: int | None = None, ref: "PageRef | None" = None):
        super().__init__(message)
        self.index = index
        self.ref = ref

    def __reduce__(self):
        return (OcrPageError, (self.message, self.index, self.ref))


# ---------------------------------------------------------------------------
# line grouping
# ---------------------------------------------------------------------------


def _norm_angle(deg: float) -> float:
    """Angle of an undirected line, in (-90, 90]."""
    deg = math.fmod(deg, 180.0)
    if deg <= -90:
        deg += 180
    elif deg > 90:
        deg -= 180
    return deg


def _weighted_median(values: list[float], weights: list[float]) -> float:
    pairs = sorted(zip(values, weights))
    half = sum(weights) / 2
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


@dataclass
class _Item:
    text: str
    conf: float
    pts: list[tuple[float, float]]
    x0: float = 0.0  # in the deskewed frame
    x1: float = 0.0
    cy: float = 0.0
    h: float = 0.0
    w: float = 0.0


def _geometry(pts: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(angle of the long axis in degrees, length along it, length across it)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
    # Mean of opposite edges: robust to a slightly irregular quad.
    ax, ay = ((x1 - x0) + (x2 - x3)) / 2, ((y1 - y0) + (y2 - y3)) / 2
    bx, by = ((x3 - x0) + (x2 - x1)) / 2, ((y3 - y0) + (y2 - y1)) / 2
    la, lb = math.hypot(ax, ay), math.hypot(bx, by)
    if la >= lb:
        return _norm_angle(math.degrees(math.atan2(ay, ax))), la, lb
    return _norm_angle(math.degrees(math.atan2(by, bx))), lb, la


def _dominant_angle(items: list[_Item]) -> float:
    """Text angle from the boxes' orientations: weighted mean around the weighted median.

    Weights grow with the square of a box's length: the orientation of a short box is
    quantised by the detector's resolution, a long one's is precise.
    """
    angles, weights = [], []
    for it in items:
        ang, length, across = _geometry(it.pts)
        if across > 0 and length >= 1.5 * across and abs(ang) <= 30:
            angles.append(ang)
            weights.append(length * length)
    if not angles:
        return 0.0
    median = _weighted_median(angles, weights)
    near = [(a, w) for a, w in zip(angles, weights) if abs(a - median) <= 4.0]
    return sum(a * w for a, w in near) / sum(w for _, w in near)


def _refine_angle(items: list[_Item], angle: float, span: float = 2.0, step: float = 0.1) -> float:
    """Refine ``angle`` (degrees) by the projection profile of the box centres.

    Box centres are projected across the text direction into bins of half the median
    box height; the angle within ``span`` degrees whose profile is sharpest (largest sum
    of squared, width-weighted bin counts) wins.  Needs a handful of boxes.
    """
    if len(items) < 6:
        return angle
    heights = sorted(_geometry(it.pts)[2] for it in items)
    bin_h = max(heights[len(heights) // 2] * 0.5, 1.0)
    centres = [(sum(p[0] for p in it.pts) / 4, sum(p[1] for p in it.pts) / 4, _geometry(it.pts)[1])
               for it in items]
    best, best_score = angle, -1.0
    n = int(round(span / step))
    for k in sorted(range(-n, n + 1), key=abs):
        a = math.radians(angle + k * step)
        c, s = math.cos(a), math.sin(a)
        bins: dict[int, float] = {}
        for x, y, w in centres:
            b = math.floor((-x * s + y * c) / bin_h)
            bins[b] = bins.get(b, 0.0) + w
        score = sum(v * v for v in bins.values())
        if score > best_score * (1 + 1e-9):
            best, best_score = angle + k * step, score
    return best


def _deskew(items: list[_Item], angle: float) -> None:
    """Fill the items' geometry in the frame rotated by minus ``angle``."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for it in items:
        rot = [(x * c + y * s, -x * s + y * c) for x, y in it.pts]
        xs = [p[0] for p in rot]
        ys = [p[1] for p in rot]
        it.x0, it.x1 = min(xs), max(xs)
        it.cy = sum(ys) / 4
        _, _, across = _geometry(it.pts)
        # Height across the text direction; a vertical or square box uses its y extent.
        it.h = max(min(across, max(ys) - min(ys)), 1.0)
        it.w = max(it.x1 - it.x0, 1.0)


def group_lines(words: Sequence[tuple[str, float, Quad]], *, space_chars: float = 0.5) -> list[OcrLine]:
    """Group detector boxes ``(text, confidence, quad)`` into lines of a (nearly) upright page.

    1. the dominant text angle (a page scanned a few degrees askew) is estimated from
       the orientations of the wide boxes (weighted mean around the weighted median,
       long boxes counting most), then refined within ±2° by the projection profile
       of the box centres;
    2. box corners are rotated by minus that angle, so lines are horizontal again;
    3. boxes are clustered into lines by vertical overlap relative to their own
       heights (at least half the smaller height; not a fixed pixel band), so a 40-pt
       title and 8-pt table rows group equally well.  A box is compared with the
       horizontally nearest box of a line, so a line that still slopes a little (a
       phone photo's perspective) stays one line; a box that would overlap a line's
       box horizontally starts another line;
    4. lines are ordered top to bottom, boxes left to right, and joined with one space
       where the gap between two boxes is wider than ``space_chars`` characters
       (character width estimated as box width / text length, the narrower of the two
       boxes), with nothing otherwise.  The default, half a character, separates table
       cells and Latin words (a word space is about half a Latin letter's width) but
       never splits a word the detector cut into touching pieces.

    ``quad``: four (x, y) corners in order around the box (any start).  The line's
    ``box`` is the axis-aligned bounding box of its quads; its confidence is the
    character-weighted mean.
    """
    items: list[_Item] = []
    for text, conf, quad in words:
        if not text or not text.strip():
            continue
        pts = [(float(p[0]), float(p[1])) for p in quad]
        if len(pts) != 4:
            raise ValueError("each box needs four corners")
        items.append(_Item(text.strip(), float(conf), pts))
    if not items:
        return []
    angle = _refine_angle(items, _dominant_angle(items))
    _deskew(items, angle)
    items.sort(key=lambda it: (it.cy, it.x0))
    lines: list[list[_Item]] = []
    stats: list[list[float]] = []  # per line: [sum cy, n, top, bottom]
    for it in items:
        top, bottom = it.cy - it.h / 2, it.cy + it.h / 2
        best, best_key = None, None
        for li, members in enumerate(lines):
            st = stats[li]
            if st[3] < top or st[2] > bottom:  # nowhere near vertically
                continue
            if any(min(it.x1, m.x1) - max(it.x0, m.x0) > 0.3 * min(it.w, m.w) for m in members):
                continue  # would sit on top of a box of that line: another line
            # Compare with the horizontally nearest box of the line: lines that still
            # slope a little (residual skew, a photo's perspective) group all the same.
            near = min(members, key=lambda m: max(0.0, m.x0 - it.x1, it.x0 - m.x1))
            overlap = min(bottom, near.cy + near.h / 2) - max(top, near.cy - near.h / 2)
            ratio = overlap / min(it.h, near.h)
            if ratio < 0.5:
                continue
            key = (ratio, -max(0.0, near.x0 - it.x1, it.x0 - near.x1))
            if best_key is None or key > best_key:
                best, best_key = li, key
        if best is None:
            lines.append([it])
            stats.append([it.cy, 1, top, bottom])
        else:
            lines[best].append(it)
            st = stats[best]
            st[0] += it.cy
            st[1] += 1
            st[2] = min(st[2], top)
            st[3] = max(st[3], bottom)
    order = sorted(range(len(lines)), key=lambda i: stats[i][0] / stats[i][1])
    out: list[OcrLine] = []
    for li in order:
        members = sorted(lines[li], key=lambda m: m.x0)
        per_char = [m.w / max(1, len(m.text)) for m in members]
        text = members[0].text
        for prev, cur, cw_prev, cw_cur in zip(members, members[1:], per_char, per_char[1:]):
            gap = cur.x0 - prev.x1
            char_w = min(cw_prev, cw_cur)
            text += (" " if gap > space_chars * char_w else "") + cur.text
        nchars = sum(len(m.text) for m in members)
        conf = sum(m.conf * len(m.text) for m in members) / max(1, nchars)
        xs = [p[0] for m in members for p in m.pts]
        ys = [p[1] for m in members for p in m.pts]
        out.append(OcrLine(text, round(conf, 4), (min(xs), min(ys), max(xs), max(ys))))
    return out


# ---------------------------------------------------------------------------
# pages: references, rendering, loading
# ---------------------------------------------------------------------------


class PageRef(NamedTuple):
    """A page to read: ``page`` is the 0-based PDF page index, None for an image file;
    ``frame`` the frame of a multi-page TIFF; ``dpi`` the resolution to render PDF pages
    at (image files with a higher dpi are downscaled to it)."""

    path: str | os.PathLike
    page: int | None = None
    frame: int = 0
    dpi: int = 200


def _truth_from_blob(blob: Any, index: int) -> str | None:
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


def render_pdf_page(path, index: int = 0, dpi: int = 200) -> "Image.Image":
    """Page ``index`` (0-based) of a PDF rendered at ``dpi`` as an RGB image (pypdfium2).

    ``info["dpi"]`` is set; a page that would exceed MAX_PAGE_PIXELS is rendered at a lower
    dpi.  A ``/DossierTruth`` entry of the document information (written by
    ``dossier.scans.write_scanned_pdf``) goes to ``info["dossier-truth"]``.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise OcrPageError(f"PDF 无法打开，不能识别（{exc}）。") from exc
    try:
        if not 0 <= index < len(pdf):
            raise OcrPageError(f"PDF 只有 {len(pdf)} 页，没有第 {index + 1} 页。")
        page = pdf[index]
        try:
            w_pt, h_pt = page.get_size()
            scale = dpi / 72.0
            pixels = w_pt * h_pt * scale * scale
            if pixels > MAX_PAGE_PIXELS:
                scale *= math.sqrt(MAX_PAGE_PIXELS / pixels)
            bitmap = page.render(scale=scale, may_draw_forms=False)
            try:
                image = bitmap.to_pil()
                if image.mode != "RGB":
                    image = image.convert("RGB")
                else:
                    image = image.copy()  # detach from the pdfium buffer
            finally:
                bitmap.close()
        finally:
            page.close()
        effective = round(scale * 72.0, 2)
        image.info["dpi"] = (effective, effective)
        truth = _truth_from_blob(_pdf_truth(pdf), index)
        if truth is not None:
            image.info[TRUTH_KEY] = truth
        return image
    finally:
        pdf.close()


def _pdf_truth(pdf) -> str | None:
    try:
        value = pdf.get_metadata_value("DossierTruth")
    except Exception:  # noqa: BLE001 - metadata is optional
        return None
    return (TRUTH_MARK + value) if value else None


def load_page_image(ref: PageRef | tuple) -> "Image.Image":
    """Load the page ``ref`` points to as an RGB image (rendering PDF pages).

    Image files with a dpi above ``ref.dpi`` are downscaled to it (JPEGs are decoded at
    reduced size directly), pages above MAX_PAGE_PIXELS too; a phone's EXIF orientation
    is applied.  Truth metadata is put in ``info["dossier-truth"]``.
    """
    from PIL import Image

    ref = PageRef(*ref)
    if ref.page is not None:
        return render_pdf_page(ref.path, ref.page, ref.dpi)
    try:
        img = Image.open(ref.path)
    except (OSError, Image.DecompressionBombError) as exc:
        raise OcrPageError(f"图像文件无法打开，不能识别（{exc}）。") from exc
    with img:
        truth = None
        try:
            if ref.frame:
                img.seek(ref.frame)
        except EOFError as exc:
            raise OcrPageError(f"图像只有 {getattr(img, 'n_frames', 1)} 帧，没有第 {ref.frame + 1} 帧。") from exc
        info = dict(img.info)
        if TRUTH_KEY in info:
            truth = _truth_from_blob(info[TRUTH_KEY], ref.frame)
        elif isinstance(info.get("comment"), (bytes, str)):
            comment = info["comment"]
            comment = comment.decode("utf-8", "replace") if isinstance(comment, bytes) else comment
            if comment.startswith(TRUTH_MARK):
                truth = _truth_from_blob(comment, 0)
        if truth is None and hasattr(img, "tag_v2"):
            desc = img.tag_v2.get(270)
            if isinstance(desc, str) and desc.startswith(TRUTH_MARK):
                truth = _truth_from_blob(desc, ref.frame)
        dpi = info.get("dpi")
        src_dpi = float(dpi[0]) if isinstance(dpi, tuple) and dpi and dpi[0] else None
        scale = 1.0
        if src_dpi and src_dpi > ref.dpi * 1.2:
            scale = ref.dpi / src_dpi
        if img.width * img.height * scale * scale > MAX_PAGE_PIXELS:
            scale = math.sqrt(MAX_PAGE_PIXELS / (img.width * img.height))
        target = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        if scale < 1.0 and img.format == "JPEG":
            img.draft("RGB", target)
        elif img.width * img.height > 3 * MAX_PAGE_PIXELS:
            # Decoding it whole would take gigabytes (only JPEGs decode at reduced size).
            raise OcrPageError(
                f"图像尺寸过大（{img.width}×{img.height} 像素），无法识别。请以 150-300 dpi 重新扫描。")
        try:
            img.load()
            exif_turn = _exif_transpose_method(img)
            out = img.convert("RGB") if img.mode != "RGB" else img.copy()
        except (OSError, ValueError, SyntaxError) as exc:
            raise OcrPageError(f"图像文件已损坏，不能识别（{exc}）。") from exc
    if out.size != target and scale < 1.0:
        out = out.resize(target, Image.BILINEAR, reducing_gap=2.0)
    if exif_turn is not None:
        out = out.transpose(exif_turn)
    out.info.clear()
    if src_dpi:
        d = round(src_dpi * min(1.0, scale), 2)
        out.info["dpi"] = (d, d)
    if truth is not None:
        out.info[TRUTH_KEY] = truth
    return out


def _exif_transpose_method(img):
    """The transpose that a phone's EXIF orientation asks for, or None."""
    from PIL import Image

    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001
        return None
    return {2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
            5: Image.TRANSPOSE, 6: Image.ROTATE_270, 7: Image.TRANSVERSE,
            8: Image.ROTATE_90}.get(orientation)


def image_sha256(image: "Image.Image") -> str:
    """Digest of an image's pixels (mode, size and raw bytes): the key of FakeEngine mappings."""
    h = hashlib.sha256(f"{image.mode}:{image.width}x{image.height}:".encode())
    h.update(image.tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------
# FakeEngine
# ---------------------------------------------------------------------------


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
            text = _truth_from_blob(image.info.get(TRUTH_KEY), 0)
        lines = []
        if text:
            rows = [row.strip() for row in text.splitlines() if row.strip()]
            pitch = image.height / max(len(rows) + 2, 1)
            for i, row in enumerate(rows):
                y0 = pitch * (i + 1)
                lines.append(OcrLine(row, self._confidence,
                                     (image.width * 0.05, y0, image.width * 0.95, y0 + pitch * 0.8)))
        return OcrPage(tuple(lines), 0, image.width, image.height, time.perf_counter() - start)


# ---------------------------------------------------------------------------
# RapidEngine
# ---------------------------------------------------------------------------

#: (task, file-name pattern) of the models shipped in the rapidocr wheel.
_MODEL_PATTERNS = (("det", "*det*.onnx"), ("rec", "*rec*.onnx"), ("cls", "*cls*.onnx"))


def rapid_model_files() -> dict[str, Path]:
    """Paths of the detection, recognition and orientation models inside the rapidocr package.

    Raises OcrError (nothing is ever downloaded) when the package or a model is missing.
    """
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise OcrError("未安装 OCR 组件 rapidocr：请运行 make setup（pip install -e .）。")
    models = Path(list(spec.submodule_search_locations)[0]) / "models"
    found: dict[str, Path] = {}
    for task, pattern in _MODEL_PATTERNS:
        hits = sorted(models.glob(pattern))
        # Prefer the newest PP-OCR version shipped (file names start with it).
        if hits:
            found[task] = sorted(hits, key=lambda p: ("PP-OCRv" in p.name, p.name))[-1]
    missing = [t for t, _ in _MODEL_PATTERNS if t not in found]
    if missing:
        raise OcrError(
            f"rapidocr 安装包中缺少 OCR 模型（{', '.join(missing)}，应在 {models}）。"
            "程序不会在运行时下载模型：请重新安装 rapidocr（make setup）。"
        )
    return found


def _no_download(*args, **kwargs):
    raise OcrError("OCR 组件试图在运行时下载模型，已被禁止。请检查 rapidocr 安装是否完整。")


class RapidEngine:
    """RapidOCR (PP-OCR, onnxruntime), loaded on first use. See the module docstring.

    ``det_limit``: long side of the detection input (px; 736 loses small table figures,
    1280 costs ~2x the detection time for no gain on A4); ``max_side``: long side of the
    working image crops are cut from; ``rec_batch``: crops per recognition run;
    ``rec_stretch``: horizontal stretch of the crops before recognition;
    ``orientation``: detect pages turned by 90/180/270; ``text_score``: lines read with a
    lower confidence are dropped; ``threads``: onnxruntime intra-op threads.
    """

    name = "rapid"

    def __init__(self, *, det_limit: int = 960, max_side: int = 2400, rec_batch: int = 1,
                 orientation: bool = True, text_score: float = 0.5, threads: int = 1,
                 box_thresh: float = 0.5, unclip_ratio: float = 1.6, rec_stretch: float = 1.25):
        self.det_limit = int(det_limit)
        self.max_side = int(max_side)
        self.rec_batch = int(rec_batch)
        self.orientation = orientation
        self.text_score = float(text_score)
        self.threads = int(threads)
        self.box_thresh = box_thresh
        self.unclip_ratio = unclip_ratio
        self.rec_stretch = float(rec_stretch)
        self._det = self._cls = self._rec = None
        self.timings: dict[str, float] = {}

    # -- loading -------------------------------------------------------------

    def load(self) -> None:
        """Load the models now (otherwise done by the first ``recognize``)."""
        if self._det is not None:
            return
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        files = rapid_model_files()
        try:
            import cv2
            import onnxruntime  # noqa: F401 - fail early with a clear message
            from rapidocr import RapidOCR
            from rapidocr.utils import download_file
        except ImportError as exc:
            raise OcrError(f"OCR 组件未正确安装（{exc.name}）：请运行 make setup。") from exc
        cv2.setNumThreads(1)
        # Belt and braces: the model paths below never reach the downloader; make sure.
        download_file.DownloadFile.run = classmethod(_no_download)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        params = {
            "Global.log_level": "error",
            "Global.use_cls": True,
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": False,
            "Det.model_path": str(files["det"]),
            "Det.limit_type": "max",
            "Det.limit_side_len": self.det_limit,
            "Det.box_thresh": self.box_thresh,
            "Det.unclip_ratio": self.unclip_ratio,
            "Rec.model_path": str(files["rec"]),
            "Rec.rec_batch_num": self.rec_batch,
            # Crops are padded to the widest crop of their batch, not to 320 px.
            "Rec.rec_img_shape": [3, 48, 48],
            "Cls.model_path": str(files["cls"]),
            "Cls.cls_batch_num": 8,
        }
        ocr = RapidOCR(params=params)
        # RapidOCR's own lazy loaders (public behaviour since rapidocr 3.0).
        det, rec = ocr._load_det_model(), ocr._load_rec_model()
        cls = ocr._load_cls_model() if self.orientation else None
        if not rec.session.have_key():
            raise OcrError("OCR 识别模型缺少字符表，无法使用。请重新安装 rapidocr（make setup）。")
        self._det, self._rec, self._cls = det, rec, cls

    # -- recognition -----------------------------------------------------------

    def recognize(self, image: "Image.Image") -> OcrPage:
        import numpy as np
        from PIL import Image
        from rapidocr.utils.process_img import get_rotate_crop_image

        start = time.perf_counter()
        self.load()
        t = {}
        img = image if image.mode == "RGB" else image.convert("RGB")
        W, H = img.size
        scale = min(1.0, self.max_side / max(W, H))
        work = img if scale >= 1.0 else img.resize((max(1, round(W * scale)), max(1, round(H * scale))),
                                                   Image.BILINEAR, reducing_gap=2.0)
        ww, wh = work.size
        bgr = np.ascontiguousarray(np.asarray(work)[:, :, ::-1])
        t0 = time.perf_counter()
        det = self._det(bgr)
        t["det"] = time.perf_counter() - t0
        if det.boxes is None or len(det.boxes) == 0:
            return OcrPage((), 0, W, H, time.perf_counter() - start)
        boxes = [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in det.boxes]
        t0 = time.perf_counter()
        rotation = self._orientation(bgr, boxes) if self.orientation else 0
        t["orientation"] = time.perf_counter() - t0
        # Corners in the upright frame, ordered from the top-left; the same order applied
        # to the original corners gives the perspective crop an upright target.
        ordered, upright = [], []
        for b in boxes:
            up = _turn_points(b, rotation, ww, wh)
            first = int(np.argmin(up[:, 0] + up[:, 1]))
            idx = [(first + k) % 4 for k in range(4)]
            ordered.append(b[idx])
            upright.append(up[idx])
        t0 = time.perf_counter()
        crops = [get_rotate_crop_image(bgr, q.copy()) for q in ordered]
        if self.rec_stretch != 1.0:
            import cv2

            # More CTC time steps per character: "00" in amounts is not merged into "0".
            crops = [cv2.resize(c, (max(1, round(c.shape[1] * self.rec_stretch)), c.shape[0]),
                                interpolation=cv2.INTER_LINEAR) for c in crops]
        t["crop"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._rec(TextRecInput(img=crops, return_word_box=False))
        t["rec"] = time.perf_counter() - t0
        inv = 1.0 / scale
        words = []
        for text, score, quad in zip(rec.txts, rec.scores, upright):
            if text and text.strip() and score >= self.text_score:
                # The detector's boxes carry a margin of about a quarter of their height on
                # every side; take it off so line boxes and gaps follow the ink.
                quad = _inset(quad, 0.25)
                words.append((text, float(score), [(float(x) * inv, float(y) * inv) for x, y in quad]))
        t0 = time.perf_counter()
        lines = group_lines(words)
        t["group"] = time.perf_counter() - t0
        self.timings = t
        up_w, up_h = (H, W) if rotation in (90, 270) else (W, H)
        return OcrPage(tuple(lines), rotation, up_w, up_h, time.perf_counter() - start)

    def _orientation(self, bgr, boxes) -> int:
        """Counter-clockwise rotation of the page: 0, 90, 180 or 270."""
        import numpy as np
        from rapidocr.utils.process_img import get_rotate_crop_image

        wide = tall = 0.0
        dims = []
        for b in boxes:
            w = float(np.linalg.norm(b[1] - b[0]))
            h = float(np.linalg.norm(b[3] - b[0]))
            dims.append((w, h))
            if w > 1.5 * h:
                wide += w
            elif h > 1.5 * w:
                tall += h
        if wide == 0 and tall == 0:
            return 0
        candidate = 270 if tall > wide else 0
        hh, ww = bgr.shape[:2]
        # The longest lines, cut upright for the candidate; the classifier says 0 or 180.
        long_ones = sorted(range(len(boxes)), key=lambda i: -max(dims[i]))
        picks = [i for i in long_ones if max(dims[i]) > 2.5 * min(dims[i])][:8] or long_ones[:8]
        crops = []
        for i in picks:
            up = _turn_points(boxes[i], candidate, ww, hh)
            first = int(np.argmin(up[:, 0] + up[:, 1]))
            crops.append(get_rotate_crop_image(bgr, boxes[i][[(first + k) % 4 for k in range(4)]].copy()))
        res = self._cls(crops)
        vote = 0.0
        for label, score in res.cls_res or ():
            vote += float(score) if "180" in str(label) else -float(score)
        return (candidate + 180) % 360 if vote > 0 else candidate


def _inset(quad, frac: float):
    """A (tl, tr, br, bl) quad moved inwards on every side by ``frac`` of its height."""
    import numpy as np

    p0, p1, p2, p3 = (np.asarray(p, dtype=np.float64) for p in quad)
    w, h = np.linalg.norm(p1 - p0), np.linalg.norm(p3 - p0)
    if w < 1 or h < 1:
        return quad
    u, v = (p1 - p0) / w, (p3 - p0) / h
    m = min(frac * h, 0.45 * w, 0.45 * h)
    return [p0 + m * u + m * v, p1 - m * u + m * v, p2 - m * u - m * v, p3 + m * u - m * v]


def _turn_points(pts, rotation: int, w: int, h: int):
    """Map points of an image (w x h) turned counter-clockwise by ``rotation`` to the upright image."""
    import numpy as np

    x, y = pts[:, 0], pts[:, 1]
    if rotation == 90:  # upright = rotate clockwise by 90
        return np.stack([h - y, x], axis=1)
    if rotation == 180:
        return np.stack([w - x, h - y], axis=1)
    if rotation == 270:
        return np.stack([y, w - x], axis=1)
    return np.array(pts, dtype=np.float32)


def make_engine(name: str, **options) -> Engine:
    """``"rapid"`` or ``"fake"``."""
    if name == "rapid":
        return RapidEngine(**options)
    if name == "fake":
        return FakeEngine(**options)
    raise OcrError(f"未知的 OCR 引擎：{name}（可用：rapid、fake）")


# ---------------------------------------------------------------------------
# OcrPool
# ---------------------------------------------------------------------------


def _worker_main(conn, engine_name: str, options: dict) -> None:
    """Worker process: one engine, one thread; reads PageRefs, answers OcrPages."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        engine = make_engine(engine_name, **options)
        if hasattr(engine, "load"):
            engine.load()
        conn.send(("ready", None, None, peak_rss(), 0.0))
    except BaseException as exc:  # noqa: BLE001 - report and quit
        message = exc.message if isinstance(exc, DossierError) else f"OCR 引擎无法启动：{exc!r}"
        conn.send(("fatal", None, message, 0, 0.0))
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, ref = task
        start, cpu = time.perf_counter(), time.process_time()
        try:
            image = load_page_image(ref)
            page = engine.recognize(image)
            del image
            page = replace(page, seconds=time.perf_counter() - start)
            _trim_heap()
            conn.send(("ok", task_id, page, peak_rss(), time.process_time() - cpu))
        except DossierError as exc:
            conn.send(("err", task_id, exc.message, peak_rss(), time.process_time() - cpu))
        except MemoryError:
            conn.send(("err", task_id, "内存不足，无法识别此页。", peak_rss(), time.process_time() - cpu))
        except Exception as exc:  # noqa: BLE001 - one bad page must not end the worker
            conn.send(("err", task_id, f"识别出错（{type(exc).__name__}: {exc}）", peak_rss(),
                       time.process_time() - cpu))


def _trim_heap() -> None:
    """Give freed memory back to the system between pages (glibc keeps it otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def peak_rss() -> int:
    """Peak resident set size of this process in bytes.

    VmHWM from /proc (Linux): unlike ``ru_maxrss`` it is not inherited from the parent
    across exec, so a freshly spawned worker reports its own peak.
    """
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _Worker:
    def __init__(self, ctx, engine: str, options: dict):
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, engine, options), daemon=True,
                                name="dossier-ocr")
        self.proc.start()
        child.close()
        self.task: tuple[object, int, int, PageRef] | None = None  # (call, task id, index, ref)
        self.orphan = False
        self.started: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def stop(self, timeout: float = 5.0) -> None:
        try:
            if self.proc.is_alive():
                self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout)
        self.conn.close()


def _page_label(ref: PageRef) -> str:
    name = Path(ref.path).name
    if ref.page is not None:
        return f"{name} 第 {ref.page + 1} 页"
    if ref.frame:
        return f"{name} 第 {ref.frame + 1} 帧"
    return name


class OcrPool:
    """Worker processes that OCR pages; use as a context manager.

    ``engine``: ``"rapid"`` or ``"fake"``; ``workers``: default ``min(2, os.cpu_count())``;
    ``engine_options``: keyword arguments of the engine; ``page_timeout``: seconds after
    which a page's worker is killed and the page reported failed (None: no limit).

    Each worker holds one engine with one onnxruntime thread and reads/renders the
    pages itself, so only paths cross process boundaries.  When a worker dies (killed,
    out of memory) or times out, the page it held fails with ``OcrPageError`` and a new
    worker takes its place; other pages are unaffected.  ``peak_rss`` maps each worker
    pid to its peak RSS in bytes; ``cpu_seconds`` adds up the workers' CPU time per page;
    ``restarts`` counts replaced workers.
    """

    def __init__(self, engine: str = "rapid", workers: int | None = None, *,
                 engine_options: Mapping[str, Any] | None = None, page_timeout: float | None = 600.0,
                 start_method: str = "spawn"):
        if engine not in ("rapid", "fake"):
            raise OcrError(f"未知的 OCR 引擎：{engine}（可用：rapid、fake）")
        self.engine = engine
        self.workers = max(1, int(workers or min(2, os.cpu_count() or 1)))
        self.engine_options = dict(engine_options or {})
        self.page_timeout = page_timeout
        self._ctx = multiprocessing.get_context(start_method)
        self._pool: list[_Worker] = []
        self.peak_rss: dict[int, int] = {}
        self.restarts = 0
        self.cpu_seconds = 0.0
        self._closed = False
        self._next_id = 0

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> "OcrPool":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._closed:
            raise OcrError("OCR 进程池已关闭。")
        while len(self._pool) < self.workers:
            self._pool.append(_Worker(self._ctx, self.engine, self.engine_options))

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers; one still busy after ``timeout`` seconds is killed."""
        self._closed = True
        pool, self._pool = self._pool, []
        for w in pool:
            w.stop(timeout)

    @property
    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        return [w.pid for w in self._pool if w.pid is not None]

    def _replace(self, worker: "_Worker") -> "_Worker":
        i = self._pool.index(worker)
        try:
            worker.proc.kill()
        except Exception:  # noqa: BLE001
            pass
        worker.proc.join(5)
        worker.conn.close()
        self.restarts += 1
        self._pool[i] = _Worker(self._ctx, self.engine, self.engine_options)
        return self._pool[i]

    # -- work ----------------------------------------------------------------

    def ocr_pages(self, items: Iterable[PageRef | tuple]) -> list[OcrPage]:
        """OCR every page, results in input order.

        If some pages failed, the others are still done, then the first failure is raised
        as OcrPageError whose ``results`` attribute holds every page's OcrPage or error.
        """
        results = list(self.imap(items))
        failed = [r for r in results if isinstance(r, OcrPageError)]
        if failed:
            err = failed[0]
            if len(failed) > 1:
                err = OcrPageError(f"{err.message}（另有 {len(failed) - 1} 页也未能识别）", err.index, err.ref)
            err.results = results
            raise err
        return results

    def imap(self, items: Iterable[PageRef | tuple]) -> Iterator[OcrPage | OcrPageError]:
        """Yield an OcrPage, or an OcrPageError for a page that failed, per item in input order.

        Pages are handed to idle workers as they free up; results are held only until every
        earlier page is out.  Abandoning the iterator is safe: the pages still being read are
        finished and their results dropped.  One caller at a time (not thread-safe).
        """
        if self._closed:
            raise OcrError("OCR 进程池已关闭。")
        self.start()
        queue = [(i, PageRef(*ref)) for i, ref in enumerate(items)]
        queue.reverse()
        total = len(queue)
        call = object()  # identifies this call's tasks
        done: dict[int, OcrPage | OcrPageError] = {}
        next_out = 0
        try:
            while next_out < total:
                self._dispatch(queue, call)
                if not queue and not any(w.task is not None for w in self._pool) and next_out not in done:
                    raise OcrError("OCR 进程池内部错误：有页面没有结果。")  # pragma: no cover
                for index, result in self._collect(call):
                    done[index] = result
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
        finally:
            for w in self._pool:
                if w.task is not None and w.task[0] is call:
                    w.orphan = True  # its result, when it comes, is dropped

    def _dispatch(self, queue: list, call) -> None:
        for w in list(self._pool):
            if w.task is not None or not queue:
                continue
            if not w.proc.is_alive():  # died while idle: replace before giving it a page
                w = self._replace(w)
            index, ref = queue.pop()
            self._next_id += 1
            try:
                w.conn.send((self._next_id, ref))
            except (OSError, BrokenPipeError):
                queue.append((index, ref))
                self._replace(w)
                continue
            w.task = (call, self._next_id, index, ref)
            w.orphan = False
            w.started = time.monotonic()

    def _collect(self, call) -> list[tuple[int, OcrPage | OcrPageError]]:
        """Wait for at least one event; return the (index, result) of this call's finished pages."""
        from multiprocessing.connection import wait

        busy = [w for w in self._pool if w.task is not None]
        if not busy:
            return []
        timeout = None
        if self.page_timeout is not None:
            oldest = min(w.started for w in busy)
            timeout = max(0.05, oldest + self.page_timeout - time.monotonic())
        waitables = []
        for w in busy:
            waitables += [w.conn, w.proc.sentinel]
        ready = set(wait(waitables, timeout))
        out: list[tuple[int, OcrPage | OcrPageError]] = []
        for w in busy:
            owner, task_id, index, ref = w.task
            mine = owner is call and not w.orphan
            if w.conn in ready or w.proc.sentinel in ready:
                message = self._receive(w, task_id)
                if message is None and w.proc.is_alive():
                    continue  # only a start-up notice so far
                w.task = None
                if message is None:  # the worker died holding the page
                    code = w.proc.exitcode
                    self._replace(w)
                    if mine:
                        hint = "，可能内存不足或被系统终止" if code is not None and code < 0 else ""
                        out.append((index, OcrPageError(
                            f"{_page_label(ref)}：识别进程意外退出（退出码 {code}{hint}），此页未能识别。"
                            "其余页面不受影响，可稍后重新收件重试。", index, ref)))
                    continue
                kind, _, payload, rss, cpu = message
                self.cpu_seconds += cpu
                if kind == "fatal":
                    self.close()
                    raise OcrError(payload)
                if mine:
                    if kind == "ok":
                        out.append((index, payload))
                    else:
                        out.append((index, OcrPageError(f"{_page_label(ref)}：{payload}", index, ref)))
            elif self.page_timeout is not None and time.monotonic() - w.started > self.page_timeout:
                w.task = None
                self._replace(w)
                if mine:
                    out.append((index, OcrPageError(
                        f"{_page_label(ref)}：识别超时（超过 {self.page_timeout:.0f} 秒），此页未能识别。",
                        index, ref)))
        return out

    def _receive(self, w: "_Worker", task_id: int):
        """The worker's answer to ``task_id``, or None if it has none (yet, or ever)."""
        while True:
            try:
                if not w.conn.poll():
                    return None
                message = w.conn.recv()
            except (EOFError, OSError):
                return None
            self.peak_rss[w.pid] = max(self.peak_rss.get(w.pid, 0), message[3])
            if message[0] == "fatal" or message[1] == task_id:
                return message
            # a start-up notice ("ready"): read on
