"""The compliance overview as a file: one row per client, one column per checklist item (.xlsx or .csv)."""

from __future__ import annotations

import csv
from pathlib import Path

from dossier.errors import UsageError

FORMATS = (".xlsx", ".csv")


def write_overview(header: list[str], rows: list[list], target: Path) -> Path:
    """Write the sheet to ``target`` (.xlsx, or .csv with a BOM so that Excel reads UTF-8).

    Every cell is written as a value, never as a formula: a client name starting with ``=`` (from a
    folder name or a read document) stays text.
    """
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"不支持的输出格式 {target.suffix or '（无扩展名）'}：请用 .xlsx 或 .csv 结尾。")
    if suffix == ".csv":
        with open(target, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
        return target
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "完整性总览"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    book.save(target)
    return target
