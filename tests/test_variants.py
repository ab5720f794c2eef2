"""The layout-variant corpus (dossier_factory.variants): deterministic, ≥3 layouts per type, every
render's text layer carries its truth, and the clients' expected statuses hang together.

The text layer is read with pypdfium2 directly (not with dossier.reading): the corpus is checked
independently of the extractor it measures."""

from __future__ import annotations

import re
from datetime import date

import pytest

pytest.importorskip("reportlab")
pdfium = pytest.importorskip("pypdfium2")

from dossier_factory import variants as v  # noqa: E402
from dossier_factory.base import _rmb_upper  # noqa: E402
from dossier_factory.variants.clients import CHECK_ITEMS, company_for  # noqa: E402
from dossier_factory.variants.letters import PRODUCT_ZH  # noqa: E402
from dossier_factory.variants.paper import cn_num_small, fmt_date  # noqa: E402

DOC_TYPES = (
    "application_form", "business_licence", "annual_report", "org_code_certificate", "legal_rep_id", "audit_report",
    "balance_sheet", "income_statement", "equity_statement", "cash_flow_statement", "sales_report",
    "loan_guarantee_schedule", "tax_registration", "tax_payment_certificate", "articles_of_association",
    "officer_roster", "board_resolution", "profit_distribution_resolution", "cash_flow_forecast", "customs_document",
    "approval_document", "funding_plan", "projected_financials", "project_schedule", "feasibility_study",
    "power_of_attorney", "trade_contract", "letter_of_credit",
)
STATUSES = {"ok", "missing", "incomplete", "expired", "inconsistent", "review", "not_required"}
YEAR_TYPES = {"annual_report", "audit_report", "balance_sheet", "income_statement", "equity_statement",
              "cash_flow_statement", "sales_report", "tax_payment_certificate", "profit_distribution_resolution"}
PAIRS = [(t, lay) for t, lays in v.LAYOUTS.items() for lay in lays]
CLIENTS = v.make_clients(12, seed=0)
_NORMAL = company_for(11)
_LEGACY = company_for(12, "legacy")


def _company(doc_type, layout):
    return _LEGACY if (doc_type, layout) in v.LEGACY_ONLY else _NORMAL


