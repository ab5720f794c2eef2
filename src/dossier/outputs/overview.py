"""The compliance overview as a file: one row per client, one column per checklist item (.xlsx or .csv).

The workbook is made to be worked in: a styled header, the first row and column frozen, a filter on
every column, widths that fit the text, a fill per status, and a second sheet "问题清单" listing every
problem (client, item, status, problem) one per row, so that it can be filtered and sorted.

Cell text comes from folder names and read documents (untrusted): it is always written as text, never
as a formula, and characters a spreadsheet cannot hold (control characters) are removed.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from pathlib import Path

from dossier.checks.status import ItemCell
from dossier.errors import UsageError
from dossier.outputs.report_values import clean_text

FORMATS = (".xlsx", ".csv")
#: Text starting with one of these is a formula (or a DDE call) to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

MAIN_SHEET = "完整性总览"
PROBLEM_SHEET = "问题清单"
PROBLEM_HEADER = ("档案编号", "公司名称", "核查项目", "状态", "问题")

#: Fill and font colour per status id (checklist statuses, and complete/not_complete for a dossier).
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "ok": ("C6EFCE", "006100"),
    "complete": ("C6EFCE", "006100"),
    "not_required": ("EDEDED", "6B6B6B"),
    "missing": ("FFC7CE", "9C0006"),
    "not_complete": ("FFC7CE", "9C0006"),
    "incomplete": ("FFEB9C", "7F5F00"),
    "expired": ("F8CBAD", "843C0C"),
    "inconsistent": ("E4D2F0", "5B2C83"),
    "review": ("DDEBF7", "1F4E78"),
}
HEADER_FILL, HEADER_FONT = "1F4E78", "FFFFFF"
#: Column widths in characters (a CJK character counts two); item columns wrap their text.
MIN_WIDTH, MAX_WIDTH, ITEM_WIDTH, MAX_LINES = 8, 44, 20, 4
LINE_HEIGHT = 15  # points per line of text


def cell_text(value) -> str | int | float | None:
    """A value as a cell holds it: numbers and None as they are, everything else as clean text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return clean_text(str(value))


def csv_text(value) -> str | int | float | None:
    """A CSV field: text that a spreadsheet would read as a formula gets a leading apostrophe (OWASP)."""
    value = cell_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def display_width(text: str) -> int:
    """Width of the longest line in characters, a wide (CJK) character counting two."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in str(text).split("\n")), default=0)


def problem_rows(header: list[str], rows: list[list]) -> list[list]:
    """Every problem, one per row: client id, client name, item, status (an ItemCell without its
    problems, for the colour), problem; from the ItemCells of overview rows."""
    out = []
    for row in rows:
        for name, cell in zip(header, row):
            if isinstance(cell, ItemCell):
                status = ItemCell(cell.status, cell.label)
                out += [[row[0], row[1], name, status, problem] for problem in cell.problems]
    return out


def write_overview(header: list[str], rows: list[list], target: Path) -> Path:
    """Write the sheet to ``target`` (.xlsx, or .csv with a BOM so that Excel reads UTF-8).

    ``rows`` are ``overview_rows`` rows: plain values and ``ItemCell``s, the first two columns naming
    the client. Every cell is written as a value, never as a formula: a client name starting with
    ``=`` (from a folder name or a read document) stays text. The .xlsx has a second sheet listing
    every problem; a .csv holds the first sheet alone, each item with all its problems.
    """
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"不支持的输出格式 {target.suffix or '（无扩展名）'}：请用 .xlsx 或 .csv 结尾。")
    if suffix == ".csv":
        with open(target, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([[csv_text(v) for v in line] for line in [header, *rows]])
        return target
    from openpyxl import Workbook

    book = Workbook()
    main = book.active
    main.title = MAIN_SHEET
    items = {j for row in rows for j, v in enumerate(row) if isinstance(v, ItemCell) and v.problems}
    _fill_sheet(main, header, rows, wrapped=items, freeze="B2")
    _fill_sheet(book.create_sheet(PROBLEM_SHEET), list(PROBLEM_HEADER), problem_rows(header, rows),
                wrapped=set(), freeze="A2")
    book.save(target)
    return target


def _fill_sheet(sheet, header: list[str], rows: list[list], *, wrapped: set[int], freeze: str) -> None:
    """Header, rows, styles, widths, filter and frozen panes of one sheet. An ItemCell shows its short
    text in its status colour; the columns in ``wrapped`` get a fixed width and wrap their text."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    colours = {s: (PatternFill("solid", fgColor=fill), Font(color=font)) for s, (fill, font) in STATUS_COLOURS.items()}
    body = Alignment(wrap_text=True, vertical="top")
    head = (PatternFill("solid", fgColor=HEADER_FILL), Font(bold=True, color=HEADER_FONT),
            Alignment(horizontal="center", vertical="center", wrap_text=True))
    sheet.append([cell_text(h) for h in header])
    for cell in sheet[1]:
        cell.fill, cell.font, cell.alignment = head
    for row in rows:
        sheet.append([cell_text(v.short() if isinstance(v, ItemCell) else v) for v in row])
        for value, cell in zip(row, sheet[sheet.max_row]):
            cell.alignment = body
            if isinstance(value, ItemCell) and value.status in colours:
                cell.fill, cell.font = colours[value.status]
    widths = {}
    for j, column in enumerate(sheet.iter_cols(min_row=1, max_row=sheet.max_row), start=0):
        for cell in column:
            cell.border = border
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
        if j in wrapped:
            widths[j] = ITEM_WIDTH
        else:
            longest = max((display_width(c.value) for c in column[1:] if c.value is not None), default=0)
            header_width = min(display_width(column[0].value or ""), ITEM_WIDTH)  # a long header wraps
            widths[j] = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, header_width + 2))
        sheet.column_dimensions[get_column_letter(j + 1)].width = widths[j]
    for r, line in enumerate(sheet.iter_rows(min_row=1, max_row=sheet.max_row), start=1):
        lines = max((_lines(c.value, widths[j]) for j, c in enumerate(line)), default=1)
        sheet.row_dimensions[r].height = LINE_HEIGHT * min(MAX_LINES, lines) + 3
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(sheet.max_column, 1))}{max(sheet.max_row, 1)}"


def _lines(value, width: float) -> int:
    """Lines a wrapped cell ``width`` characters wide needs for ``value``."""
    if value is None:
        return 1
    return sum(max(1, math.ceil(display_width(line) / max(1, width - 1))) for line in str(value).split("\n"))
