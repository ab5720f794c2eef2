"""Golden cases of the one grammar for figures, amounts, dates, periods and years (reading/grammar.py),
including what must not parse.  One case per parameter set, each named by its id."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dossier.reading import values
from dossier.reading.grammar import (
    amounts,
    parse_amount,
    parse_amounts,
    parse_date,
    parse_dates,
    parse_figure,
    parse_period,
    parse_year,
    period_years,
)

D = Decimal


def case(id_: str, *values_):
    return pytest.param(*values_, id=id_)


# ---------------------------------------------------------------------------
# Amounts: (capital, figure) of each amount written, in order
# ---------------------------------------------------------------------------

AMOUNTS = [
    case("rmb-wan", "人民币1000万元", [(None, D(10_000_000))]),
    case("label-rmb-wan", "申请担保金额：人民币1000万元", [(None, D(10_000_000))]),
    case("rmb-spaced-wan", "人民币 1,000 万元", [(None, D(10_000_000))]),
    case("yen", "¥10,000,000.00", [(None, D(10_000_000))]),
    case("fullwidth-yen-yuan", "￥10,000,000.00元", [(None, D(10_000_000))]),
    case("rmb-code", "RMB 10,000,000.00", [(None, D(10_000_000))]),
    case("cny-code", "CNY 1,230,000.00", [(None, D(1_230_000))]),
    case("capital-zheng", "壹仟万元整", [(D(10_000_000), None)]),
    case("capital-then-figure-in-parens", "人民币壹仟万元整（¥10,000,000.00）", [(D(10_000_000), D(10_000_000))]),
    case("capital-then-bare-figure-in-parens", "人民币壹仟万元整（10,000,000.00）", [(D(10_000_000), D(10_000_000))]),
    case("figure-then-capital", "¥3,000,000.00元（大写：人民币叁佰万元整）", [(D(3_000_000), D(3_000_000))]),
    case("daxie-xiaoxie", "大写：人民币壹仟万元整 小写：¥10,000,000.00", [(D(10_000_000), D(10_000_000))]),
    case("daxie-xiaoxie-labels", "金额(大写)：伍佰万元整；(小写)：5,000,000.00", [(D(5_000_000), D(5_000_000))]),
    case("daxie-xiaoxie-mismatch", "大写：伍佰万元整 小写：¥5,500,000.00", [(D(5_000_000), D(5_500_000))]),
    case("accounting-negative", "(1,234.50)", [(None, D("-1234.50"))]),
    case("fullwidth-parens-negative", "（1,234.50）", [(None, D("-1234.50"))]),
    case("minus", "-1,234.50", [(None, D("-1234.50"))]),
    case("fullwidth-minus", "－1,234.50", [(None, D("-1234.50"))]),
    case("yi", "1.2亿元", [(None, D(120_000_000))]),
    case("wan-decimal", "1,234.5万元", [(None, D(12_345_000))]),
    case("wan-cents", "3000.00万元", [(None, D(30_000_000))]),
    case("qianwan", "3千万元", [(None, D(30_000_000))]),
    case("capital-ling", "伍拾万零叁佰元整", [(D(500_300), None)]),
    case("capital-jiao-fen", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分", [(D("123456.78"), None)]),
    case("capital-jiao-only", "伍角", [(D("0.5"), None)]),
    case("capital-yi-wan", "壹亿贰仟万元", [(D(120_000_000), None)]),
    case("capital-wan-no-yuan", "壹仟万", [(D(10_000_000), None)]),
    case("capital-lowercase", "两万元", [(D(20_000), None)]),
    case("capital-zero", "零元整", [(D(0), None)]),
    case("fullwidth-comma-group", "人民币１，０００，０００元", [(None, D(1_000_000))]),
    case("ocr-spaced-groups", "1 000 000.00元", [(None, D(1_000_000))]),
    case("yen-zero", "¥0.00", [(None, D(0))]),
    case("two-separate-values", "担保金额：人民币1000万元，反担保金额：伍佰万元",
         [(None, D(10_000_000)), (D(5_000_000), None)]),
    case("after-a-period", "2025年1-12月营业收入1,234.50万元", [(None, D(12_345_000))]),
    # What must not be read as an amount.
    case("unit-alone-not-capital", "人民币万元", []),
    case("bare-integer", "1000", []),
    case("term", "期限12个月", []),
    case("percentage", "利率4.35%", []),
    case("date", "2025年12月31日", []),
    case("dotted-date", "2025.12.31", []),
    case("period", "2025-01-01至2025-12-31", []),
    case("phone", "0571-88888888", []),
    case("credit-code", "91330106421197622W", []),
    case("malformed-grouping", "1,0000元", []),
    case("comma-list", "1,2,3", []),
    case("version", "v1.2.3", []),
    case("capital-bad-section", "壹佰伍元", []),
    case("capital-digit-run", "伍伍元", []),
    case("yuan-zheng-alone", "元整", []),
    case("plain-numerals-no-yuan", "五百万", []),
    case("year-numerals", "二〇二五年十二月", []),
    case("stray-zero-beside-capital", "人民币壹仟万元整 0", [(D(10_000_000), None)]),
]


@pytest.mark.parametrize("text, expected", AMOUNTS)
def test_parse_amounts(text, expected):
    assert [(a.capital, a.figure) for a in parse_amounts(text)] == expected


@pytest.mark.parametrize("text, expected", [
    case("figure-only", "申请担保金额：人民币1000万元", [(D(10_000_000), "arabic")]),
    case("capital-and-figure", "人民币壹仟万元整（¥10,000,000.00）", [(D(10_000_000), "capital"), (D(10_000_000), "arabic")]),
    case("figure-and-capital", "¥3,000,000.00元（大写：人民币叁佰万元整）", [(D(3_000_000), "arabic"), (D(3_000_000), "capital")]),
    case("no-capital-from-unit", "1000万元整", [(D(10_000_000), "arabic")]),
    case("none", "无", []),
])
def test_amounts_keep_their_old_shape(text, expected):
    """(position, value, kind) in order, as fields.py's _amount_checked reads them."""
    got = amounts(text)
    assert [(v, k) for _, v, k in got] == expected
    assert [p for p, _, _ in got] == sorted(p for p, _, _ in got)


