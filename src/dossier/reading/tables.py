"""Ruled tables of statement pages: pdfplumber's table finder on what pypdfium2 read of the page.

pdfplumber finds a table from a page's ruling lines (edges) and cuts its cells' text from the
page's characters; it gets both from pdfminer, which spends 60-200 ms parsing a statement page.
pypdfium2 has both already: the characters (``pdf.page_chars``) and the path objects, whose line
segments become edges as pdfminer would make them (one per straight segment, in page space, top
measured from the top of the page). The finder and the cell text are pdfplumber's own
(``pdfplumber.table.TableFinder``, default settings), so the rows are those
``pdfplumber.Page.extract_tables()`` gives (tests/test_reading.py compares them on every
statement of the factory).
"""

from __future__ import annotations

import bisect
import ctypes
import logging
from pathlib import Path
from typing import Iterable

log = logging.getLogger(__name__)

Table = list[list[str | None]]


class _Page:
    """The part of a ``pdfplumber.Page`` that ``TableFinder`` and ``Table.extract`` use."""

    def __init__(self, chars: list[dict], edges: list[dict], width: float, height: float):
        self.chars = chars
        self.edges = edges
        self.bbox = (0.0, 0.0, width, height)

    def extract_words(self, **kwargs) -> list[dict]:  # the "text" strategies (not the default)
        from pdfplumber.utils import extract_words

        return extract_words(self.chars, **kwargs)


def page_tables(pdf, index: int) -> list[Table]:
    """The tables of page ``index`` (0-based) of an open pypdfium2 document."""
    from pdfplumber.table import TableFinder, TableSettings

    from dossier.reading.pdf import page_chars

    page = pdf[index]
    try:
        width, height = page.get_width(), page.get_height()
        edges = _edges(page, height)
        if not edges:
            return []
        textpage = page.get_textpage()
        try:
            chars = [{"text": t, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                      "upright": True, "width": x1 - x0, "height": bottom - top}
                     for t, x0, x1, top, bottom in page_chars(textpage, height)]
        finally:
            textpage.close()
    finally:
        page.close()
    settings = TableSettings.resolve(None)
    tables = TableFinder(_Page(chars, edges, width, height), settings).tables
    if not tables:
        return []
    located = _Located(chars)
    return [_extract(table, located, **(settings.text_settings or {})) for table in tables]


class _Located:
    """The page's characters by the vertical middle of their box, for cutting rows out quickly."""

    def __init__(self, chars: list[dict]):
        self.chars = chars
        self.order = sorted(range(len(chars)), key=lambda i: (chars[i]["top"] + chars[i]["bottom"]) / 2)
        self.v_mid = [(chars[i]["top"] + chars[i]["bottom"]) / 2 for i in self.order]
        self.h_mid = [(c["x0"] + c["x1"]) / 2 for c in chars]

    def in_row(self, bbox: tuple) -> list[int]:
        """Indices (in page order) of the characters whose middle lies in ``bbox``."""
        x0, top, x1, bottom = bbox
        lo, hi = bisect.bisect_left(self.v_mid, top), bisect.bisect_left(self.v_mid, bottom)
        return sorted(i for i in self.order[lo:hi] if x0 <= self.h_mid[i] < x1)


def _extract(table, located: _Located, **kwargs) -> Table:
    """``pdfplumber.table.Table.extract``, the same test (a character belongs to the cell that holds
    the middle of its box) and the same text, with each row's characters found by bisection instead
    of a scan of the whole page per row and per cell (two thirds of the time on a statement page)."""
    from pdfplumber import utils

    chars = located.chars
    out: Table = []
    for row in table.rows:
        row_chars = located.in_row(row.bbox)
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = cell
            cell_chars = [chars[i] for i in row_chars if x0 <= located.h_mid[i] < x1
                          and top <= (chars[i]["top"] + chars[i]["bottom"]) / 2 < bottom]
            if not cell_chars:
                cells.append("")
                continue
            if "layout" in kwargs:
                kwargs["layout_width"] = cell[2] - cell[0]
                kwargs["layout_height"] = cell[3] - cell[1]
                kwargs["layout_bbox"] = cell
            cells.append(utils.extract_text(cell_chars, **kwargs))
        out.append(cells)
    return out


def pdf_tables(path: Path, page_numbers: Iterable[int]) -> list[Table]:
    """Ruled tables of the given (1-based) pages of a text-layer PDF (statements), found in the read
    stage's sandbox worker when one is active (``sandbox.active``: within its time and memory
    limits), else here. A file over a limit has no tables (its rows come from its text lines)."""
    from dossier.errors import ReadError
    from dossier.reading import sandbox

    pages = sorted(set(page_numbers))
    try:
        return sandbox.current().run("pdf_tables", str(path), pages, label=f"tables of {Path(path).name}")
    except ReadError as exc:
        log.warning("tables of %s not read: %s", path, exc.message)
        return []


def local_pdf_tables(path: Path, page_numbers: Iterable[int]) -> list[Table]:
    """``pdf_tables`` in this process (what the sandbox worker runs)."""
    from dossier.reading.pdf import open_pdf

    tables: list[Table] = []
    try:
        pdf = open_pdf(path)
    except Exception as exc:  # noqa: BLE001 - the read stage has already said what is wrong
        log.warning("tables of %s unreadable: %s", path, exc)
        return tables
    try:
        for number in sorted(set(page_numbers)):
            if 1 <= number <= len(pdf):
                try:
                    tables += page_tables(pdf, number - 1)
                except Exception as exc:  # noqa: BLE001 - a damaged page costs its tables only
                    log.warning("tables of %s page %d unreadable: %s", path, number, exc)
    finally:
        pdf.close()
    return tables


def _edges(page, height: float) -> list[dict]:
    import pypdfium2.raw as raw

    out: list[dict] = []
    handle = page.raw
    for i in range(raw.FPDFPage_CountObjects(handle)):
        _object_edges(raw.FPDFPage_GetObject(handle, i), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), height, out)
    return out


def _object_edges(obj, outer: tuple, height: float, out: list[dict]) -> None:
    import pypdfium2.raw as raw

    kind = raw.FPDFPageObj_GetType(obj)
    if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
        return
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return
    matrix = _compose((m.a, m.b, m.c, m.d, m.e, m.f), outer)
    if kind == raw.FPDF_PAGEOBJ_FORM:
        for i in range(raw.FPDFFormObj_CountObjects(obj)):
            _object_edges(raw.FPDFFormObj_GetObject(obj, i), matrix, height, out)
        return
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    start = last = None
    for s in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, s)
        if not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO:
            start = last = point
            continue
        if last is not None:
            _add_edge(last, point, height, out)
        last = point
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and start != point:
            _add_edge(point, start, height, out)
            last = start


def _add_edge(p0: tuple, p1: tuple, height: float, out: list[dict]) -> None:
    (x0, y0), (x1, y1) = p0, p1
    if abs(y0 - y1) < 1e-6:
        orientation = "h"
    elif abs(x0 - x1) < 1e-6:
        orientation = "v"
    else:
        return  # a slanted segment is no ruling line
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = height - max(y0, y1), height - min(y0, y1)
    out.append({"object_type": "line", "x0": left, "x1": right, "top": top, "bottom": bottom, "doctop": top,
                "width": right - left, "height": bottom - top, "orientation": orientation})


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix of ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


__all__ = ["local_pdf_tables", "page_tables", "pdf_tables"]
