"""Dated obligations of a client (rules 第二十一条): what expires, falls due or goes stale, and when.

Pure: (documents in force, checklist statuses, today) -> entries sorted by date. Each entry is
``{"item", "name", "kind", "path", "date"}`` plus ``days_left`` relative to ``today`` (negative:
overdue since that many days). Kinds:

- ``expires``: a validity that ends (checklist ``not_expired``: licence term, ID card, org-code certificate);
- ``annual_report``: next year's annual report, due by the checklist's ``due`` (6 月 30 日);
- ``statements``: the statements of the fiscal year after the latest in force, due by ``warnings.toml``
  ``[due] statements`` of the year after (5 月 31 日);
- ``stale``: a document that must be recent (checklist ``recent``: the loan-and-guarantee schedule) and
  stops counting ``months`` after its date;
- ``withheld``: an item the checklist marks missing, asked for since the dossier was opened: its date is
  when it was asked for.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Iterable

from dossier.rules import load_checklist, load_warnings

from .documents import as_date, as_year, year_name
from .facts import ItemStatus

#: Statement types whose next fiscal year falls due (if the checklist asks for them by fiscal year).
STATEMENT_ITEMS = ("audit_report", "balance_sheet", "income_statement", "cash_flow_statement", "equity_statement")


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _entry(item: str, name: str, kind: str, path: str | None, when: date) -> dict:
    return {"item": item, "name": name, "kind": kind, "path": path, "date": when.isoformat()}


def _at(month_day: tuple[int, int], year: int) -> date:
    month, day = month_day
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def obligations(documents: Iterable, items: list[ItemStatus], today: date, opened: date | None) -> list[dict]:
    """Every dated obligation of a dossier, without ``days_left`` (see ``due``). ``documents`` are the
    documents in force; ``items`` the checklist statuses; ``opened`` when the dossier was opened (the
    checklist's first requests), None when unknown (then no ``withheld`` entries)."""
    checklist, rules = load_checklist(), load_warnings()
    by_type: dict[str, list] = {}
    for d in documents:
        if getattr(d, "in_force", True):
            by_type.setdefault(d.doc_type, []).append(d)
    out: list[dict] = []
    for item in checklist.items:
        mine = by_type.get(item.id, [])
        if item.not_expired:
            for d in mine:
                ends = as_date((d.fields or {}).get(item.not_expired))
                if ends is not None:
                    out.append(_entry(item.id, f"{item.short}有效期届满", "expires", d.path, ends))
        if item.period == "recent" and item.date_field and mine:
            dated = [(as_date((d.fields or {}).get(item.date_field)), d) for d in mine]
            dated = [(when, d) for when, d in dated if when is not None]
            if dated:
                when, d = max(dated, key=lambda x: (x[0], x[1].path))
                out.append(_entry(item.id, f"{item.short}需更新（截至日期 {when.isoformat()} 起满 {item.months} 个月）",
                                  "stale", d.path, add_months(when, item.months)))
        yearly = item.period == "latest_due" or (item.period == "fiscal_years" and item.id in STATEMENT_ITEMS)
        if yearly:
            years = [y for y in (as_year((d.fields or {}).get("year")) for d in mine) if y is not None]
            latest = max(years, default=None)
            if latest is None and item.period == "fiscal_years":
                continue  # none at all: the checklist reports it missing (``withheld`` below)
            month_day = item.due if item.period == "latest_due" and item.due else rules.due.statements
            if latest is not None:
                year = latest + 1
            else:  # none yet: the latest year already overdue, as the checklist counts it
                year = today.year - 1 if today > _at(month_day, today.year) else today.year - 2
            deadline = _at(month_day, year + 1)
            kind = "annual_report" if item.period == "latest_due" else "statements"
            out.append(_entry(item.id, f"{year_name(year, item.short)}应报送", kind, None, deadline))
    if opened is not None:
        by_id = {i.id: i for i in checklist.items}
        yearly_due = {e["item"] for e in out if e["kind"] == "annual_report"}  # asked for by its deadline
        for status in items:
            if status.status == "missing" and status.item not in yearly_due:
                item = by_id.get(status.item)
                name = item.short if item else status.item
                out.append(_entry(status.item, f"{name}已索要未提供", "withheld", None, opened))
    return sorted(out, key=lambda e: (e["date"], e["item"], e["path"] or ""))


def with_days_left(entries: Iterable[dict], today: date) -> list[dict]:
    return [{**e, "days_left": (date.fromisoformat(e["date"]) - today).days} for e in entries]


def within(entries: Iterable[dict], days: int) -> list[dict]:
    """Entries due within ``days`` (overdue ones included)."""
    return [e for e in entries if e["days_left"] <= days]
