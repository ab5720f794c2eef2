"""One document judged for one checklist item: another company's, expired, inconsistent, in need of review; the values it carries, as the checks compare them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dossier import codes
from dossier.rules import (
    FIELD_ZH,
    Checklist,
    Item,
)

from .facts import Case, DocFacts


@dataclass(frozen=True)
class Licence:
    doc: DocFacts
    credit_code: str | None
    company_name: str | None
    company_type: str | None
    established: date | None
    fields: dict


@dataclass
class Context:
    case: Case
    as_of: date
    application_year: int
    rules: Checklist
    licence: Licence | None


@dataclass
class Assessed:
    """One document judged for one item; problems by the status they lead to."""

    doc: DocFacts
    foreign: list[str] = field(default_factory=list)  # another company's: does not count
    expired: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    year: int | None = None  # the latest fiscal year the document covers
    years: tuple[int, ...] = ()  # every fiscal year it covers (a three-year audit counts for each)
    when: date | None = None  # the date of a "recent" item

    def rank(self, *then: Any) -> tuple:
        """Best first by: not expired, consistent, no review needed, then ``then``, confidence, path."""
        return (not self.expired, not self.inconsistent, not self.review, *then,
                self.doc.confidence if self.doc.confidence is not None else 0.0, self.doc.path)

def needs_review(doc: DocFacts, review_below: float) -> bool:
    """The machine's doubt about a reading stands until a person settles it (review.confirm / correct)."""
    if doc.settled:
        return False
    return bool(doc.review) or (doc.confidence is not None and doc.confidence < review_below)


def assess(doc: DocFacts, item: Item, ctx: Context) -> Assessed:
    rules = ctx.rules
    f = doc.fields or {}
    a = Assessed(doc=doc)
    if item.period in ("fiscal_years", "latest_due"):
        a.year = as_year(f.get("year"))
        a.years = as_years(f.get("years"), a.year)
    subject = year_name(a.year, item.name) if a.year is not None else item.short

    # The same company as the licence (the reference licence itself is not compared).
    lic = ctx.licence
    if lic is not None and doc is not lic.doc:
        a.foreign.extend(_foreign(doc, item, lic, rules))

    for name, kind in item.check_digits.items():
        value = f.get(name)
        if name in doc.forced:  # a person kept it, on the record, knowing the check fails (some early codes do)
            continue
        if value is not None and not _digits_ok(kind, str(value)):
            a.inconsistent.append(f"{subject}{FIELD_ZH.get(name, name)}“{value}”校验位不符或格式不正确")

    if item.not_expired:
        value = f.get(item.not_expired)
        if value is not None:  # None: 长期
            end = as_date(value)
            if end is None:
                a.review.append(f"{subject}{FIELD_ZH.get(item.not_expired, item.not_expired)}“{value}”无法识别，"
                                f"请人工核对")
            elif end < ctx.as_of:
                a.expired.append(f"{subject}已于 {end.isoformat()} 到期")

    for name, licence_field in item.match_licence.items():
        label = f"{subject}{FIELD_ZH.get(name, name)}"
        expected_label = f"营业执照{FIELD_ZH.get(licence_field, licence_field)}"
        if lic is None:
            a.review.append(f"缺少营业执照，无法核对{label}是否与{expected_label}一致")
            continue
        value, expected = as_text(f.get(name)), as_text(lic.fields.get(licence_field))
        if value is not None and expected is not None and norm_name(value) != norm_name(expected):
            a.inconsistent.append(f"{label}“{value}”与{expected_label}“{expected}”不一致")

    for name, case_field in item.match_case.items():
        value, expected = f.get(name), getattr(ctx.case, case_field)
        if value is None or expected is None:
            continue
        if norm_name(str(value)) != norm_name(expected.isoformat() if isinstance(expected, date) else str(expected)):
            a.inconsistent.append(f"{subject}{FIELD_ZH.get(name, name)}“{value}”与担保申请"
                                  f"{FIELD_ZH.get(case_field, case_field)}“{expected}”不一致")

    for left, right in item.equal_totals:
        x, y = as_number(f.get(left)), as_number(f.get(right))
        if x is not None and y is not None and abs(x - y) > rules.tolerance:
            a.inconsistent.append(f"{subject}：{FIELD_ZH.get(left, left)} {x:,.2f} 与{FIELD_ZH.get(right, right)} "
                                  f"{y:,.2f} 相差超过 {rules.tolerance:g} 元")

    if item.period == "recent" and item.date_field:
        value = f.get(item.date_field)
        a.when = as_date(value)
        if a.when is not None and a.when > ctx.as_of:
            a.review.append(f"{subject}{FIELD_ZH.get(item.date_field, item.date_field)} {a.when.isoformat()} "
                            f"晚于核查日期 {ctx.as_of.isoformat()}，请人工核对")

    if needs_review(doc, rules.review_below):
        if doc.problems:
            a.review.extend(f"{doc.path}：{p}" for p in doc.problems)
        if doc.confidence is not None and doc.confidence < rules.review_below:
            a.review.append(f"{doc.path}：文件类型识别置信度 {doc.confidence:.2f}，需人工复核")
        elif not doc.problems:
            a.review.append(f"{doc.path}：需人工复核")
    return a


