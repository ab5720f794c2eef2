"""Statement rows (reading.statements): the rows the ratios need (存货, 财务费用, 利息费用, 利润总额),
read from text lines, laid-out cells and ruled tables of layouts written here by hand, not by the
document factory."""

from __future__ import annotations

import pytest

import dossier_factory as samples
from dossier.reading.fields import extract
from dossier.reading.statements import label_stem

CO = samples.make_company(5)

NEW_ROWS = {"balance_sheet": ("inventory",), "income_statement": ("finance_costs", "interest_expense", "total_profit")}
NEW_ZH = ("存货", "财务费用", "利息费用", "利润总额")  # no problem may name them: they are optional

STEMS = {
    "total-profit-loss-note": ("三、利润总额（亏损总额以“－”号填列）", "利润总额"),
    "total-profit-old-ordinal": ("四、利润总额", "利润总额"),
    "interest-under-finance-costs": ("其中：利息费用", "利息费用"),
    "interest-small-enterprise-note": ("其中：利息费用（收入以\"-\"号填列）", "利息费用"),
    "inventory-impairment-keeps-its-words": ("减：存货跌价准备", "存货跌价准备"),
    "finance-costs-with-note": ("财务费用（收益以“-”号填列）", "财务费用"),
}


@pytest.mark.parametrize("case", STEMS)
def test_row_label_stems_of_the_new_rows(case):
    label, stem = STEMS[case]
    assert label_stem(label) == stem


# -- text lines ------------------------------------------------------------------------------------

BS_HEAD = f"资产负债表\n会企01表\n编制单位：{CO.name} 2025年12月31日 单位：{{unit}}\n"
IS_HEAD = f"利润表\n会企02表\n编制单位：{CO.name} 2025年度 单位：{{unit}}\n"

