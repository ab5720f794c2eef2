"""Every document type's parameters, resolved once (writers and ``expected_fields`` share them), and the page writer."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from .base import (
    _GIVEN,
    _SURNAMES,
    DEMO_YEAR,
    SampleCompany,
    _cn_date,
    _code_rng,
    _id_card_terms,
    _rand_date,
    _years_later,
    make_company,
)
from .financials import _cash_flow_rows, make_financials
from .pdfs import _footer, _new_pdf, _table, _tax_rows, _text, _width, _wrap

# ---------------------------------------------------------------------------
# 11. Every document type: document_pdf() and the fields it should yield
# ---------------------------------------------------------------------------

#: The document types of rules/doctypes.toml (the public contract), in checklist order.
DOC_TYPES = (
    "application_form", "business_licence", "annual_report", "org_code_certificate", "legal_rep_id",
    "audit_report", "balance_sheet", "income_statement", "equity_statement", "cash_flow_statement",
    "sales_report", "loan_guarantee_schedule", "tax_registration", "tax_payment_certificate",
    "articles_of_association", "officer_roster", "board_resolution", "profit_distribution_resolution",
    "cash_flow_forecast", "power_of_attorney", "customs_document", "approval_document", "funding_plan",
    "projected_financials", "project_schedule", "feasibility_study", "trade_contract",
    "letter_of_credit", "other",
)
#: Guarantee products (application_form.product) and how application forms name them.
PRODUCTS = {
    "working_capital_loan": "流动资金贷款担保",
    "project_finance": "项目融资担保",
    "letter_of_credit": "信用证担保",
    "bill_acceptance": "票据承兑担保",
    "equipment_finance": "设备采购和更新融资担保",
}
#: Audit opinions (audit_report.opinion).
OPINIONS = ("standard", "qualified", "adverse", "disclaimer", "emphasis")

_PRODUCT_LINES = {
    "机械": [("液压泵", "台"), ("齿轮箱", "台"), ("液压阀组", "套")],
    "纺织": [("棉纱", "吨"), ("针织面料", "万米"), ("成衣", "万件")],
    "食品": [("速冻水饺", "吨"), ("调味酱", "吨"), ("休闲零食", "吨")],
    "电子": [("电源模块", "万只"), ("控制板", "万块"), ("传感器", "万只")],
    "包装": [("瓦楞纸箱", "万只"), ("塑料包装袋", "吨"), ("彩印盒", "万只")],
    "五金": [("扳手", "万把"), ("合页", "万副"), ("紧固件", "吨")],
    "建材": [("加气砌块", "万立方米"), ("干混砂浆", "吨"), ("保温板", "万平方米")],
    "家居": [("实木餐桌", "张"), ("板式衣柜", "套"), ("办公椅", "把")],
}
_FIRM_WORDS = ("明信", "正衡", "立诚", "中汇信", "求实", "瑞华信", "天恒", "致远")
_BANK_WORDS = ("明湖", "星河", "鼎泰", "瑞安", "汇通")
_CONSULT_WORDS = ("华策", "远见", "中咨信", "博思")


def _fen_to_yuan(fen: int) -> int | float:
    return fen // 100 if fen % 100 == 0 else fen / 100


def _person_name(rng: random.Random, avoid: str = "") -> str:
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
        if name != avoid:
            return name


def _counterparty(company: SampleCompany, purpose: str) -> SampleCompany:
    seed = _code_rng(company, f"counterparty:{purpose}").randrange(10**6)
    other = make_company(seed)
    return other if other.name != company.name else make_company(seed + 1)


def _products(company: SampleCompany) -> list[tuple[str, str]]:
    return _PRODUCT_LINES.get(company.short[-2:], [("主要产品", "件"), ("配套产品", "件")])


def _project(company: SampleCompany) -> SimpleNamespace:
    rng = _code_rng(company, "project")
    product, unit = _products(company)[0]
    qty = rng.choice((2, 3, 5, 8, 10, 20))
    invest = rng.choice((30, 50, 80, 120, 150, 200)) * 100 * 10_000  # yuan
    return SimpleNamespace(
        name=f"年产{qty}万{unit}{product}技术改造项目", invest=invest,
        code=f"{rng.randrange(2024, 2026)}-{company.division}-{rng.randrange(10, 40)}-03-{rng.randrange(10**5, 10**6)}",
        site=company.address, start=date(DEMO_YEAR + 1, rng.randrange(1, 7), 1),
        authority=f"{company.region.city}{company.region.district}发展和改革局")


class _Writer:
    """A text PDF written top to bottom with automatic page breaks."""

    def __init__(self, path: Path, title: str, landscape: bool = False):
        self.path = path
        self.c = _new_pdf(path, title, landscape)
        self.w, self.h = self.c._pagesize
        self.y = self.h - 55
        self.page = 1

    def ensure(self, need: float) -> None:
        if self.y - need < 45:
            self.new_page()

    def new_page(self) -> None:
        _footer(self.c, f"第{self.page}页")
        self.c.showPage()
        self.page += 1
        self.y = self.h - 55

    def title(self, text: str, size: float = 20, gap: float = 14) -> None:
        self.ensure(size + gap)
        _text(self.c, self.w / 2, self.y - size, text, size, "c")
        self.y -= size + gap

    def line(self, text: str, size: float = 10.5, x: float = 50, right: str = "") -> None:
        for piece in _wrap(text, self.w - x - 50 - (_width(right, size) + 20 if right else 0), size):
            self.ensure(size + 8)
            _text(self.c, x, self.y - size, piece, size)
            if right:
                _text(self.c, self.w - 50, self.y - size, right, size, "r")
                right = ""
            self.y -= size + 7

    def para(self, text: str, size: float = 10.5) -> None:
        self.line("　　" + text, size)

    def gap(self, dy: float = 8) -> None:
        self.y -= dy

    def table(self, widths: list[float], rows: list[list[str]], row_h: float = 18, size: float = 8.5,
              aligns: str | None = None) -> None:
        while rows:
            fit = max(1, int((self.y - 45) // row_h))
            if fit < min(3, len(rows)):
                self.new_page()
                continue
            chunk, rows = rows[:fit], rows[fit:]
            self.y = _table(self.c, 50, self.y, widths, chunk, row_h, size, aligns) - 10
            if rows:
                self.new_page()

    def finish(self) -> Path:
        if self.page == 1:
            _footer(self.c)
        else:
            _footer(self.c, f"第{self.page}页")
        self.c.showPage()
        self.c.save()
        return self.path


def _signature(wr: _Writer, company: SampleCompany, signed: date, who: str = "法定代表人（签字）：") -> None:
    wr.gap(20)
    wr.line(f"{company.name}（盖章）", x=320)
    if who:
        wr.line(who, x=320)
    wr.line(_cn_date(signed), x=320)


# --- facts: every document's parameters, resolved once (writers and TRUTH share them) -----


def _facts(doc_type: str, company: SampleCompany, year: int, kw: dict) -> dict:
    """Resolve the parameters of one document from ``kw`` and seeded defaults."""
    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown doc_type {doc_type!r}")
    rng = _code_rng(company, f"doc:{doc_type}:{year}")
    f: dict = {"year": year}
    if doc_type == "application_form":
        f["amount"] = kw.get("amount", rng.choice((100, 200, 300, 500, 800, 1000)) * 10_000)
        f["term_months"] = kw.get("term_months", rng.choice((12, 24, 36)))
        f["product"] = kw.get("product", "working_capital_loan")
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(1, 13), rng.randrange(1, 29)))
        agent = _person_name(rng, avoid=company.legal_rep)
        f["agent"] = kw.get("agent", agent if rng.random() < 0.5 else None)
        f["attachments"] = kw.get("attachments", True)
    elif doc_type == "org_code_certificate":
        f["issued"] = kw.get("issued", _rand_date(rng, date(2011, 1, 1), date(2014, 12, 31)))
    elif doc_type == "audit_report":
        f["opinion"] = kw.get("opinion", "standard")
        f["firm"] = kw.get("firm", f"{company.region.city_short}{rng.choice(_FIRM_WORDS)}会计师事务所（特殊普通合伙）")
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(2, 5), rng.randrange(1, 29)))
    elif doc_type == "loan_guarantee_schedule":
        f["as_of"] = kw.get("as_of", date(year + 1, rng.choice((3, 6, 9)), 30))
    elif doc_type == "tax_registration":
        f["new_style"] = kw.get("new_style", False)
        f["issued"] = kw.get("issued", _rand_date(rng, date(2010, 1, 1), date(2015, 6, 30)))
    elif doc_type in ("board_resolution", "profit_distribution_resolution", "power_of_attorney"):
        f["date"] = kw.get("date", date(year + 1, rng.randrange(3, 10), rng.randrange(1, 29)))
        f["agent"] = kw.get("agent", _person_name(rng, avoid=company.legal_rep))
        f["amount"] = kw.get("amount", rng.choice((200, 300, 500, 800)) * 10_000)
    elif doc_type in ("trade_contract", "letter_of_credit"):
        f["role"] = kw.get("role", "seller" if doc_type == "trade_contract" else "buyer")
        f["other"] = _counterparty(company, doc_type)
        items = []
        for product, unit in _products(company)[:2]:
            qty = rng.randrange(2, 60) * 10
            price_fen = rng.randrange(200, 20_000) * 100 + rng.choice((0, 0, 50))
            items.append((product, unit, qty, price_fen))
        f["items"] = kw.get("items", items)
        f["amount_fen"] = sum(q * p for _, _, q, p in f["items"])
        f["signed"] = kw.get("signed", date(year + 1, rng.randrange(1, 10), rng.randrange(1, 29)))
    unknown = set(kw) - set(f)
    if unknown:
        raise TypeError(f"document_pdf({doc_type!r}) got unexpected keyword(s): {sorted(unknown)}")
    return f


def expected_fields(doc_type: str, company: SampleCompany, year: int = DEMO_YEAR, **kw) -> dict:
    """TRUTH (see ``_expected_fields``), with ``years``, the fiscal years covered, beside every ``year``."""
    fields = _expected_fields(doc_type, company, year, **kw)
    if "year" in fields:
        fields["years"] = [fields["year"]] if fields["year"] is not None else []
    return fields


def _expected_fields(doc_type: str, company: SampleCompany, year: int = DEMO_YEAR, **kw) -> dict:
    """TRUTH: the exact fields ``document_pdf(doc_type, company, path, year, **kw)`` should yield.

    Keys and value types follow the public contract (see dossier.fields): ISO dates,
    amounts in yuan (int when whole), ``None`` for a missing value or a 长期 end date.
    """
    f = _facts(doc_type, company, year, kw)
    co = company
    fin = make_financials(co, year) if doc_type in ("balance_sheet", "income_statement") else None
    if doc_type == "application_form":
        return {"company_name": co.name, "credit_code": co.credit_code, "product": f["product"],
                "amount": f["amount"], "term_months": f["term_months"],
                "application_date": f["signed"].isoformat(), "agent": f["agent"]}
    if doc_type == "business_licence":
        return {"credit_code": co.credit_code, "company_name": co.name, "company_type": co.company_type,
                "legal_rep": co.legal_rep, "registered_capital": co.registered_capital,
                "established": co.established.isoformat(),
                "term_end": co.term_end.isoformat() if co.term_end else None, "address": co.address}
    if doc_type == "annual_report":
        return {"credit_code": co.credit_code, "year": year}
    if doc_type == "org_code_certificate":
        return {"org_code": f"{co.credit_code[8:16]}-{co.credit_code[16]}", "company_name": co.name,
                "valid_until": (_years_later(f["issued"], 4) - timedelta(days=1)).isoformat()}
    if doc_type == "legal_rep_id":
        valid = _id_card_terms(co)[1].split("-")[1]
        return {"name": co.legal_rep, "id_number": co.legal_rep_id,
                "valid_until": None if valid == "长期" else valid.replace(".", "-")}
    if doc_type == "audit_report":
        return {"company_name": co.name, "year": year, "audit_firm": f["firm"], "opinion": f["opinion"]}
    if doc_type == "balance_sheet":
        y = lambda label: _fen_to_yuan(fin.value(label))  # noqa: E731
        return {"company_name": co.name, "year": year, "total_assets": y("资产总计"),
                "total_liabilities": y("负债合计"), "total_equity": y("所有者权益合计"),
                "total_liabilities_and_equity": y("负债和所有者权益总计"),
                "current_assets": y("流动资产合计"), "current_liabilities": y("流动负债合计"),
                "inventory": _fen_to_yuan(fin.inventory)}
    if doc_type == "income_statement":
        return {"company_name": co.name, "year": year, "revenue": _fen_to_yuan(fin.revenue),
                "operating_profit": _fen_to_yuan(fin.operating_profit), "net_profit": _fen_to_yuan(fin.net_profit),
                "finance_costs": _fen_to_yuan(fin.finance_costs),
                "interest_expense": _fen_to_yuan(fin.interest_expense),
                "total_profit": _fen_to_yuan(fin.total_profit)}
    if doc_type == "cash_flow_statement":
        rows = {label: cur for label, cur, _ in _cash_flow_rows(co, year)}
        return {"company_name": co.name, "year": year,
                "operating_cash_flow": _fen_to_yuan(rows["经营活动产生的现金流量净额"])}
    if doc_type in ("equity_statement", "sales_report", "profit_distribution_resolution"):
        return {"company_name": co.name, "year": year}
    if doc_type == "loan_guarantee_schedule":
        return {"company_name": co.name, "as_of": f["as_of"].isoformat()}
    if doc_type == "tax_registration":
        taxpayer = co.credit_code if f["new_style"] else co.division + co.credit_code[8:17]
        return {"taxpayer_id": taxpayer, "company_name": co.name}
    if doc_type == "tax_payment_certificate":
        rng = _code_rng(co, f"tax-cert:{year}")
        rng.randrange(10**6, 10**7)
        issued = date(year + 1, 1, 1) + timedelta(days=rng.randrange(10, 80))
        total = sum(fen for _, _, fen in _tax_rows(co, year))
        return {"credit_code": co.credit_code, "company_name": co.name, "year": year,
                "amount": _fen_to_yuan(total), "issued": issued.isoformat()}
    if doc_type == "board_resolution":
        return {"company_name": co.name, "date": f["date"].isoformat()}
    if doc_type == "power_of_attorney":
        return {"company_name": co.name, "agent": f["agent"]}
    if doc_type in ("trade_contract", "letter_of_credit"):
        ours, theirs = co.name, f["other"].name
        client_sells = f["role"] == "seller"
        seller, buyer = (ours, theirs) if client_sells else (theirs, ours)
        amount = _fen_to_yuan(f["amount_fen"])
        if doc_type == "trade_contract":
            return {"seller": seller, "buyer": buyer, "amount": amount}
        return {"applicant": buyer, "beneficiary": seller, "amount": amount}
    if doc_type == "other":
        return {}
    return {"company_name": co.name}


TRUTH = expected_fields
