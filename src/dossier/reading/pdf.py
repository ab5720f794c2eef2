"""PDF pages with pypdfium2: one open gives the page count, the encryption check and the text layer.

The text of a page is laid out the way pdfplumber's ``extract_text()`` lays it out (the field rules
in ``fields.py`` and ``classify.py`` were tuned on that text): characters are grouped into lines by
the top of their box (3 pt tolerance, chained as ``pdfplumber.utils.cluster_list`` does), sorted
left to right, split into words at blank characters and at gaps wider than 3 pt, and the words of
a line are joined by one space. pdfium's own text (``get_text_range``) is in content-stream order
with ``\r\n`` and ideographic spaces, which the rules were never tuned on.

Measured on the factory's documents (320 files, 396 pages of every type): about 5 ms a page against
pdfplumber's 30-50 ms, and the same text as pdfplumber on every page but two kinds, where it is
better: pdfminer drops the "·" of 中国·杭州 (audit reports), and it makes columns of single
characters of sideways text, which is read here in its own direction (``text_turn``). See
tests/test_reading.py. The ruled tables of statement pages come from the same characters
(``tables.py``).
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

from dossier.errors import ReadError

log = logging.getLogger(__name__)

X_TOLERANCE = 3.0  # pdfplumber's DEFAULT_X_TOLERANCE
Y_TOLERANCE = 3.0  # pdfplumber's DEFAULT_Y_TOLERANCE

ENCRYPTED = "PDF 已加密，需要密码才能打开。请向客户索取未加密的文件，或打印后重新扫描。"
NO_PAGES = "PDF 没有任何页面。请重新扫描。"


def damaged(detail: str) -> str:
    return f"PDF 文件已损坏，无法解析（{detail}）。请重新扫描或向客户索取原件。"


def open_pdf(path: Path):
    """The open ``pypdfium2.PdfDocument``, or ReadError with the reason a clerk should see.

    A PDF encrypted with an empty user password (print/copy restrictions only) opens, as it
    opens in any viewer; one that needs a password does not. A PDF with no page is refused.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ReadError(ENCRYPTED) from exc
        raise ReadError(_diagnose(path) or damaged(_pdfium_reason(exc))) from exc
    except (OSError, ValueError) as exc:
        raise ReadError(damaged(type(exc).__name__)) from exc
    if len(pdf) == 0:
        pdf.close()
        raise ReadError(NO_PAGES)
    return pdf