TEXT_CASES = {
    # 存货跌价准备 before and after 存货: neither is 存货 (the rows are matched whole, not by containment)
    "inventory-beside-its-impairment": ("balance_sheet", BS_HEAD.format(unit="元") + """项目 期末余额 上年年末余额
减：存货跌价准备 120.00 100.00
存货 3,456.78 3,000.00
其中：原材料 1,000.00 900.00
存货跌价准备 120.00 100.00
流动资产合计 10,000.00 9,000.00
资产总计 20,000.00 18,000.00
""", {"inventory": 3456.78, "current_assets": 10000}),
    # an older sheet: 存货净额, 行次, 年初数 before 期末数
    "inventory-net-old-form": ("balance_sheet", BS_HEAD.format(unit="元") + """资 产 行次 年初数 期末数
存货 8 2,100.00 2,400.00
减：存货跌价准备 9 100.00 150.00
存货净额 10 2,000.00 2,250.00
流动资产合计 31 5,000.00 6,000.00
""", {"inventory": 2400, "current_assets": 6000}),
    # a sheet without a 存货 row: the field is None, and nobody is asked to review it
    "no-inventory-row": ("balance_sheet", BS_HEAD.format(unit="元") + """项目 期末余额 上年年末余额
货币资金 1,000.00 900.00
流动资产合计 5,000.00 4,000.00
流动负债合计 2,000.00 1,500.00
""", {"inventory": None, "current_assets": 5000}),
    # the audit report's statements as text: a reference to the notes between label and figures
    "inventory-with-note-reference": ("balance_sheet", BS_HEAD.format(unit="人民币万元") + """项目 附注 2025年12月31日 2024年12月31日
存货 五、7 2,631.32 1,394.70
存货跌价准备 五、8 12.00 10.00
流动资产合计 7,429.46 5,837.48
""", {"inventory": 26_313_200, "current_assets": 74_294_600}),
    # 2019 form: 其中：利息费用 under 财务费用, then 利息收入 with no figure; 利润总额 before 净利润
    "interest-under-finance-costs": ("income_statement", IS_HEAD.format(unit="元") + """项 目 本期金额 上期金额
一、营业收入 10,000.00 9,000.00
财务费用 300.00 280.00
其中：利息费用 270.00 250.00
利息收入
二、营业利润（亏损以“－”号填列） 1,200.00 1,100.00
三、利润总额（亏损总额以“－”号填列） 1,250.00 1,120.00
减：所得税费用 312.50 280.00
四、净利润（净亏损以“－”号填列） 937.50 840.00
""", {"finance_costs": 300, "interest_expense": 270, "total_profit": 1250, "net_profit": 937.5}),
    # the old 损益表: 财务费用 but no 利息费用 row; 四、利润总额; year-to-date column last
    "old-profit-and-loss-no-interest-row": ("income_statement", f"""损 益 表
会企02表
编制单位：{CO.name} 2024年12月 单位：元
项 目 行次 本月数 本年累计数
一、主营业务收入 1 1,000.00 12,345.00
财务费用 16 20.00 234.50
三、营业利润（亏损以“－”号填列） 18 100.00 1,234.00
四、利润总额（亏损总额以“－”号填列） 27 110.00 1,300.00
减：所得税 28 27.50 325.00
五、净利润（净亏损以“－”号填列） 30 82.50 975.00
""", {"finance_costs": 234.5, "interest_expense": None, "total_profit": 1300, "net_profit": 975}),
    # 会小企02表: the interest row with its own note; year-to-date first
    "small-enterprise-interest-note": ("income_statement", f"""利润表
会小企02表
编制单位：{CO.name} 2025年 单位：元
项目 行次 本年累计金额 本月金额
一、营业收入 1 8,000.00 700.00
财务费用 18 160.00 14.00
其中：利息费用（收入以“-”号填列） 19 150.00 13.00
三、利润总额（亏损总额以“-”号填列） 30 900.00 80.00
四、净利润（净亏损以“-”号填列） 32 675.00 60.00
""", {"finance_costs": 160, "interest_expense": 150, "total_profit": 900, "net_profit": 675}),
    # a loss year in parentheses, and 利息支出 for the interest row
    "loss-in-parentheses": ("income_statement", IS_HEAD.format(unit="人民币元") + """项目 附注 2025年度 2024年度
一、营业收入 5,000.00 6,000.00
财务费用 (30.00) 40.00
其中：利息支出 45.00 40.00
二、营业利润（亏损以“－”号填列） (700.00) 300.00
三、利润总额（亏损总额以“－”号填列） (725.50) 310.00
四、净利润（净亏损以“－”号填列） (725.50) 232.50
""", {"finance_costs": -30, "interest_expense": 45, "total_profit": -725.5, "net_profit": -725.5}),
    # 万元: every figure in yuan after the unit
    "statement-in-wan-yuan": ("income_statement", IS_HEAD.format(unit="万元") + """项目 本期金额 上期金额
一、营业收入 1,234.56 1,100.00
财务费用 12.34 11.00
其中：利息费用 10.01 9.00
三、利润总额 98.76 90.00
四、净利润 74.07 67.50
""", {"revenue": 12_345_600, "finance_costs": 123_400, "interest_expense": 100_100, "total_profit": 987_600,
      "net_profit": 740_700}),
    # a statement that prints none of the three rows: None, and no review for them
    "income-without-the-new-rows": ("income_statement", IS_HEAD.format(unit="元") + """项目 本期金额 上期金额
一、营业收入 1,000.00 900.00
二、营业利润 100.00 90.00
四、净利润 75.00 67.50
""", {"finance_costs": None, "interest_expense": None, "total_profit": None, "net_profit": 75}),
}


@pytest.mark.parametrize("case", TEXT_CASES)
def test_new_rows_from_text_lines(case):
    doc_type, text, expected = TEXT_CASES[case]
    got = extract(doc_type, [text])
    assert {k: got.fields[k] for k in expected} == expected, got.problems
    assert not any(label in p for p in got.problems for label in NEW_ZH), got.problems


@pytest.mark.parametrize("doc_type", NEW_ROWS)
def test_new_rows_are_optional(doc_type):
    text = (BS_HEAD if doc_type == "balance_sheet" else IS_HEAD).format(unit="元")
    got = extract(doc_type, [text + "项目 期末余额 上年年末余额\n"])
    assert all(got.fields[name] is None for name in NEW_ROWS[doc_type])
    assert not any(label in p for p in got.problems for label in NEW_ZH), got.problems


# -- laid-out cells (a scan's pieces, or a text layer without rules) ---------------------------------

