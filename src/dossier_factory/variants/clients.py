"""Synthetic clients with checklist truth: what each dossier holds, and what the checklist should say.

Expected statuses are derived here from what was constructed and from the rules written in the comments
of ``dossier/rules/checklist.toml`` (never by calling the checklist code):

- fiscal_years items need the N fiscal years before the application year (from the year of
  establishment), one document per year; a document covering several years counts for each of them;
  all absent -> missing, some absent -> incomplete;
- latest_due (annual report): the latest year whose report was due (30 June of the next year) by the
  check date; an older one -> expired; none -> missing; not needed if established after that year;
- recent (loan schedule): its date in the check year and not before the first day of the month two
  months before the check date; older -> expired;
- not_expired: an end date before the check date -> expired;
- a document of another company (its credit code / name) does not count and makes the item
  inconsistent; a power of attorney naming another agent than the application -> inconsistent;
- precedence: missing, expired, inconsistent, incomplete; items whose condition fails -> not_required.

The check date is the application date (``dossier status`` defaults to it; the bench passes it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..base import SampleCompany, _rand_date, _years_later, make_company
from .letters import person
from .licences import LegacyCompany, id_terms, registration_no, taxpayer_id

CHECK_ITEMS = (
    "application_form", "business_licence", "annual_report", "org_code_certificate", "legal_rep_id",
    "audit_report", "balance_sheet", "income_statement", "equity_statement", "sales_report",
    "loan_guarantee_schedule", "tax_registration", "tax_payment_certificate", "articles_of_association",
    "officer_roster", "board_resolution", "profit_distribution_resolution", "cash_flow_forecast",
    "power_of_attorney", "approval_document", "funding_plan", "projected_financials", "project_schedule",
    "feasibility_study", "trade_contract", "letter_of_credit",
)
FISCAL = {"audit_report": 3, "balance_sheet": 3, "income_statement": 3, "equity_statement": 3,
          "tax_payment_certificate": 3, "profit_distribution_resolution": 1}
LONG_TERM = ("approval_document", "funding_plan", "projected_financials", "project_schedule")
LIMITED = ("有限责任公司", "有限公司", "股份有限公司", "中外合资", "中外合作", "承包经营")


@dataclass
class DocSpec:
    """One file of a client's drop."""

    doc_type: str
    layout: str
    year: int  # fiscal year (or the year before the document's date)
    company: SampleCompany
    options: dict = field(default_factory=dict)
    medium: str = "text"  # "text" | "scan" | "photo"
    years: tuple[int, ...] = ()

    @property
    def scanned(self) -> bool:
        return self.medium != "text"


@dataclass
class ClientCase:
    folder: str
    company: SampleCompany
    case: dict  # product, amount, term_months, application_date (date), agent
    docs: list[DocSpec]
    expected: dict[str, str]
    complete: bool
    defects: list[str]

    @property
    def as_of(self) -> date:
        return self.case["application_date"]


def _years_of(doc_type: str, layout: str, year: int, options: dict) -> tuple[int, ...]:
    n = options.get("years_covered")
    if doc_type == "sales_report" and layout == "three_years":
        n = 3
    if doc_type == "tax_payment_certificate" and layout == "table_multi":
        n = n or 2
    return tuple(range(year - (n or 1) + 1, year + 1))


def company_for(seed: int, kind: str = "normal") -> SampleCompany:
    co = make_company(seed)
    if kind == "legacy":
        rng = random.Random(f"variants-legacy:{seed}")
        est = _rand_date(rng, date(2005, 1, 1), date(2013, 12, 31))
        return LegacyCompany(**{**co.__dict__, "credit_code": registration_no(co.division, rng), "established": est,
                                "term_end": None if co.term_end is None else _years_later(est, 30) - timedelta(days=1)},
                             org_body="".join(rng.choice("0123456789") for _ in range(8)))
    if kind == "young":
        return replace(co, established=date(2024, 5, 12), term_end=None)
    return co


# (scenario id, product, term, agent?, company kind, defects)
SCENARIOS = (
    ("complete", "working_capital_loan", 12, False, "normal", ()),
    ("bs_year_missing", "working_capital_loan", 12, False, "normal", ("omit_bs_year",)),
    ("legacy_licence", "bill_acceptance", 6, False, "legacy", ()),
    ("project_agent", "project_finance", 36, True, "normal", ()),
    ("letter_of_credit", "letter_of_credit", 12, False, "normal", ()),
    ("licence_expired", "working_capital_loan", 12, False, "normal", ("licence_expired",)),
    ("foreign_tax", "working_capital_loan", 12, False, "normal", ("foreign_tax",)),
    ("multi_year_docs", "working_capital_loan", 24, False, "normal", ("multi_year",)),
    ("id_expired_no_annual", "working_capital_loan", 12, False, "normal", ("id_expired", "no_annual")),
    ("poa_other_agent", "equipment_finance", 24, True, "normal", ("poa_mismatch",)),
    ("stale_schedule", "bill_acceptance", 12, False, "normal", ("stale_schedule",)),
    ("young_company", "working_capital_loan", 12, False, "young", ()),
)


