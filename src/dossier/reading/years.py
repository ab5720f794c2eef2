"""Fiscal years a document covers, and values read from table columns (pure).

A tax certificate states its years in the 税款所属时期 column (its number and issue date carry the
next year); a sales report or a three-year audit names several years at once. The fields stage
asks here for:

* ``column_value``: a field from the cells of its columns (``[doctype.columns]`` in doctypes.toml):
  for a year, every year of every period in the column; else the first cell that parses;
* ``enumerated_years``: years named together in one phrase: ``2023年度、2024年度及2025年度``,
  ``2023年12月31日、2024年12月31日``, ``2023-2025年``, ``2023年至2025年``;
* ``heading_years``: a row of two or more year headings (``2023年`` ``2024年`` ``2025年``), as a
  table over several years has.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from dossier.reading.classify import Line, fold
from dossier.reading.grid import Column

from .values import C_FALLBACK, C_LABEL, Found, parse_dates, period_years

_YEAR = r"(?:19|20)\d{2}"
_ONE = rf"({_YEAR})\s*年(?:度|\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|\s*\d{{1,2}}\s*[-—~至]\s*\d{{1,2}}\s*月)?"
_SEP = r"\s*(?:、|,|，|和|及|与|以及|;|；)\s*"
_CHAIN = re.compile(rf"{_ONE}(?:{_SEP}{_ONE})+")
_RANGE = re.compile(rf"(?<!\d)({_YEAR})\s*(?:年度?)?\s*(?:[-—–~～]|至|到)\s*({_YEAR})\s*年")
_HEADING = re.compile(rf"^({_YEAR})(?:年度?(?:[\u4e00-\u9fff]{{0,6}})(?:\([^()]{{0,8}}\))?)?$")


def years_of_cells(texts: Sequence[str]) -> list[int]:
    """The fiscal years of the periods in a column's cells (2025-01-01至2025-12-31 -> 2025), a
    period wrapped over two lines of its cell read as one; cells without a period give the years
    of their dates."""
    joined = ""
    for text in texts:
        t = fold(text).strip()
        if joined and (re.search(r"(?:至|到|起|[-~—])$", joined) or re.match(r"(?:至|到|止|[-~—])", t)):
            joined += t
        else:
            joined += ("\n" if joined else "") + t
    years = set(period_years(joined))
    if not years:
        years = {d.year for d in parse_dates(joined)}
    return sorted(years)


def column_value(columns: Sequence[Column] | None, kind: str,
                 parse: Callable[[str], Found | None]) -> tuple[Found, list[int]] | None:
    """The value of a field from its columns, and the years they cover (year fields only)."""
    if not columns:
        return None
    if kind == "year":
        years = sorted({y for col in columns for y in years_of_cells(col.texts())})
        return (Found(years[-1], C_LABEL), years) if years else None
    for col in columns:
        for text in col.texts():
            found = parse(text)
            if found is not None and found.value is not None:
                return found, []
    return None


def enumerated_years(folded: str) -> list[int]:
    """Years named together in one phrase (the first such phrase), else []."""
    found: list[tuple[int, list[int]]] = []
    for m in _CHAIN.finditer(folded):
        years = [int(y) for y in re.findall(_ONE, m.group(0))]
        found.append((m.start(), years))
    for m in _RANGE.finditer(folded):
        a, b = int(m[1]), int(m[2])
        if a < b <= a + 10:
            found.append((m.start(), list(range(a, b + 1))))
    for _pos, years in sorted(found, key=lambda t: t[0]):
        distinct = sorted(set(years))
        if len(distinct) >= 2 and distinct[-1] - distinct[0] <= 10:
            return distinct
    return []


def heading_years(lines: Sequence[Line]) -> list[int]:
    """Years of the first line that has two or more year headings as separate tokens."""
    for line in lines:
        tokens = fold(line.original).split()
        years = []
        for tok in tokens:
            m = _HEADING.match(tok)
            if m and "月" not in tok and "日" not in tok:
                years.append(int(m[1]))
        distinct = sorted(set(years))
        if len(distinct) >= 2 and distinct[-1] - distinct[0] <= 10:
            return distinct
    return []


def multi_year(found: Found | None, years: list[int], lines: Sequence[Line]) -> tuple[Found | None, list[int]]:
    """For a type that may cover several years: the years found by the winning source, else those
    named together or in a heading row; the year is the latest of them."""
    if len(years) < 2:
        # Only the opening pages name the years a document covers (an audit's opinion, a table's
        # title and heading row); its notes compare this year with the last one.
        opening = [line for line in lines if line.page <= 1]
        more = enumerated_years("\n".join(line.folded for line in opening)) or \
            heading_years([line for line in opening if line.page == 0])
        if more and (found is None or found.value in more or not years):
            years = more
    if found is not None and found.value is not None and not years:
        years = [int(found.value)]
    if years and (found is None or found.value is None or found.value != years[-1]):
        conf = found.confidence if found is not None and found.value in years else C_FALLBACK
        found = Found(years[-1], conf, found.problem if found is not None else None)
    return found, years


__all__ = ["column_value", "enumerated_years", "heading_years", "multi_year", "years_of_cells"]