def _cells(rows: list[list[tuple[str, float]]]) -> tuple[str, list]:
    cells, text = [], []
    for n, pieces in enumerate(rows):
        y = 100 + n * 14.0
        cells += [(t, x, y, x + 10.0 * len(t), y + 10.0) for t, x in pieces]
        text.append(" ".join(t for t, _x in pieces))
    return "\n".join(text), cells


GRID_CASES = {
    # two halves side by side: 存货 on the left, its impairment row above it; prior column first
    "inventory-in-two-halves": ("balance_sheet", [
        [("资产负债表", 250)], [(f"编制单位：{CO.name}", 20), ("2025年12月31日", 300), ("单位：元", 480)],
        [("资产", 20), ("行次", 120), ("年初数", 160), ("期末数", 230), ("负债和所有者权益", 300), ("行次", 450),
         ("年初数", 490), ("期末数", 560)],
        [("存货跌价准备", 20), ("9", 125), ("50.00", 160), ("60.00", 230), ("应付账款", 300), ("70", 455),
         ("400.00", 490), ("450.00", 560)],
        [("存货", 20), ("10", 125), ("700.00", 160), ("800.00", 230), ("应交税金", 300), ("75", 455),
         ("30.00", 490), ("35.00", 560)],
        [("流动资产合计", 20), ("31", 125), ("900.00", 160), ("1,000.00", 230), ("流动负债合计", 300), ("100", 455),
         ("500.00", 490), ("600.00", 560)],
    ], {"inventory": 800, "current_assets": 1000, "current_liabilities": 600}),
    # a 附注 column, letter-spaced headings; 利息费用 under 财务费用; 利润总额 a loss
    "income-notes-column": ("income_statement", [
        [("利润表", 250)], [(f"编制单位：{CO.name}", 20), ("2025年度", 300)],
        [("项", 20), ("目", 60), ("附注", 200), ("本", 280), ("期", 292), ("金", 304), ("额", 316),
         ("上", 400), ("期", 412), ("金", 424), ("额", 436)],
        [("一、营业收入", 20), ("五、30", 200), ("8,000,000.00", 270), ("7,000,000.00", 400)],
        [("财务费用", 20), ("五、35", 200), ("120,000.00", 270), ("110,000.00", 400)],
        [("其中：利息费用", 30), ("100,000.00", 270), ("95,000.00", 400)],
        [("利息收入", 30), ("3,000.00", 270), ("2,000.00", 400)],
        [("三、利润总额（亏损总额以“－”号填列）", 20), ("(40,000.00)", 270), ("300,000.00", 400)],
        [("四、净利润（净亏损以“－”号填列）", 20), ("(40,000.00)", 270), ("225,000.00", 400)],
    ], {"finance_costs": 120000, "interest_expense": 100000, "total_profit": -40000, "net_profit": -40000}),
}


@pytest.mark.parametrize("case", GRID_CASES)
def test_new_rows_from_laid_out_cells(case):
    doc_type, rows, expected = GRID_CASES[case]
    text, cells = _cells(rows)
    got = extract(doc_type, [text], cells=[cells])
    assert {k: got.fields[k] for k in expected} == expected, got.problems
    assert not any(label in p for p in got.problems for label in NEW_ZH), got.problems


# -- ruled tables --------------------------------------------------------------------------------------

TABLE_CASES = {
    "income-2019-table": ("income_statement", f"利润表\n编制单位：{CO.name}\n2025年度\n", [
        ["项目", "本期金额", "上期金额"], ["一、营业收入", "1,000.00", "900.00"], ["财务费用", "30.00", "20.00"],
        ["其中：利息费用", "25.00", "18.00"], ["利息收入", "", ""],
        ["三、利润总额（亏损总额以“-”号\n填列）", "110.00", "100.00"], ["四、净利润（净亏损以“-”号填列）", "82.50", "75.00"],
    ], {"finance_costs": 30, "interest_expense": 25, "total_profit": 110, "net_profit": 82.5}),
    "balance-with-impairment-row": ("balance_sheet", f"资产负债表\n编制单位：{CO.name}\n2025年12月31日\n", [
        ["项目", "期末余额", "上年年末余额"], ["存货跌价准备", "9.00", "8.00"], ["存货", "99.00", "88.00"],
        ["流动资产合计", "500.00", "400.00"],
    ], {"inventory": 99, "current_assets": 500}),
    "old-form-no-interest-row": ("income_statement", f"损益表\n编制单位：{CO.name}\n2024年12月\n", [
        ["项目", "行次", "本月数", "本年累计数"], ["一、主营业务收入", "1", "100.00", "1,200.00"],
        ["财务费用", "16", "2.00", "24.00"], ["四、利润总额", "27", "10.00", "130.00"], ["五、净利润", "30", "7.50", "97.50"],
    ], {"finance_costs": 24, "interest_expense": None, "total_profit": 130}),
}