def _layout(doc_type: str, i: int, k: int, legacy: bool) -> str:
    from . import LAYOUTS

    options = [lay for lay in LAYOUTS[doc_type] if not (doc_type == "business_licence" and lay == "old_regno")]
    if legacy and doc_type == "business_licence":
        return "old_regno"
    return options[(i + k) % len(options)]


def make_clients(n: int = 12, seed: int = 0) -> list[ClientCase]:
    """``n`` clients (the scenarios in turn, companies new for every client)."""
    return [_client(i, seed) for i in range(n)]


def _client(i: int, seed: int) -> ClientCase:
    name, product, term, by_agent, kind, defects = SCENARIOS[i % len(SCENARIOS)]
    rng = random.Random(f"variants-client:{seed}:{i}")
    co = company_for(seed * 1000 + 500 + i, kind)
    app = _rand_date(rng, date(2026, 2, 10), date(2026, 9, 25))
    if "licence_expired" in defects:
        co = replace(co, term_end=app - timedelta(days=rng.randrange(20, 200)))
    app_year = app.year
    agent = person(rng) if by_agent else None
    case = {"product": product, "amount": rng.choice((300, 500, 800, 1000, 1500, 2000)) * 10_000,
            "term_months": term, "application_date": app, "agent": agent}
    legacy = isinstance(co, LegacyCompany)
    docs: list[DocSpec] = []
    k = 0

    def add(doc_type, year, company=None, **options):
        nonlocal k
        layout = options.pop("layout", None) or _layout(doc_type, i, k, legacy)
        k += 1
        r = rng.random()
        medium = options.pop("medium", None) or ("scan" if r < 0.25 else "photo" if r < 0.33 else "text")
        docs.append(DocSpec(doc_type, layout, year, company or co, options, medium,
                            _years_of(doc_type, layout, year, options)))

    last = app_year - 1
    first = max(app_year - 3, co.established.year)
    fiscal = list(range(first, app_year))
    add("application_form", last, layout=None, medium="text", product=product, amount=case["amount"],
        term_months=term, application_date=app, agent=agent)
    add("business_licence", last)
    due_year = app_year - 1 if app > date(app_year, 6, 30) else app_year - 2
    if "no_annual" not in defects and co.established.year <= due_year:
        add("annual_report", due_year)
    if legacy:
        add("org_code_certificate", last)
        add("tax_registration", last)
    valid = id_terms(co)[2]
    if "id_expired" in defects:
        valid = app - timedelta(days=rng.randrange(10, 300))
    elif valid is not None and valid <= app:
        valid = _years_later(valid, 10)
    add("legal_rep_id", last, valid_until=valid)
    multi = "multi_year" in defects
    if multi and len(fiscal) == 3:
        add("audit_report", last, layout="multi_year", years_covered=3, opinion="standard")
        add("tax_payment_certificate", fiscal[0])
        add("tax_payment_certificate", last, layout="table_multi", years_covered=2)
    for y in fiscal:
        if not multi:
            lay = _layout("audit_report", i, y, legacy)
            add("audit_report", y, opinion=("standard", "emphasis", "qualified")[(i + y) % 3],
                layout="cicpa2017" if lay == "multi_year" else lay)
        if not ("omit_bs_year" in defects and y == fiscal[1]):
            add("balance_sheet", y)
        add("income_statement", y)
        add("equity_statement", y)
        if not multi:
            if "foreign_tax" in defects and y == fiscal[-1]:
                add("tax_payment_certificate", y, company=company_for(seed * 1000 + 900 + i),
                    layout="table" if i % 2 else "letter")
            else:
                lay = _layout("tax_payment_certificate", i, y, legacy)
                add("tax_payment_certificate", y, layout="table" if lay == "table_multi" else lay)
        if i % 3 == 0:
            add("cash_flow_statement", y)
    add("sales_report", last)
    sched = date(app.year, app.month, 1) - timedelta(days=1)
    if sched.year < app.year:
        sched = app - timedelta(days=3)
    if "stale_schedule" in defects:
        sched = date(app.year - 1, 9, 30)
    add("loan_guarantee_schedule", last, as_of=sched)
    for t in ("articles_of_association", "officer_roster", "cash_flow_forecast"):
        add(t, last)
    add("board_resolution", last, amount=case["amount"])
    add("profit_distribution_resolution", last)
    if agent:
        add("power_of_attorney", last, agent=person(rng) if "poa_mismatch" in defects else agent)
    if term > 12:
        for t in LONG_TERM:
            add(t, last)
    if product == "project_finance":
        add("feasibility_study", last)
    other = company_for(seed * 1000 + 950 + i).name
    if product in ("bill_acceptance", "letter_of_credit"):
        add("trade_contract", last, role="buyer" if i % 2 else "seller", other=other)
    if product == "letter_of_credit":
        add("letter_of_credit", last, other=other)
        add("customs_document", last)
    expected = expected_statuses(co, case, docs)
    complete = all(s in ("ok", "not_required") for s in expected.values())
    return ClientCase(co.short, co, case, docs, expected, complete, list(defects))