@pytest.mark.parametrize("text, agrees", [
    case("one-form", "人民币1000万元", None),
    case("agree", "人民币壹仟万元整（¥10,000,000.00）", True),
    case("disagree", "大写：伍佰万元整 小写：¥5,500,000.00", False),
])
def test_amount_forms_compared_only_when_both_written(text, agrees):
    (amount,) = parse_amounts(text)
    assert amount.agrees is agrees
    assert amount.value == (amount.capital if amount.capital is not None else amount.figure)


@pytest.mark.parametrize("text, value", [
    case("wan-int", "人民币1000万元", 10_000_000),
    case("cents-float", "1,234,567.89", 1234567.89),
    case("yi-int", "1.2亿元", 120_000_000),
    case("none", "12个月", None),
])
def test_parse_amount_in_yuan(text, value):
    got = parse_amount(text)
    assert got == value and type(got) is type(value)


# ---------------------------------------------------------------------------
# Statement cells
# ---------------------------------------------------------------------------

FIGURES = [
    case("grouped", "1,234.50", D("1234.50")),
    case("parens", "(1,234.50)", D("-1234.50")),
    case("fullwidth-parens", "（1,234.50）", D("-1234.50")),
    case("minus", "-1,234.50", D("-1234.50")),
    case("fullwidth-minus", "－1,234.50", D("-1234.50")),
    case("minus-space", "- 1,234.50", D("-1234.50")),
    case("yen", "¥1,234.50", D("1234.50")),
    case("yen-minus", "¥ -1,234.50", D("-1234.50")),
    case("fullwidth-digits", "１，２３４．５０", D("1234.50")),
    case("zero", "0.00", D("0.00")),
    case("integer", "1234", D(1234)),
    case("row-number", "12", D(12)),
    case("millions", "1,234,567", D(1234567)),
    case("ocr-space-group", "1 234.50", D("1234.50")),
    case("padded", "  1,234.50 ", D("1234.50")),
    case("dash", "-", None),
    case("double-dash", "--", None),
    case("em-dash", "—", None),
    case("double-em-dash", "——", None),
    case("fullwidth-dash", "－", None),
    case("slash", "/", None),
    case("empty", "", False),
    case("blank", "   ", False),
    case("none", None, False),
    case("label", "营业收入", False),
    case("trailing-minus", "1,234.50-", False),
    case("percentage", "12.5%", False),
    case("date", "2025-12-31", False),
    case("date-cn", "2025年12月31日", False),
    case("bad-grouping", "1,2345.00", False),
    case("short-group", "12,34", False),
    case("inconsistent-spaces", "12 34", False),
    case("unclosed-paren", "(1,234.50", False),
    case("double-negative", "(-1)", False),
    case("dangling-point", "1.", False),
    case("leading-point", ".5", False),
    case("with-unit", "1.2万", False),
]