def _diagnose(path: Path) -> str | None:
    """A clearer reason than pdfium's "format error", from pypdf (only on this error path):
    pdfium refuses a document with no page at all, which pypdf reads as zero pages."""
    import warnings

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with open(path, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                return ENCRYPTED
            return NO_PAGES if len(reader.pages) == 0 else None
    except Exception:  # noqa: BLE001 - damaged beyond what pypdf reads too
        return None


def _pdfium_reason(exc: Exception) -> str:
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    return {raw.FPDF_ERR_FORMAT: "文件格式错误", raw.FPDF_ERR_FILE: "无法读取文件"}.get(code, "无法打开")


def read_text_layer(path: Path, max_pages: int) -> tuple[int, list[str], list[tuple], list[str]]:
    """Page count, and the text, words and notes of the first ``max_pages`` pages of the PDF at ``path``
    (``open_pdf`` then ``text_layer_cells``): what the read stage asks the sandbox worker for."""
    document = open_pdf(path)
    try:
        count = len(document)
        texts, cells, notes = text_layer_cells(document, max_pages)
    finally:
        document.close()
    return count, texts, cells, notes


def text_layer(pdf, max_pages: int) -> tuple[list[str], list[str]]:
    """The text of the first ``max_pages`` pages of an open document, and notes for the record."""
    texts, _cells, notes = text_layer_cells(pdf, max_pages)
    return texts, notes


def text_layer_cells(pdf, max_pages: int) -> tuple[list[str], list[tuple], list[str]]:
    """``text_layer`` with each page's words and their boxes (``layout_words``)."""
    notes: list[str] = []
    count = len(pdf)
    if count > max_pages:
        notes.append(f"仅读取前 {max_pages} 页")
    texts: list[str] = []
    cells: list[tuple] = []
    for index in range(min(count, max_pages)):
        try:
            text, words = page_text_cells(pdf, index)
        except Exception as exc:  # noqa: BLE001 - a damaged page costs that page only
            log.warning("text layer of page %d unreadable: %s", index + 1, exc)
            text, words = "", ()
            notes.append(f"第 {index + 1} 页文本层无法读取（{type(exc).__name__}），改用 OCR")
        texts.append(text)
        cells.append(words)
    return texts, cells, notes


def page_text(pdf, index: int) -> str:
    """The text of page ``index`` (0-based), laid out as pdfplumber lays it out."""
    return page_text_cells(pdf, index)[0]


def page_text_cells(pdf, index: int) -> tuple[str, tuple]:
    """``page_text`` and the page's words with their boxes."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            chars = page_chars(textpage, page.get_height())
            turn = text_turn(textpage, chars)
        finally:
            textpage.close()
    finally:
        page.close()
    return layout_words(upright(chars, turn) if turn else chars)


SAMPLE = 64  # characters whose angle decides the direction of a page's text


def text_turn(textpage, chars: list) -> int:
    """How far the page's text is turned, clockwise, in quarter turns (0 for upright text):
    the most common quarter among up to SAMPLE of its characters (pdfium's ``GetCharAngle``).
    Sideways text (a landscape table drawn on a portrait page) is laid out as read, not as
    columns of single characters (pdfplumber makes those)."""
    import math

    import pypdfium2.raw as raw

    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if not chars or count <= 0:
        return 0
    votes = [0, 0, 0, 0]
    step = max(1, count // SAMPLE)
    for i in range(0, count, step):
        if raw.FPDFText_IsGenerated(handle, i) == 1 or chr(raw.FPDFText_GetUnicode(handle, i) or 32).isspace():
            continue
        angle = raw.FPDFText_GetCharAngle(handle, i)
        if angle >= 0:
            votes[round(math.degrees(angle) / 90) % 4] += 1
    best = max(range(4), key=lambda q: (votes[q], q == 0))
    return best if votes[best] > votes[0] else 0


def upright(chars: list, turn: int) -> list:
    """The characters' boxes turned back by ``turn`` quarter turns (counter-clockwise), so that the
    page's text runs left to right; top and bottom are then measured downwards from an arbitrary
    origin (only their differences count for the layout)."""
    out = []
    for ch, x0, x1, top, bottom in chars:
        # back to y upwards (up to a constant), then turn counter-clockwise by turn x 90 degrees
        corners = [(x0, -top), (x1, -bottom)]
        if turn == 1:
            corners = [(-y, x) for x, y in corners]
        elif turn == 2:
            corners = [(-x, -y) for x, y in corners]
        else:
            corners = [(y, -x) for x, y in corners]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        out.append((ch, min(xs), max(xs), -max(ys), -min(ys)))
    return out


def page_chars(textpage, height: float) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, x1, top, bottom) of every character pdfium read from a page (not those it made
    up: line breaks and spaces it infers), top and bottom measured from the top of the page."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return []
    # One call for the text, one per character for its box.
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    got = raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD) for i in range(count))
    rect = raw.FS_RECTF()
    box = raw.FPDFText_GetLooseCharBox
    generated = raw.FPDFText_IsGenerated
    ref = ctypes.byref(rect)
    out = []
    for i, ch in enumerate(text):
        # pdfium makes up only line breaks and spaces (between words it infers): ask for those alone
        if ch in "\r\n" or (ch.isspace() and generated(handle, i) == 1):
            continue
        if not box(handle, i, ref):
            continue
        out.append((ch, rect.left, rect.right, height - rect.top, height - rect.bottom))
    return out


def layout(chars: list[tuple[str, float, float, float, float]]) -> str:
    """Lines of words, as ``pdfplumber.Page.extract_text()`` (layout=False) makes them."""
    return layout_words(chars)[0]


def layout_words(chars: list[tuple[str, float, float, float, float]]) -> tuple[str, tuple]:
    """``layout(chars)`` and the words it is made of, with their boxes: (text, x0, top, x1, bottom)."""
    if not chars:
        return "", ()
    lines = _cluster(chars, key=lambda c: c[3], tolerance=Y_TOLERANCE)
    words: list[tuple[str, float, float, float, float]] = []  # (text, top, x0, x1, bottom), in line order
    for line in lines:
        line.sort(key=lambda c: c[1])  # stable: equal x0 keep content order, as pdfplumber's sort
        current: list = []
        for char in line:
            ch = char[0]
            if ch.isspace():
                if current:
                    words.append(_word(current))
                current = []
            elif current and _new_word(current[-1], char):
                words.append(_word(current))
                current = [char]
            else:
                current.append(char)
        if current:
            words.append(_word(current))
    # pdfplumber clusters the words again by their top, keeping their order
    ids = _cluster_ids([w[1] for w in words], Y_TOLERANCE)
    out: list[str] = []
    last = None
    for (text, top, *_box), cluster in zip(words, (ids[w[1]] for w in words)):
        if last is None:
            out.append(text)
        elif cluster == last:
            out.append(" " + text)
        else:
            out.append("\n" + text)
        last = cluster
    cells = tuple((text, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2))
                  for text, top, x0, x1, bottom in words)
    return "".join(out), cells


def _new_word(prev, curr) -> bool:
    return curr[1] < prev[1] or curr[1] > prev[2] + X_TOLERANCE or abs(curr[3] - prev[3]) > Y_TOLERANCE


def _word(chars: list) -> tuple[str, float, float, float, float]:
    return ("".join(c[0] for c in chars), min(c[3] for c in chars), min(c[1] for c in chars),
            max(c[2] for c in chars), max(c[4] for c in chars))


def _cluster_ids(values: list[float], tolerance: float) -> dict[float, int]:
    """Value -> cluster number, clusters chained in sorted order (``pdfplumber.utils.cluster_list``)."""
    ids: dict[float, int] = {}
    last = None
    n = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            n += 1
        ids[value] = n
        last = value
    return ids


def _cluster(chars: list, key, tolerance: float) -> list[list]:
    ids = _cluster_ids([key(c) for c in chars], tolerance)
    groups: dict[int, list] = {}
    for char in chars:
        groups.setdefault(ids[key(char)], []).append(char)
    return [groups[n] for n in sorted(groups)]
