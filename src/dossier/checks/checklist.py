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

from datetime import date
from typing import Any

from dossier.rules import (
    APPLICATION_FORM,
    CASE_FIELDS,
    FIELD_ZH,
    Checklist,
    Item,
    load_checklist,
)

from .documents import (
    Assessed,
    Context,
    Licence,
    as_code,
    as_date,
    as_number,
    as_text,
    assess,
    needs_review,
    norm_name,
    year_name,
)
from .facts import PRECEDENCE, Case, DocFacts, ItemStatus

# ---------------------------------------------------------------------------
# The case
# ---------------------------------------------------------------------------


def case_from(meta_case: dict | None, docs: list[DocFacts], rules: Checklist | None = None) -> Case:
    """The case: values of dossier.json ``case`` win; the rest from the best application form."""
    meta_case = meta_case or {}
    review_below = (rules if rules is not None else load_checklist()).review_below
    forms = [d for d in docs if d.doc_type == APPLICATION_FORM]
    form = max(forms, key=lambda d: (not needs_review(d, review_below), d.confidence or 0.0,
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
        return as_number(value)
    if name == "term_months":
        number = as_number(value)
        return int(number) if number is not None and number == int(number) and number >= 0 else None
    if name == "application_date":
        return as_date(value)
    return value.strip() if isinstance(value, str) else None


class _Problems:
    def __init__(self) -> None:
        self.by_status: dict[str, list[str]] = {status: [] for status in PRECEDENCE}

    def add(self, status: str, *texts: str) -> None:
        bucket = self.by_status[status]
        for text in texts:
            if text not in bucket:
                bucket.append(text)

    def take(self, doc: Assessed) -> None:
        self.add("expired", *doc.expired)
        self.add("inconsistent", *doc.inconsistent)
        self.add("review", *doc.review)

    def status(self) -> str:
        return next((s for s in PRECEDENCE if self.by_status[s]), "ok")

    def texts(self) -> tuple[str, ...]:
        return tuple(text for status in PRECEDENCE for text in self.by_status[status])


def evaluate(case: Case, docs: list[DocFacts], as_of: date | None = None,
             rules: Checklist | None = None) -> list[ItemStatus]:
    """The status of every checklist item, in rule-file order.

    ``docs`` are the documents in force (not those under documents/历史/).
    ``as_of`` defaults to the application date, else today.
    """
    rules = rules if rules is not None else load_checklist()
    as_of = as_of or case.application_date or date.today()
    ctx = Context(case=case, as_of=as_of, application_year=(case.application_date or as_of).year,
                   rules=rules, licence=None)
    ctx.licence = _reference_licence(docs, ctx)
    return [_evaluate_item(item, [d for d in docs if d.doc_type == item.id], ctx) for item in rules.items]


def _reference_licence(docs: list[DocFacts], ctx: Context) -> Licence | None:
    licences = [d for d in docs if d.doc_type == ctx.rules.licence]
    if not licences:
        return None
    try:
        item = ctx.rules[ctx.rules.licence]
    except KeyError:
        item = None
    if item is not None:
        best = max((assess(d, item, ctx) for d in licences), key=Assessed.rank).doc
    else:
        best = max(licences, key=lambda d: (not needs_review(d, ctx.rules.review_below), d.confidence or 0.0, d.path))
    f = best.fields
    code = as_code(f.get("credit_code"))
    return Licence(doc=best, credit_code=code, company_name=as_text(f.get("company_name")),
                    company_type=as_text(f.get("company_type")), established=as_date(f.get("established")),
                    fields=f)


def _evaluate_item(item: Item, docs: list[DocFacts], ctx: Context) -> ItemStatus:
    needed, unknown = _required(item, ctx)
    if needed is False:
        return ItemStatus(item.id, "not_required", documents=tuple(sorted(d.path for d in docs)))
    if needed is None and not docs:
        return ItemStatus(item.id, "review", problems=tuple(unknown))

    assessed = [assess(d, item, ctx) for d in docs]
    problems = _Problems()
    for a in assessed:
        problems.add("inconsistent", *a.foreign)
    counting = [a for a in assessed if not a.foreign]
    documents = tuple(sorted(a.doc.path for a in counting))
    years = tuple(sorted({y for a in counting for y in a.years})) if item.period != "once" else ()

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
            problems.take(max(counting, key=Assessed.rank))
        else:
            problems.add("missing", f"缺少{item.name}")
    return ItemStatus(item.id, problems.status(), required_years=tuple(required), years=years,
                      documents=documents, problems=problems.texts())


# -- periods ------------------------------------------------------------------


def _fiscal_years(item: Item, ctx: Context) -> tuple[int, ...]:
    first = ctx.application_year - item.years
    est = ctx.licence.established if ctx.licence else None
    if est is not None:
        first = max(first, est.year)
    return tuple(range(first, ctx.application_year))


def _fiscal_years_status(item: Item, required: tuple[int, ...], counting: list[Assessed], ctx: Context,
                         problems: _Problems) -> None:
    absent = []
    for year in required:
        candidates = [a for a in counting if year in a.years]
        if candidates:
            problems.take(max(candidates, key=Assessed.rank))
        else:
            absent.append(year)
    undated = [a for a in counting if a.year is None]
    for a in undated:
        problems.add("review", f"{a.doc.path}：未读出年度，无法判断属于哪一年度，请人工核对", *a.review)
    if absent:
        status = "missing" if len(absent) == len(required) and not undated else "incomplete"
        problems.add(status, *(f"缺少 {year_name(year, item.name)}" for year in absent))
        problems.add("review", *_established_unknown(ctx, "成立不足三年的只需提供成立以来的年度"))


def _latest_due_year(item: Item, as_of: date) -> int:
    month, day = item.due or (12, 31)
    return as_of.year - 1 if as_of > date(as_of.year, month, day) else as_of.year - 2


def _latest_due_status(item: Item, due_year: int, counting: list[Assessed], ctx: Context,
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
            problems.add("review", f"{a.doc.path}：未读出年度，请人工核对是否为 {year_name(due_year, item.name)}",
                         *a.review)
    elif counting:
        latest = max(a.year for a in counting)
        problems.add("expired", f"最近一份{item.name}为 {latest} 年度，应提供 {year_name(due_year, item.name)}"
                                f"（应于 {deadline} 前公示）")
    else:
        problems.add("missing", f"缺少 {year_name(due_year, item.name)}（应于 {deadline} 前公示）")
        problems.add("review", *_established_unknown(ctx, f"成立晚于 {due_year} 年的无需提供"))


def _window_start(item: Item, as_of: date) -> date:
    index = as_of.year * 12 + as_of.month - 1 - item.months
    start = date(index // 12, index % 12 + 1, 1)
    if item.same_year:
        start = max(start, date(as_of.year, 1, 1))
    return start


def _recent_status(item: Item, counting: list[Assessed], ctx: Context, problems: _Problems) -> None:
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


def _established_unknown(ctx: Context, why: str) -> list[str]:
    if ctx.licence is None:
        return [f"缺少营业执照，无法核对成立日期（{why}）"]
    if ctx.licence.established is None:
        return [f"营业执照未读出成立日期（{why}），请人工核对"]
    return []


def _required(item: Item, ctx: Context) -> tuple[bool | None, list[str]]:
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
        by_agent = bool(case.agent) and not (lic is not None and as_text(lic.fields.get("legal_rep")) is not None
                                             and norm_name(case.agent) == norm_name(str(lic.fields["legal_rep"])))
        answers.append(by_agent == when["agent"])
    if "company_type_any" in when or "company_type_none" in when:
        if lic is None:
            unknown.append(f"缺少营业执照，{what}")
        elif lic.company_type is None:
            unknown.append(f"营业执照未读出企业类型，{what}")
        else:
            kind = norm_name(lic.company_type)
            if any(norm_name(w) in kind for w in when.get("company_type_none", ())):
                answers.append(False)
            elif "company_type_any" in when:
                answers.append(any(norm_name(w) in kind for w in when["company_type_any"]))
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