@pytest.mark.parametrize("cell, expected", FIGURES)
def test_parse_figure(cell, expected):
    got = parse_figure(cell)
    assert got == expected and type(got) is type(expected)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

DEC31 = date(2025, 12, 31)

DATES = [
    case("cn-full", "2025年12月31日", False, [DEC31]),
    case("cn-no-ri", "2025年12月31", False, [DEC31]),
    case("dots", "2025.12.31", False, [DEC31]),
    case("hyphens", "2025-12-31", False, [DEC31]),
    case("slashes", "2025/12/31", False, [DEC31]),
    case("spaced", "2025 年 12 月 31 日", False, [DEC31]),
    case("single-digits", "2025-1-5", False, [date(2025, 1, 5)]),
    case("fullwidth", "２０２５年１２月３１日", False, [DEC31]),
    case("compact-asked", "20251231", True, [DEC31]),
    case("compact-not-asked", "20251231", False, []),
    case("numerals-ling-circle", "二〇二五年十二月三十一日", False, [DEC31]),
    case("numerals-ling", "二零二五年十二月三十一日", False, [DEC31]),
    case("leap-day", "2024年2月29日", False, [date(2024, 2, 29)]),
    case("two-dates", "成立日期：2015年06月18日 营业期限：2015年06月18日至长期", False,
         [date(2015, 6, 18), date(2015, 6, 18)]),
    case("invalid-day", "2025-02-30", False, []),
    case("not-leap", "2025年2月29日", False, []),
    case("invalid-month-numerals", "二〇二五年二十月一日", False, []),
    case("mixed-separators", "2025.12-31", False, []),
    case("mixed-nian-hyphen", "2025年12-31", False, []),
    case("five-digit-year", "12025-12-31", False, []),
    case("three-digit-day", "2025-12-311", False, []),
    case("fiscal-year-not-a-date", "2025年度", False, []),
    case("month-range-not-a-date", "2025年1-12月", False, []),
    case("month-range-zhi-not-a-date", "2025年1月至12月", False, []),
]


@pytest.mark.parametrize("text, compact_digits, expected", DATES)
def test_parse_dates(text, compact_digits, expected):
    assert parse_dates(text, compact_digits=compact_digits) == expected


