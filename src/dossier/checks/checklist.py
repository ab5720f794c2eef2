"""The completeness checklist: (case, documents in force, as-of date) -> item statuses (pure).

Which documents a dossier needs, and how each is checked, is data in
``rules/checklist.toml`` (loaded by ``dossier.rules``; the appendix 二 客户基本信息提示 of the account
manager rules, with the product-specific items of appendix 一 and the
verification duty of 第九条).  The file is validated when loaded; a mistake is
a :class:`dossier.errors.ConfigError` naming the file and the key path.

Every checklist item yields one :class:`ItemStatus` (item id = document type).
Statuses are a contract: ``ok``, ``missing``, ``incomplete``, ``expired``,
``inconsistent``, ``review``, ``not_required``.  When several apply, the first
of missing, expired, inconsistent, incomplete, review is reported, and every
problem is listed (Chinese, in that order).

The business licence is the reference: a document whose 统一社会信用代码 or
company name contradicts it is another company's and does not count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any, Mapping

from dossier import codes
from dossier.rules import (
    APPLICATION_FORM,
    CASE_FIELDS,
    FIELD_ZH,
    Checklist,
    Item,
    load_checklist,
)

STATUS_ZH: Mapping[str, str] = MappingProxyType({
    "ok": "齐全", "missing": "缺失", "incomplete": "不完整", "expired": "过期",
    "inconsistent": "不一致", "review": "待复核", "not_required": "不适用",
})
STATUSES = tuple(STATUS_ZH)
#: When several statuses apply, the first of these is reported (problems are listed in this order).
_PRECEDENCE = ("missing", "expired", "inconsistent", "incomplete", "review")


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


# ---------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------


def case_from(meta_case: dict | None, docs: list[DocFacts], rules: Checklist | None = None) -> Case:
    """The case: values of dossier.json ``case`` win; the rest from the best application form."""
    meta_case = meta_case or {}
    review_below = (rules if rules is not None else load_checklist()).review_below
    forms = [d for d in docs if d.doc_type == APPLICATION_FORM]
    form = max(forms, key=lambda d: (not _needs_review(d, review_below), d.confidence or 0.0,
                                     str(d.fields.get("application_date") or ""), d.path), default=None)
    values = {}
    for name in CASE_FIELDS:
        value = _case_value(name, meta_case.get(name))
        if value is None and form is not None:
            value = _case_value(name, form.fields.get(name))
        values[name] = value
    return Case(**values)


def _case_value(name: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if name == "amount":
        return _number(value)
    if name == "term_months":
        number = _number(value)
        return int(number) if number is not None and number == int(number) and number >= 0 else None
    if name == "application_date":
        return _date(value)
    return value.strip() if isinstance(value, str) else None


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Licence:
    doc: DocFacts
    credit_code: str | None
    company_name: str | None
    company_type: str | None
    established: date | None
    fields: dict


@dataclass
class _Context:
    case: Case
    as_of: date
    application_year: int
    rules: Checklist
    licence: _Licence | None


@dataclass
class _Assessed:
    """One document judged for one item; problems by the status they lead to."""

    doc: DocFacts
    foreign: list[str] = field(default_factory=list)  # another company's: does not count
    expired: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    year: int | None = None
    when: date | None = None  # the date of a "recent" item

    def rank(self, *then: Any) -> tuple:
        """Best first by: not expired, consistent, no review needed, then ``then``, confidence, path."""
        return (not self.expired, not self.inconsistent, not self.review, *then,
                self.doc.confidence if self.doc.confidence is not None else 0.0, self.doc.path)


class _Problems:
    def __init__(self) -> None:
        self.by_status: dict[str, list[str]] = {status: [] for status in _PRECEDENCE}

    def add(self, status: str, *texts: str) -> None:
        bucket = self.by_status[status]
        for text in texts:
            if text not in bucket:
                bucket.append(text)

    def take(self, doc: _Assessed) -> None:
        self.add("expired", *doc.expired)
        self.add("inconsistent", *doc.inconsistent)
        self.add("review", *doc.review)

    def status(self) -> str:
        return next((s for s in _PRECEDENCE if self.by_status[s]), "ok")

    def texts(self) -> tuple[str, ...]:
        return tuple(text for status in _PRECEDENCE for text in self.by_status[status])


def evaluate(case: Case, docs: list[DocFacts], as_of: date | None = None,
             rules: Checklist | None = None) -> list[ItemStatus]:
    """The status of every checklist item, in rule-file order.

    ``docs`` are the documents in force (not those under documents/历史/).
    ``as_of`` defaults to the application date, else today.
    """
    rules = rules if rules is not None else load_checklist()
    as_of = as_of or case.application_date or date.today()
    ctx = _Context(case=case, as_of=as_of, application_year=(case.application_date or as_of).year,
                   rules=rules, licence=None)
    ctx.licence = _reference_licence(docs, ctx)
    return [_evaluate_item(item, [d for d in docs if d.doc_type == item.id], ctx) for item in rules.items]


def _reference_licence(docs: list[DocFacts], ctx: _Context) -> _Licence | None:
    licences = [d for d in docs if d.doc_type == ctx.rules.licence]
    if not licences:
        return None
    try:
        item = ctx.rules[ctx.rules.licence]
    except KeyError:
        item = None
    if item is not None:
        best = max((_assess(d, item, ctx) for d in licences), key=_Assessed.rank).doc
    else:
        best = max(licences, key=lambda d: (not _needs_review(d, ctx.rules.review_below), d.confidence or 0.0, d.path))
    f = best.fields
    code = _code(f.get("credit_code"))
    return _Licence(doc=best, credit_code=code, company_name=_text(f.get("company_name")),
                    company_type=_text(f.get("company_type")), established=_date(f.get("established")),
                    fields=f)


def _evaluate_item(item: Item, docs: list[DocFacts], ctx: _Context) -> ItemStatus:
    needed, unknown = _required(item, ctx)
    if needed is False:
        return ItemStatus(item.id, "not_required", documents=tuple(sorted(d.path for d in docs)))
    if needed is None and not docs:
        return ItemStatus(item.id, "review", problems=tuple(unknown))

    assessed = [_assess(d, item, ctx) for d in docs]
    problems = _Problems()
    for a in assessed:
        problems.add("inconsistent", *a.foreign)
    counting = [a for a in assessed if not a.foreign]
    documents = tuple(sorted(a.doc.path for a in counting))
    years = tuple(sorted({a.year for a in counting if a.year is not None})) if item.period != "once" else ()

    if item.period == "fiscal_years":
        required = _fiscal_years(item, ctx)
        if not required:
            return ItemStatus(item.id, "not_required", years=years, documents=documents)
        _fiscal_years_status(item, required, counting, ctx, problems)
    elif item.period == "latest_due":
        due_year = _latest_due_year(item, ctx.as_of)
        est = ctx.licence.established if ctx.licence else None
        if est is not None and est.year > due_year:
            return ItemStatus(item.id, "not_required", years=years, documents=documents)
        required = (due_year,)
        _latest_due_status(item, due_year, counting, ctx, problems)
    elif item.period == "recent":
        required = ()
        _recent_status(item, counting, ctx, problems)
    else:
        required = ()
        if counting:
            problems.take(max(counting, key=_Assessed.rank))
        else:
            problems.add("missing", f"缺少{item.name}")
    return ItemStatus(item.id, problems.status(), required_years=tuple(required), years=years,
                      documents=documents, problems=problems.texts())


# -- periods ------------------------------------------------------------------


def _fiscal_years(item: Item, ctx: _Context) -> tuple[int, ...]:
    first = ctx.application_year - item.years
    est = ctx.licence.established if ctx.licence else None
    if est is not None:
        first = max(first, est.year)
    return tuple(range(first, ctx.application_year))


def _fiscal_years_status(item: Item, required: tuple[int, ...], counting: list[_Assessed], ctx: _Context,
                         problems: _Problems) -> None:
    absent = []
    for year in required:
        candidates = [a for a in counting if a.year == year]
        if candidates:
            problems.take(max(candidates, key=_Assessed.rank))
        else:
            absent.append(year)
    undated = [a for a in counting if a.year is None]
    for a in undated:
        problems.add("review", f"{a.doc.path}：未读出年度，无法判断属于哪一年度，请人工核对", *a.review)
    if absent:
        status = "missing" if len(absent) == len(required) and not undated else "incomplete"
        problems.add(status, *(f"缺少 {_year_name(year, item.name)}" for year in absent))
        problems.add("review", *_established_unknown(ctx, "成立不足三年的只需提供成立以来的年度"))


def _latest_due_year(item: Item, as_of: date) -> int:
    month, day = item.due or (12, 31)
    return as_of.year - 1 if as_of > date(as_of.year, month, day) else as_of.year - 2


def _latest_due_status(item: Item, due_year: int, counting: list[_Assessed], ctx: _Context,
                       problems: _Problems) -> None:
    current = [a for a in counting if a.year is not None and a.year >= due_year]
    undated = [a for a in counting if a.year is None]
    if current:
        problems.take(max(current, key=lambda a: a.rank(a.year)))
        return
    month, day = item.due or (12, 31)
    deadline = date(due_year + 1, month, day).isoformat()
    if undated:
        for a in undated:
            problems.add("review", f"{a.doc.path}：未读出年度，请人工核对是否为 {_year_name(due_year, item.name)}",
                         *a.review)
    elif counting:
        latest = max(a.year for a in counting)
        problems.add("expired", f"最近一份{item.name}为 {latest} 年度，应提供 {_year_name(due_year, item.name)}"
                                f"（应于 {deadline} 前公示）")
    else:
        problems.add("missing", f"缺少 {_year_name(due_year, item.name)}（应于 {deadline} 前公示）")
        problems.add("review", *_established_unknown(ctx, f"成立晚于 {due_year} 年的无需提供"))


def _window_start(item: Item, as_of: date) -> date:
    index = as_of.year * 12 + as_of.month - 1 - item.months
    start = date(index // 12, index % 12 + 1, 1)
    if item.same_year:
        start = max(start, date(as_of.year, 1, 1))
    return start


def _recent_status(item: Item, counting: list[_Assessed], ctx: _Context, problems: _Problems) -> None:
    start = _window_start(item, ctx.as_of)
    current = [a for a in counting if a.when is not None and a.when >= start]
    undated = [a for a in counting if a.when is None]
    label = FIELD_ZH.get(item.date_field or "", "日期")
    if current:
        problems.take(max(current, key=lambda a: a.rank(a.when)))
        return
    if undated:
        for a in undated:
            problems.add("review", f"{a.doc.path}：未读出{label}，无法判断是否为最近月份的情况，请人工核对", *a.review)
    elif counting:
        latest = max(a.when for a in counting)
        scope = "本年度及最近月份" if item.same_year else "最近月份"
        problems.add("expired", f"{item.name}{label}为 {latest.isoformat()}，不是{scope}的情况"
                                f"（应不早于 {start.isoformat()}）")
    else:
        problems.add("missing", f"缺少{item.name}")


def _established_unknown(ctx: _Context, why: str) -> list[str]:
    if ctx.licence is None:
        return [f"缺少营业执照，无法核对成立日期（{why}）"]
    if ctx.licence.established is None:
        return [f"营业执照未读出成立日期（{why}），请人工核对"]
    return []


def _year_name(year: int, name: str) -> str:
    # "2024 年度报告", not "2024 年度年度报告"
    return f"{year} {name}" if name.startswith("年度") else f"{year} 年度{name}"


# -- conditions ---------------------------------------------------------------


def _required(item: Item, ctx: _Context) -> tuple[bool | None, list[str]]:
    """(True, []) required; (False, []) not required; (None, reasons) cannot tell."""
    unknown: list[str] = []
    answers: list[bool] = []
    what = f"无法判断是否需要{item.name}"
    case, lic = ctx.case, ctx.licence
    when = item.when
    if "term_months_over" in when:
        if case.term_months is None:
            unknown.append(f"未能确定担保期限，{what}")
        else:
            answers.append(case.term_months > when["term_months_over"])
    if "products" in when:
        if case.product is None:
            unknown.append(f"未能确定担保品种，{what}")
        else:
            answers.append(case.product in when["products"])
    if "agent" in when:
        # The legal representative handling the application in person is no agent (授权委托人).
        by_agent = bool(case.agent) and not (lic is not None and _text(lic.fields.get("legal_rep")) is not None
                                             and _norm(case.agent) == _norm(str(lic.fields["legal_rep"])))
        answers.append(by_agent == when["agent"])
    if "company_type_any" in when or "company_type_none" in when:
        if lic is None:
            unknown.append(f"缺少营业执照，{what}")
        elif lic.company_type is None:
            unknown.append(f"营业执照未读出企业类型，{what}")
        else:
            kind = _norm(lic.company_type)
            if any(_norm(w) in kind for w in when.get("company_type_none", ())):
                answers.append(False)
            elif "company_type_any" in when:
                answers.append(any(_norm(w) in kind for w in when["company_type_any"]))
    if "licence_without_uscc" in when:
        if lic is None:
            unknown.append(f"缺少营业执照，{what}")
        elif lic.credit_code is None:
            unknown.append(f"营业执照未读出统一社会信用代码，{what}")
        else:
            answers.append((len(lic.credit_code) != 18) == when["licence_without_uscc"])
    if not all(answers):
        return False, []
    if unknown:
        return None, unknown
    return True, []


# -- one document ---------------------------------------------------------------


def _needs_review(doc: DocFacts, review_below: float) -> bool:
    return bool(doc.review) or (doc.confidence is not None and doc.confidence < review_below)


def _assess(doc: DocFacts, item: Item, ctx: _Context) -> _Assessed:
    rules = ctx.rules
    f = doc.fields or {}
    a = _Assessed(doc=doc)
    if item.period in ("fiscal_years", "latest_due"):
        a.year = _year(f.get("year"))
    subject = _year_name(a.year, item.name) if a.year is not None else item.short

    # The same company as the licence (the reference licence itself is not compared).
    lic = ctx.licence
    if lic is not None and doc is not lic.doc:
        a.foreign.extend(_foreign(doc, item, lic, rules))

    for name, kind in item.check_digits.items():
        value = f.get(name)
        if value is not None and not _digits_ok(kind, str(value)):
            a.inconsistent.append(f"{subject}{FIELD_ZH.get(name, name)}“{value}”校验位不符或格式不正确")

    if item.not_expired:
        value = f.get(item.not_expired)
        if value is not None:  # None: 长期
            end = _date(value)
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
        value, expected = _text(f.get(name)), _text(lic.fields.get(licence_field))
        if value is not None and expected is not None and _norm(value) != _norm(expected):
            a.inconsistent.append(f"{label}“{value}”与{expected_label}“{expected}”不一致")

    for name, case_field in item.match_case.items():
        value, expected = f.get(name), getattr(ctx.case, case_field)
        if value is None or expected is None:
            continue
        if _norm(str(value)) != _norm(expected.isoformat() if isinstance(expected, date) else str(expected)):
            a.inconsistent.append(f"{subject}{FIELD_ZH.get(name, name)}“{value}”与担保申请"
                                  f"{FIELD_ZH.get(case_field, case_field)}“{expected}”不一致")

    for left, right in item.equal_totals:
        x, y = _number(f.get(left)), _number(f.get(right))
        if x is not None and y is not None and abs(x - y) > rules.tolerance:
            a.inconsistent.append(f"{subject}：{FIELD_ZH.get(left, left)} {x:,.2f} 与{FIELD_ZH.get(right, right)} "
                                  f"{y:,.2f} 相差超过 {rules.tolerance:g} 元")

    if item.period == "recent" and item.date_field:
        value = f.get(item.date_field)
        a.when = _date(value)
        if a.when is not None and a.when > ctx.as_of:
            a.review.append(f"{subject}{FIELD_ZH.get(item.date_field, item.date_field)} {a.when.isoformat()} "
                            f"晚于核查日期 {ctx.as_of.isoformat()}，请人工核对")

    if _needs_review(doc, rules.review_below):
        if doc.problems:
            a.review.extend(f"{doc.path}：{p}" for p in doc.problems)
        if doc.confidence is not None and doc.confidence < rules.review_below:
            a.review.append(f"{doc.path}：文件类型识别置信度 {doc.confidence:.2f}，需人工复核")
        elif not doc.problems:
            a.review.append(f"{doc.path}：需人工复核")
    return a


def _foreign(doc: DocFacts, item: Item, lic: _Licence, rules: Checklist) -> list[str]:
    out = []
    f = doc.fields or {}
    who = f"{doc.path} 不是本公司的文件，不予计入"
    if lic.credit_code is not None and len(lic.credit_code) == 18:
        for name in rules.identity_fields:
            code = _code(f.get(name))
            # Only a well-formed code contradicts; a failed check digit is a misprint (check_digits).
            if code is not None and codes.is_valid_uscc(code) and code != lic.credit_code:
                out.append(f"{who}：{FIELD_ZH.get(name, name)} {code} 与营业执照统一社会信用代码 "
                           f"{lic.credit_code} 不一致")
    if lic.company_name is not None:
        for name in rules.name_fields:
            value = _text(f.get(name))
            if value is not None and _norm(value) != _norm(lic.company_name):
                out.append(f"{who}：{FIELD_ZH.get(name, name)}“{value}”与营业执照名称“{lic.company_name}”不一致")
        named = [v for v in (_text(f.get(p)) for p in item.parties) if v is not None]
        if named and all(_norm(v) != _norm(lic.company_name) for v in named):
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


def _norm(text: str) -> str:
    """Compare names ignoring width (（）vs ()), case and spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _code(value: Any) -> str | None:
    text = _text(value)
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text)).upper() if text else None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        return int(value)
    return None


def _number(value: Any) -> float | None:
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