def _foreign(doc: DocFacts, item: Item, lic: Licence, rules: Checklist) -> list[str]:
    out = []
    f = doc.fields or {}
    who = f"{doc.path} 不是本公司的文件，不予计入"
    if lic.credit_code is not None and len(lic.credit_code) == 18:
        for name in rules.identity_fields:
            code = as_code(f.get(name))
            # Only a well-formed code contradicts; a failed check digit is a misprint (check_digits).
            if code is not None and codes.is_valid_uscc(code) and code != lic.credit_code:
                out.append(f"{who}：{FIELD_ZH.get(name, name)} {code} 与营业执照统一社会信用代码 "
                           f"{lic.credit_code} 不一致")
    if lic.company_name is not None:
        for name in rules.name_fields:
            value = as_text(f.get(name))
            if value is not None and norm_name(value) != norm_name(lic.company_name):
                out.append(f"{who}：{FIELD_ZH.get(name, name)}“{value}”与营业执照名称“{lic.company_name}”不一致")
        named = [v for v in (as_text(f.get(p)) for p in item.parties) if v is not None]
        if named and all(norm_name(v) != norm_name(lic.company_name) for v in named):
            who_parts = "、".join(FIELD_ZH.get(p, p) for p in item.parties)
            listed = "、".join(f"“{v}”" for v in named)
            out.append(f"{who}：{who_parts}（{listed}）均不是营业执照所载的“{lic.company_name}”")
    return out


def _digits_ok(kind: str, value: str) -> bool:
    v = value.strip().upper()
    if kind == "uscc":
        return codes.is_valid_uscc(v)
    if kind == "credit_code":  # 18-character USCC, or the 15-digit 注册号 of an old licence (no check here)
        return codes.is_valid_uscc(v) if len(v) == 18 else bool(re.fullmatch(r"\d{15}", v))
    if kind == "id_number":
        return codes.is_valid_id_number(v)
    if kind == "org_code":
        return codes.is_valid_org_code(v)
    if kind == "taxpayer_id":  # 18: USCC; 15: region (6) + org code (9); 20: ID number + 2
        if len(v) == 18:
            return codes.is_valid_uscc(v)
        if len(v) == 15:
            return v[:6].isdigit() and codes.is_valid_org_code(v[6:])
        if len(v) == 20:
            return codes.is_valid_id_number(v[:18])
        return False
    raise ValueError(kind)


# -- value helpers ----------------------------------------------------------------


def norm_name(text: str) -> str:
    """Compare names ignoring width (（）vs ()), case and spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def as_code(value: Any) -> str | None:
    text = as_text(value)
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text)).upper() if text else None


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        return int(value)
    return None


def as_years(value: Any, year: int | None) -> tuple[int, ...]:
    """The fiscal years of a record: its ``years`` list (multi-year documents), else ``(year,)``."""
    years = {y for y in (as_year(v) for v in value) if y is not None} if isinstance(value, (list, tuple)) else set()
    if year is not None:
        years.add(year)
    return tuple(sorted(years))


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").replace("，", "").strip())
        except ValueError:
            return None
    return None


def year_name(year: int, name: str) -> str:
    # "2024 年度报告", not "2024 年度年度报告"
    return f"{year} {name}" if name.startswith("年度") else f"{year} 年度{name}"


# -- conditions ---------------------------------------------------------------