@pytest.mark.parametrize("text, iso", [
    case("compact-by-default", "20251231", "2025-12-31"),
    case("first", "签发日期：2025年3月1日，有效期至2026年3月1日", "2025-03-01"),
    case("none", "日期：", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


# ---------------------------------------------------------------------------
# Periods and the years they cover
# ---------------------------------------------------------------------------

YEAR_2025 = (date(2025, 1, 1), DEC31)

PERIODS = [
    case("hyphen-dates-zhi", "2025-01-01至2025-12-31", [YEAR_2025]),
    case("dotted-dates-dash", "2025.01.01-2025.12.31", [YEAR_2025]),
    case("cn-dates-spaced-zhi", "2025年01月01日 至 2025年12月31日", [YEAR_2025]),
    case("qi-zhi-zhi", "自2025年1月1日起至2025年12月31日止", [YEAR_2025]),
    case("end-without-year", "2025年1月1日至12月31日", [YEAR_2025]),
    case("tilde", "2025-01-01～2025-06-30", [(date(2025, 1, 1), date(2025, 6, 30))]),
    case("months-dash", "2025年1-12月", [YEAR_2025]),
    case("months-zhi", "2025年1月至12月", [YEAR_2025]),
    case("half-year", "2025年1月-6月", [(date(2025, 1, 1), date(2025, 6, 30))]),
    case("months-across-years", "2024年12月-2025年11月", [(date(2024, 12, 1), date(2025, 11, 30))]),
    case("fiscal-year", "2025年度", [YEAR_2025]),
    case("fiscal-year-numerals", "二〇二五年度", [YEAR_2025]),
    case("year-range", "2023-2025年", [(date(2023, 1, 1), DEC31)]),
    case("fiscal-years-listed", "2023年度、2024年度、2025年度",
         [(date(2023, 1, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31)), YEAR_2025]),
    case("backwards", "2025-12-31至2025-01-01", []),
    case("invalid-end", "2025-01-01至2025-02-30", []),
    case("bad-months", "2025年13-14月", []),
    case("a-date-alone", "2025年12月31日", []),
    case("compact-not-asked", "20250101-20251231", []),
]


@pytest.mark.parametrize("text, expected", PERIODS)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


def test_parse_period_compact_digits_when_asked():
    assert parse_period("20250101-20251231", compact_digits=True) == [YEAR_2025]


@pytest.mark.parametrize("text, years", [
    case("full-year-period", "2025-01-01至2025-12-31", [2025]),
    case("fiscal-years-listed", "2023年度、2024年度、2025年度", [2023, 2024, 2025]),
    case("bare-years-then-niandu", "2023、2024、2025年度", [2023, 2024, 2025]),
    case("year-range", "2023-2025年", [2023, 2024, 2025]),
    case("year-range-zhi", "2023年至2025年", [2023, 2024, 2025]),
    case("months", "2025年1-12月", [2025]),
    case("interim", "2025年1月-6月", [2025]),
    case("off-by-one-day", "2024-12-31至2025-12-31", [2025]),
    case("repeated-year-once", "2025年度（2025-01-01至2025-12-31）", [2025]),
    case("a-date-is-no-period", "2025年12月31日", []),
    case("range-into-a-month", "2020-2025年12月", []),
])
def test_period_years(text, years):
    assert period_years(text) == years


@pytest.mark.parametrize("text, year", [
    case("period", "2025-01-01至2025-12-31", 2025),
    case("labelled-period", "税款所属时期：2025年01月01日至2025年12月31日", 2025),
    case("date", "2025年12月31日", 2025),
    case("fiscal", "2025年度", 2025),
    case("fiscal-numerals", "二〇二五年度", 2025),
    case("fiscal-before-issue-date", "2024年度 报告日期：2025年3月1日", 2024),
    case("issue-date-before-fiscal", "报告日期：2025年3月1日 2024年度", 2025),
    case("months", "2025年1-12月", 2025),
    case("bare-year", "2025", 2025),
    case("year-range-first", "2023-2025年", 2023),
    case("numerals-year", "二〇二五年", 2025),
    case("five-digits", "20251", None),
    case("no-year", "长期", None),
])
def test_parse_year(text, year):
    assert parse_year(text) == year


# ---------------------------------------------------------------------------
# values.py keeps the public names its callers import
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amounts", "parse_amount", "parse_amounts", "parse_figure", "parse_dates", "parse_date",
                                  "parse_period", "period_years", "parse_year", "parse_months", "cn_number", "yuan",
                                  "DATE_NUM", "DATE_CN", "DATE_8", "Amount"])
def test_values_reexports_the_grammar(name):
    assert getattr(values, name) is not None


@pytest.mark.parametrize("cell, value", [("22,642,353.31.", "22642353.31"), (".12,372,734.82", "12372734.82"),
                                         ("·1,988.68", "1988.68")])
def test_scanner_specks_around_a_figure(cell, value):
    from decimal import Decimal

    from dossier.reading.grammar import parse_figure

    assert parse_figure(cell) == Decimal(value)


def test_a_leading_dot_before_an_ungrouped_number_is_still_no_figure():
    from dossier.reading.grammar import parse_figure

    assert parse_figure(".5") is False