def _own_code(doc: DocSpec) -> str | None:
    """The 18-character credit code a document prints as its own company's, if it prints one."""
    if doc.doc_type == "tax_payment_certificate":
        code = taxpayer_id(doc.company)
    elif doc.doc_type in ("business_licence", "application_form"):
        code = doc.company.credit_code
    else:
        return None
    return code if code and len(code) == 18 else None


def expected_statuses(co: SampleCompany, case: dict, docs: list[DocSpec]) -> dict[str, str]:
    as_of: date = case["application_date"]
    app_year = as_of.year
    legacy = isinstance(co, LegacyCompany)
    out = {}
    for item in CHECK_ITEMS:
        mine = [d for d in docs if d.doc_type == item and d.company.name == co.name]
        # Another company's document that prints its own 18-character credit code is never filed
        # (issue 10: it is routed to that client or set aside in _unsorted/), so it counts for nothing
        # here; one without such a code is filed and the checklist finds it is not the client's.
        foreign = [d for d in docs if d.doc_type == item and d.company.name != co.name and _own_code(d) is None]
        if not _required(item, co, case, legacy):
            out[item] = "not_required"
            continue
        problems = set()
        if foreign:
            problems.add("inconsistent")
        if item in FISCAL:
            required = set(range(max(app_year - FISCAL[item], co.established.year), app_year))
            if not required:
                out[item] = "not_required"
                continue
            covered = {y for d in mine for y in d.years}
            absent = required - covered
            if absent == required:
                problems.add("missing")
            elif absent:
                problems.add("incomplete")
        elif item == "annual_report":
            due_year = app_year - 1 if as_of > date(app_year, 6, 30) else app_year - 2
            if co.established.year > due_year:
                out[item] = "not_required"
                continue
            if not mine:
                problems.add("missing")
            elif max(y for d in mine for y in d.years) < due_year:
                problems.add("expired")
        elif item == "loan_guarantee_schedule":
            index = as_of.year * 12 + as_of.month - 1 - 2
            start = max(date(index // 12, index % 12 + 1, 1), date(as_of.year, 1, 1))
            if not mine:
                problems.add("missing")
            elif not any(start <= d.options["as_of"] <= as_of for d in mine):
                problems.add("expired")
        elif not mine:
            problems.add("missing")
        else:
            if item == "business_licence" and co.term_end is not None and co.term_end < as_of:
                problems.add("expired")
            if item == "legal_rep_id" and all(d.options.get("valid_until") and d.options["valid_until"] < as_of
                                              for d in mine):
                problems.add("expired")
            if item == "power_of_attorney" and all(d.options.get("agent") != case["agent"] for d in mine):
                problems.add("inconsistent")
        out[item] = next((s for s in ("missing", "expired", "inconsistent", "incomplete") if s in problems), "ok")
    return out


def _required(item: str, co: SampleCompany, case: dict, legacy: bool) -> bool:
    if item in ("org_code_certificate", "tax_registration"):
        return legacy
    if item == "board_resolution":
        kind = co.company_type
        return any(w in kind for w in LIMITED) and not any(w in kind for w in ("个人独资企业", "合伙企业", "个体工商户"))
    if item == "power_of_attorney":
        return bool(case["agent"]) and case["agent"] != co.legal_rep
    if item in LONG_TERM:
        return case["term_months"] > 12
    if item == "feasibility_study":
        return case["product"] == "project_finance"
    if item == "trade_contract":
        return case["product"] in ("bill_acceptance", "letter_of_credit")
    if item == "letter_of_credit":
        return case["product"] == "letter_of_credit"
    return True
