"""What the checks work on and what they say: the case, a document's facts, an item's status (a contract: the status ids are stable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Mapping

STATUS_ZH: Mapping[str, str] = MappingProxyType({
    "ok": "齐全", "missing": "缺失", "incomplete": "不完整", "expired": "过期",
    "inconsistent": "不一致", "review": "待复核", "not_required": "不适用",
})
STATUSES = tuple(STATUS_ZH)
#: When several statuses apply, the first of these is reported (problems are listed in this order).
PRECEDENCE = ("missing", "expired", "inconsistent", "incomplete", "review")


@dataclass(frozen=True)
class Case:
    """The guarantee applied for: product id, amount (yuan), term (months), date, agent (经办人)."""

    product: str | None = None
    amount: float | None = None
    term_months: int | None = None
    application_date: date | None = None
    agent: str | None = None


@dataclass(frozen=True)
class DocFacts:
    """One document in force: logical path, type, extracted fields and how sure the reading was."""

    path: str
    doc_type: str
    fields: dict
    confidence: float | None = None
    review: bool = False
    problems: tuple[str, ...] = ()
    version: str = ""
    settled: bool = False  # a person confirmed or corrected the reading: its doubts are settled
    forced: frozenset[str] = frozenset()  # fields a person kept although their check digit fails


@dataclass(frozen=True)
class ItemStatus:
    item: str
    status: str
    required_years: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    documents: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "item": self.item,
            "status": self.status,
            "required_years": list(self.required_years),
            "years": list(self.years),
            "documents": list(self.documents),
            "problems": list(self.problems),
        }



def is_complete(items: list[ItemStatus]) -> bool:
    """True when every item is ok or not required."""
    return all(item.status in ("ok", "not_required") for item in items)