def _text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = "".join(page.get_textpage().get_text_bounded() for page in pdf)
    finally:
        pdf.close()
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def _forms(name: str, value) -> list[str]:
    """The ways a truth value may be printed."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        d = date.fromisoformat(value)
        month_end = f"{d.year}年{d.month}月末"  # 存借款情况（2025年9月末）
        return [fmt_date(d, s) for s in ("cn", "cn1", "dot", "dash", "slash", "upper", "compact")] + [month_end]
    if name == "product":
        return [PRODUCT_ZH[value], PRODUCT_ZH[value].removesuffix("担保")]
    if name == "term_months":
        return [f"{value}个月", f"{cn_num_small(value)}个月", f"{cn_num_small(value // 12)}年", str(value)]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name != "year":
        fen = round(value * 100)
        yuan_s = f"{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
        wan = f"{abs(value) / 10_000:,.2f}"
        return [yuan_s, wan, f"{abs(value) / 10_000:g}", f"{int(abs(value)):,}", _rmb_upper(abs(fen))]
    return [str(value)]


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_has_three_layouts(doc_type):
    assert len(v.LAYOUTS[doc_type]) >= 3


def test_the_layout_table_names_only_contract_types():
    assert set(v.LAYOUTS) == set(DOC_TYPES)


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_same_seed_same_bytes(doc_type, tmp_path):
    layout = v.LAYOUTS[doc_type][-1]
    co = _company(doc_type, layout)
    a = v.render(doc_type, layout, co, tmp_path / "a.pdf", year=2024, rng_seed=3)
    b = v.render(doc_type, layout, co, tmp_path / "b.pdf", year=2024, rng_seed=3)
    assert a == b
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


@pytest.mark.parametrize("doc_type,layout", PAIRS, ids=[f"{t}-{lay}" for t, lay in PAIRS])
def test_text_layer_carries_the_truth(doc_type, layout, tmp_path):
    co = _company(doc_type, layout)
    truth = v.render(doc_type, layout, co, tmp_path / "doc.pdf", year=2024)
    text = _text(tmp_path / "doc.pdf")
    assert "合成样例" in text
    names = [truth[k] for k in ("company_name", "seller", "applicant", "name") if k in truth] or [co.name]
    assert all(n in text for n in names), (names, text[:300])
    for name, value in truth.items():
        if value is None or name in ("years", "opinion"):
            continue
        assert any(f.replace(" ", "") in text for f in _forms(name, value)), (name, value, _forms(name, value))


@pytest.mark.parametrize("doc_type,layout", PAIRS, ids=[f"{t}-{lay}" for t, lay in PAIRS])
def test_truth_values_have_the_contract_types(doc_type, layout, tmp_path):
    truth = v.render(doc_type, layout, _company(doc_type, layout), tmp_path / "doc.pdf", year=2024)
    for name, value in truth.items():
        if name in ("established", "term_end", "valid_until", "application_date", "issued", "as_of", "date"):
            assert value is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (name, value)
        elif name in ("year", "term_months"):
            assert isinstance(value, int)
        elif name == "interest_expense" and value is None:
            assert layout == "old_sunyi"  # the old 损益表 has no 利息费用 row
        elif name in ("amount", "registered_capital", "revenue", "net_profit", "operating_profit",
                      "operating_cash_flow", "inventory", "finance_costs", "interest_expense") \
                or name.startswith(("total_", "current_")):
            assert isinstance(value, (int, float)) and not isinstance(value, bool)
            assert isinstance(value, int) or value != int(value), (name, value)  # int when whole
    if doc_type in YEAR_TYPES:
        assert truth["years"] == sorted(truth["years"]) and truth["year"] == truth["years"][-1]
    else:
        assert "years" not in truth


def test_multi_year_documents_say_so(tmp_path):
    co = _NORMAL
    assert v.render("audit_report", "multi_year", co, tmp_path / "a.pdf", year=2025, years_covered=3)["years"] == \
        [2023, 2024, 2025]
    assert v.render("sales_report", "three_years", co, tmp_path / "s.pdf", year=2025)["years"] == [2023, 2024, 2025]
    tax = v.render("tax_payment_certificate", "table_multi", co, tmp_path / "t.pdf", year=2025)
    assert tax["years"] == [2024, 2025] and tax["issued"] > "2026"


def test_wan_statements_are_converted_to_yuan(tmp_path):
    t = v.render("balance_sheet", "audit_wan", _NORMAL, tmp_path / "b.pdf", year=2024)
    assert t["total_assets"] % 100 == 0  # 0.01 万元 = 100 元
    assert "单位：人民币万元" in _text(tmp_path / "b.pdf")


@pytest.mark.parametrize("client", CLIENTS, ids=[c.folder for c in CLIENTS])
def test_client_expectations_hang_together(client):
    assert set(client.expected) == set(CHECK_ITEMS)
    assert set(client.expected.values()) <= STATUSES
    assert client.complete == all(s in ("ok", "not_required") for s in client.expected.values())
    if client.complete:
        assert "missing" not in client.expected.values()
        assert not client.defects or client.defects == ["multi_year"]
    else:
        assert client.defects
    present = {d.doc_type for d in client.docs if d.company.name == client.company.name}
    for item, status in client.expected.items():
        if status in ("ok", "incomplete", "expired"):
            assert item in present, (item, status)
        if status == "missing":
            assert item not in present or item in ("annual_report",), (item, status)
    assert client.docs[0].doc_type == "application_form"
    assert client.docs[0].options["application_date"] == client.as_of


def test_clients_mix_complete_and_defective_and_scans():
    assert sum(c.complete for c in CLIENTS) >= 4
    assert sum(not c.complete for c in CLIENTS) >= 4
    docs = [d for c in CLIENTS for d in c.docs]
    assert 0.2 <= sum(d.scanned for d in docs) / len(docs) <= 0.45
    assert {c.expected[i] for c in CLIENTS for i in CHECK_ITEMS} >= {"ok", "missing", "incomplete", "expired",
                                                                    "inconsistent", "not_required"}


def test_make_clients_is_deterministic():
    a, b = v.make_clients(4, seed=5), v.make_clients(4, seed=5)
    assert [(c.folder, c.expected, [(d.doc_type, d.layout, d.year, d.medium) for d in c.docs]) for c in a] == \
        [(c.folder, c.expected, [(d.doc_type, d.layout, d.year, d.medium) for d in c.docs]) for c in b]


@pytest.mark.parametrize("index", [0, 2])
def test_a_client_drop_renders(index, tmp_path):
    client = CLIENTS[index]
    for n, d in enumerate(client.docs):
        truth = v.render(d.doc_type, d.layout, d.company, tmp_path / f"{n:02d}.pdf", year=d.year, **d.options)
        if "years" in truth:
            assert tuple(truth["years"]) == d.years


@pytest.mark.parametrize("layout", v.LAYOUTS["income_statement"])
def test_income_truth_rows_hang_together(layout, tmp_path):
    """利润总额 less 所得税 is 净利润 (tax a quarter of a profit), 利息费用 is part of 财务费用."""
    t = v.render("income_statement", layout, _company("income_statement", layout), tmp_path / "is.pdf", year=2024)
    assert t["net_profit"] <= t["total_profit"] if t["total_profit"] > 0 else t["net_profit"] == t["total_profit"]
    assert t["total_profit"] - t["net_profit"] <= max(t["total_profit"], 0) / 4 + 100  # 0.01 万元 of rounding
    if layout == "old_sunyi":
        assert t["interest_expense"] is None and t["finance_costs"] > 0
    else:
        assert 0 < t["interest_expense"] <= t["finance_costs"]