@pytest.mark.parametrize("case", TABLE_CASES)
def test_new_rows_from_ruled_tables(case):
    doc_type, text, table, expected = TABLE_CASES[case]
    got = extract(doc_type, [text], [table])
    assert {k: got.fields[k] for k in expected} == expected, got.problems


# -- the factory's own documents, read through the text layer -----------------------------------------

@pytest.mark.parametrize("doc_type", NEW_ROWS)
def test_factory_statements_carry_the_new_rows(doc_type, tmp_path):
    from dossier.reading import read_document, understand

    path = samples.document_pdf(doc_type, CO, tmp_path / f"{doc_type}.pdf", 2024)
    got = understand(path, read_document(path))
    truth = samples.expected_fields(doc_type, CO, 2024)
    assert all(truth[name] is not None for name in NEW_ROWS[doc_type])
    assert {k: got.fields[k] for k in NEW_ROWS[doc_type]} == {k: truth[k] for k in NEW_ROWS[doc_type]}
    assert not got.review, got.problems


# -- a reference to the notes after the label (no 附注 column heading to skip it by) ---------------

NOTE_FORMS = {"chapter-item": "五、7", "chapter-bracket": "六（1）", "note-word": "注7", "note-word-dotted": "附注5.2",
              "chapter-dot-item": "七.12", "scan-lost-the-comma": "五7"}


@pytest.mark.parametrize("form", NOTE_FORMS)
def test_row_label_followed_by_a_note_reference(form):
    text = BS_HEAD.format(unit="元") + f"项目 附注 期末余额 上年年末余额\n存货 {NOTE_FORMS[form]} 2,631.32 1,394.70\n" \
        f"存货跌价准备 {NOTE_FORMS[form]} 31.32 94.70\n"
    got = extract("balance_sheet", [text])
    assert got.fields["inventory"] == 2631.32


def test_figures_above_and_below_a_bare_label_go_to_review():
    """A phone photo's slope moved every row's figures to the line above its label: a label alone on
    its line between two lines of bare figures cannot say whose they are, so a person is asked."""
    page = (f"利润表\n会企02表\n2023年1-12月 单位：人民币元\n编制单位：{CO.name} 附注 2023年度 2022年度\n项目\n"
            "91,915,649.77 102,916,553.12\n营业收入\n71,283,505.55 76,886,582.40\n减：营业成本\n"
            "916,645.60 732,641.84\n财务费用\n824,981.04 659,377.65\n其中：利息费用\n"
            "营业利润（亏损以“一”号填列） 13,677,609.34 16,897,974.07\n"
            "利润总额（亏损总额以“一”号填列） 13,704,199.23 17,076,428.12\n"
            "四、净利润（净亏损以“一”号填列） 10,278,149.43 12,807,321.09\n")
    got = extract("income_statement", [page])
    assert got.review
    assert any("营业收入" in p and "错行" in p for p in got.problems), got.problems
    assert got.fields["total_profit"] == 13704199.23 and got.confidence["total_profit"] >= 0.9


def test_an_optional_row_read_unsure_goes_to_review():
    """Optional means the row may be missing; a row that is there but read at low OCR confidence is
    checked by a person like any other."""
    page = BS_HEAD.format(unit="元") + "项目 期末余额 上年年末余额\n存货 3,456.78 3,000.00\n流动资产合计 10,000.00 9,000.00\n"
    confident = {line: 0.99 for line in page.splitlines()}
    assert not any("存货" in p for p in extract("balance_sheet", [page], line_confidence=confident).problems)
    unsure = confident | {"存货 3,456.78 3,000.00": 0.4}
    got = extract("balance_sheet", [page], line_confidence=unsure)
    assert got.fields["inventory"] == 3456.78 and got.review
    assert any("存货" in p and "置信度低" in p for p in got.problems), got.problems
