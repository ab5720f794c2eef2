"""Financial ratios (checks.finance) on hand-computed statements: values, sources, missing and in-review inputs."""

from __future__ import annotations

import pytest
from watch_support import doc, statements

from dossier.checks import finance
from dossier.rules import RATIO_NAMES

SERIES = finance.figures(statements(), review_below=0.6)
RATIOS = finance.ratios(SERIES)


@pytest.mark.parametrize("year, name, expected", [
    (2024, "debt_ratio", 630_000 / 1_000_000),
    (2023, "debt_ratio", 500_000 / 900_000),
    (2024, "current_ratio", 500_000 / 400_000),
    (2023, "current_ratio", 450_000 / 300_000),
    (2024, "quick_ratio", (500_000 - 150_000) / 400_000),
    (2023, "quick_ratio", (450_000 - 100_000) / 300_000),
    (2024, "revenue_growth", (800_000 - 1_000_000) / 1_000_000),
    (2024, "net_margin", 45_000 / 800_000),
    (2023, "net_margin", 80_000 / 1_000_000),
    (2024, "roe", 45_000 / ((370_000 + 400_000) / 2)),  # average equity when last year's closing is known
    (2023, "roe", 80_000 / 400_000),  # else closing equity
    (2024, "operating_cash_flow", -20_000),
    (2024, "interest_coverage", (58_000 + 10_000) / 10_000),
    (2023, "interest_coverage", (100_000 + 8_000) / 8_000),  # no 利息费用 row: 财务费用 stands in
])
def test_ratio_on_hand_computed_statements(year, name, expected):
    ratio = RATIOS[year][name]
    assert ratio.state == "ok"
    assert ratio.value == pytest.approx(expected, abs=1e-6)


def test_every_ratio_of_the_contract_is_computed_and_named():
    assert tuple(finance.RATIOS) == RATIO_NAMES
    assert set(RATIOS[2024]) == set(RATIO_NAMES)


@pytest.mark.parametrize("year, name, fields", [
    (2024, "debt_ratio", [("total_liabilities", "documents/资产负债表_2024.pdf", "负债合计"),
                          ("total_assets", "documents/资产负债表_2024.pdf", "资产总计")]),
    (2024, "revenue_growth", [("revenue", "documents/利润表_2024.pdf", "营业收入"),
                              ("revenue", "documents/利润表_2023.pdf", "营业收入")]),
    (2023, "interest_coverage", [("total_profit", "documents/利润表_2023.pdf", "利润总额"),
                                 ("finance_costs", "documents/利润表_2023.pdf", "财务费用")]),
])
def test_every_figure_names_its_document_and_row(year, name, fields):
    inputs = RATIOS[year][name].to_json()["inputs"]
    assert [(i["field"], i["path"], i["row"]) for i in inputs] == fields


@pytest.mark.parametrize("case, year, name, state", [
    ("no previous year", 2023, "revenue_growth", "missing"),
    ("no cash-flow statement", 2024, "operating_cash_flow", "missing"),
    ("inventory not read", 2024, "quick_ratio", "missing"),
    ("balance sheet in review", 2024, "debt_ratio", "review"),
    ("balance sheet in review feeds roe", 2024, "roe", "review"),
    ("income statement alone is fine", 2024, "net_margin", "ok"),
])
def test_missing_or_in_review_inputs_are_reported_as_such_never_as_zero(case, year, name, state):
    docs = statements(cf={2023: {"operating_cash_flow": -5_000}}, inventory_2024=None,
                      review_years=(2024,) if "review" in case else ())
    ratio = finance.ratios(finance.figures(docs, review_below=0.6))[year][name]
    assert ratio.state == state, case
    if state == "missing":
        assert ratio.value is None and ratio.note.startswith("缺少")
    if state == "review":
        assert ratio.note.startswith("待复核")


def test_a_settled_reading_counts_and_low_confidence_does_not():
    low = [doc("documents/资产负债表_2024.pdf", "balance_sheet", confidence=0.4, year=2024, total_assets=10,
               total_liabilities=8)]
    assert finance.ratios(finance.figures(low, 0.6))[2024]["debt_ratio"].state == "review"
    settled = [doc("documents/资产负债表_2024.pdf", "balance_sheet", confidence=0.4, confirmed_by="hegui", year=2024,
                   total_assets=10, total_liabilities=8)]
    ratio = finance.ratios(finance.figures(settled, 0.6))[2024]["debt_ratio"]
    assert (ratio.state, ratio.value) == ("ok", 0.8)


def test_zero_denominator_and_no_interest_are_not_applicable():
    docs = [doc("documents/资产负债表_2024.pdf", "balance_sheet", year=2024, current_assets=5, current_liabilities=0),
            doc("documents/利润表_2024.pdf", "income_statement", year=2024, total_profit=50, interest_expense=0,
                finance_costs=-3)]
    ratios = finance.ratios(finance.figures(docs, 0.6))[2024]
    assert ratios["current_ratio"].state == "not_applicable" and ratios["current_ratio"].value is None
    assert ratios["interest_coverage"].state == "not_applicable"


def test_the_surest_statement_of_a_year_wins_and_history_is_ignored():
    docs = [doc("documents/资产负债表_2024.pdf", "balance_sheet", year=2024, review=True, total_assets=10,
                total_liabilities=9),
            doc("documents/资产负债表_2024(1).pdf", "balance_sheet", year=2024, total_assets=10, total_liabilities=5),
            doc("documents/历史/资产负债表_2024_v1.pdf", "balance_sheet", year=2024, total_assets=10,
                total_liabilities=1)]
    ratio = finance.ratios(finance.figures(docs, 0.6))[2024]["debt_ratio"]
    assert (ratio.state, ratio.value, ratio.inputs[0].path) == ("ok", 0.5, "documents/资产负债表_2024(1).pdf")


@pytest.mark.parametrize("value, unit, shown", [
    (0.63, "percent", "63.0%"), (1.25, "times", "1.25 倍"), (-20000, "yuan", "-20,000.00 元"), (None, "times", "—"),
])
def test_values_as_people_read_them(value, unit, shown):
    assert finance.show_value(value, unit) == shown
