"""Tables from positioned text: rows by vertical overlap, columns by their header (pure).

The input is what the read stage kept of a page's layout, ``Page.cells``: text pieces with their
boxes ``(text, x0, top, x1, bottom)``, words of the PDF text layer or the detector's boxes of an
OCR page alike (points or pixels: nothing here depends on the unit). A table printed with or
without rules, read from the text layer or from a scan, is found the same way:

1. pieces are grouped into rows by vertical overlap (at least half the smaller height);
2. a header is a row, or two stacked rows, in which a run of neighbouring pieces spells one of
   the column's header words (``税款所属时期``, ``实缴（退）金额``, ``本期金额`` ...), letter-spaced
   or not;
3. the column reaches half-way to the header's neighbours on either side; every later row's pieces
   whose centre falls inside it are that row's cell, top to bottom, until the page ends or a row
   spells another header of the same column (a table printed twice on a page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from dossier.reading.classify import compact

Cell = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom


@dataclass(frozen=True)
class Piece:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1e-6)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Column:
    """Cells of one column below its header, top to bottom: (row number on the page, text)."""

    header: str
    page: int
    cells: tuple[tuple[int, str], ...]

    def texts(self) -> list[str]:
        return [text for _row, text in self.cells]


def rows_of(cells: Iterable[Cell]) -> list[list[Piece]]:
    """Pieces grouped into rows (top to bottom), each row left to right."""
    pieces = sorted((Piece(str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in cells
                     if str(t).strip()), key=lambda p: (p.top + p.bottom) / 2)
    rows: list[list[Piece]] = []
    bands: list[list[float]] = []  # top, bottom of each row
    for piece in pieces:
        placed = False
        for band, row in zip(reversed(bands), reversed(rows)):
            if band[1] < piece.top - piece.height:
                break  # rows are in order: nothing above this one can overlap
            overlap = min(band[1], piece.bottom) - max(band[0], piece.top)
            if overlap >= 0.5 * min(piece.height, band[1] - band[0]) and \
                    not any(min(p.x1, piece.x1) - max(p.x0, piece.x0) > 0.3 * min(p.x1 - p.x0, piece.x1 - piece.x0)
                            for p in row):
                row.append(piece)
                band[0], band[1] = min(band[0], piece.top), max(band[1], piece.bottom)
                placed = True
                break
        if not placed:
            rows.append([piece])
            bands.append([piece.top, piece.bottom])
    order = sorted(range(len(rows)), key=lambda i: (bands[i][0] + bands[i][1]) / 2)
    return [sorted(rows[i], key=lambda p: p.x0) for i in order]


def _spell(row: Sequence[Piece], word: str) -> tuple[int, int] | None:
    """Indices [i, j) of the shortest run of neighbouring pieces whose text contains ``word``."""
    best = None
    for i in range(len(row)):
        text = ""
        for j in range(i, min(len(row), i + 12)):
            text += compact(row[j].text)
            if word in text:
                if best is None or j + 1 - i < best[1] - best[0]:
                    best = (i, j + 1)
                break
            if len(text) > len(word) + 24:
                break
    return best


def _stacked(upper: Sequence[Piece], lower: Sequence[Piece]) -> list[Piece]:
    """A two-line header as one row: each upper piece with the lower pieces beneath it."""
    out = []
    for p in upper:
        below = [q for q in lower if min(p.x1, q.x1) - max(p.x0, q.x0) > 0.3 * min(p.x1 - p.x0, q.x1 - q.x0)]
        text = p.text + "".join(q.text for q in below)
        x0 = min([p.x0] + [q.x0 for q in below])
        x1 = max([p.x1] + [q.x1 for q in below])
        out.append(Piece(text, x0, p.top, x1, max([p.bottom] + [q.bottom for q in below])))
    return out


def _bounds(row: Sequence[Piece], i: int, j: int) -> tuple[float, float]:
    left = row[i].x0 if i == 0 else (row[i - 1].x1 + row[i].x0) / 2
    right = row[j - 1].x1 if j == len(row) else (row[j - 1].x1 + row[j].x0) / 2
    if i == 0:
        left = float("-inf")
    if j == len(row):
        right = float("inf")
    return left, right


def _header_at(rows: list[list[Piece]], r: int, words: list[str]) -> tuple[str, float, float, int] | None:
    """The first of ``words`` spelt in row ``r`` (or rows r, r+1 stacked): (word, left, right, last row)."""
    for word in words:
        found = _spell(rows[r], word)
        if found:
            return (word, *_bounds(rows[r], *found), r)
    if r + 1 < len(rows):
        stacked = _stacked(rows[r], rows[r + 1])
        for word in words:
            found = _spell(stacked, word)
            # the upper line holds only pieces of the header word (not a row of values above a header)
            if found and all(compact(rows[r][k].text) in word for k in range(*found)):
                return (word, *_bounds(stacked, *found), r + 1)
    return None


def columns(pages: Sequence[Sequence[Cell]], headers: Sequence[str]) -> list[Column]:
    """Every column headed by one of ``headers`` (any form: folded and compacted here), in page order."""
    words = sorted({compact(h) for h in headers if compact(h)}, key=len, reverse=True)
    out: list[Column] = []
    for page, cells in enumerate(pages):
        if not cells:
            continue
        rows = rows_of(cells)
        r = 0
        while r < len(rows):
            head = _header_at(rows, r, words)
            if head is None:
                r += 1
                continue
            word, left, right, last = head
            found: list[tuple[int, str]] = []
            r = last + 1
            while r < len(rows) and _header_at(rows, r, words) is None:
                inside = [p.text for p in rows[r] if left <= p.centre <= right]
                if inside:
                    found.append((r, " ".join(inside)))
                r += 1
            out.append(Column(word, page, tuple(found)))
    return out


def cells_of_lines(lines: Iterable[tuple[str, tuple[float, float, float, float],
                                         Sequence[Cell]]]) -> tuple[Cell, ...]:
    """Cells of an OCR page: each line's parts (text, x0, top, x1, bottom); a line without parts
    (an engine that gives whole lines) is one cell."""
    out: list[Cell] = []
    for text, (x0, y0, x1, y1), parts in lines:
        if parts:
            out.extend(tuple(part) for part in parts)
        elif text.strip():
            out.append((text, x0, y0, x1, y1))
    return tuple(out)


__all__ = ["Cell", "Column", "Piece", "cells_of_lines", "columns", "rows_of"]
