"""Tables by their header (reading.grid) and the fiscal years a document covers (reading.years)."""

from __future__ import annotations

import pytest

import dossier_factory as samples
from dossier.reading import read_document, understand
from dossier.reading.classify import fold, split_lines
from dossier.reading.fields import extract
from dossier.reading.grid import cells_of_lines, columns, rows_of
from dossier.reading.years import enumerated_years, heading_years, years_of_cells

CO = samples.make_company(7)


def row(y: float, *pieces: tuple[str, float], h: float = 10.0, char: float = 10.0):
    """Cells of one printed row: (text, x0) pieces, each as wide as its characters."""
    return [(text, x, y, x + char * len(text), y + h) for text, x in pieces]


HEADER = row(100, ("原凭证号", 20), ("税种", 120), ("品目名称", 170), ("税款所属时期", 250), ("入(退)库日期", 380),
             ("实缴(退)金额", 480))

COLUMN_CASES = {
    # one row per payment, the period on one line
    "plain": (HEADER + row(115, ("333011", 20), ("增值税", 120), ("制造业", 170), ("2025-10-01至2025-12-31", 230),
                               ("2026-01-10", 380), ("12,000.00", 480)),
              ["2025-10-01至2025-12-31"]),
    # the period wrapped inside its narrow cell: two lines of the same column
    "wrapped": (HEADER + row(115, ("333011", 20), ("增值税", 120), ("制造业", 170), ("2025-01-01至", 255),
                                 ("2026-01-10", 380), ("12,000.00", 480))
                + row(127, ("2025-12-31", 258)),
                ["2025-01-01至", "2025-12-31"]),
    # letter-spaced header words, as a scan's detector cuts them
    "letter-spaced": (row(100, ("税种", 120), ("税", 250), ("款", 262), ("所", 274), ("属", 286), ("时", 298),
                          ("期", 310), ("实缴金额", 420))
                      + row(115, ("企业所得税", 110), ("2024-01-01至2024-12-31", 230), ("8,000.00", 420)),
                      ["2024-01-01至2024-12-31"]),
    # a header over two lines: 税款所属 / 时期
    "two-line-header": (row(100, ("税种", 120), ("税款所属", 260), ("实缴金额", 420))
                        + row(111, ("时期", 270))
                        + row(126, ("印花税", 120), ("2023-01-01至2023-12-31", 230), ("500.00", 420)),
                        ["2023-01-01至2023-12-31"]),
}


@pytest.mark.parametrize("case", COLUMN_CASES)
def test_column_cells_below_their_header(case):
    cells, expected = COLUMN_CASES[case]
    found = columns([cells], ["税款所属时期"])
    assert [c.texts() for c in found] == [expected]


def test_columns_of_a_table_printed_twice_on_a_page_are_two_columns():
    cells = HEADER + row(115, ("2025-01-01至2025-06-30", 230)) + \
        [(t, a, b + 60, c, d + 60) for t, a, b, c, d in HEADER] + row(175, ("2025-07-01至2025-12-31", 230))
    assert [c.texts() for c in columns([cells], ["税款所属时期"])] == [["2025-01-01至2025-06-30"],
                                                                      ["2025-07-01至2025-12-31"]]


def test_rows_group_by_vertical_overlap_whatever_the_unit():
    # pixels of a 300 dpi scan: same layout, four times the size
    cells = [(t, a * 4, b * 4, c * 4, d * 4) for t, a, b, c, d in COLUMN_CASES["wrapped"][0]]
    assert [len(r) for r in rows_of(cells)] == [6, 6, 1]
    assert [c.texts() for c in columns([cells], ["税款所属时期"])] == [["2025-01-01至", "2025-12-31"]]


def test_ocr_lines_give_their_parts_as_cells():
    lines = [("税种 税款所属时期", (0, 0, 100, 10), [("税种", 0, 0, 20, 10), ("税款所属时期", 40, 0, 100, 10)]),
             ("whole line", (0, 20, 50, 30), [])]
    assert cells_of_lines(lines) == (("税种", 0, 0, 20, 10), ("税款所属时期", 40, 0, 100, 10),
                                     ("whole line", 0, 20, 50, 30))


YEAR_CASES = {
    "one-period": (["2025-01-01至2025-12-31"], [2025]),
    "wrapped-period": (["2025-01-01至", "2025-12-31"], [2025]),
    "periods-of-two-years": (["2024-10-01至2024-12-31", "2025-01-01至2025-03-31"], [2024, 2025]),
    "dotted": (["2025.01.01-2025.12.31"], [2025]),
    "chinese-dates": (["2025年01月01日至2025年12月31日"], [2025]),
    "fiscal-year-word": (["2024年度"], [2024]),
}


@pytest.mark.parametrize("case", YEAR_CASES)
def test_years_of_period_cells(case):
    texts, expected = YEAR_CASES[case]
    assert years_of_cells(texts) == expected


ENUMERATIONS = {
    "audit-three-balance-dates": ("包括2023年12月31日、2024年12月31日、2025年12月31日的资产负债表", [2023, 2024, 2025]),
    "fiscal-years-listed": ("2023年度、2024年度及2025年度的利润表", [2023, 2024, 2025]),
    "range-with-dash": ("2023-2025年主要产品销量情况", [2023, 2024, 2025]),
    "range-with-zhi": ("2023年至2025年", [2023, 2024, 2025]),
    "two-years-and": ("2024年度和2025年度", [2024, 2025]),
    "single-year-opinion": ("2025年12月31日的资产负债表，2025年度的利润表", []),
    "date-and-issue-date": ("2025年度  报告日期：2026年3月15日", []),
}


@pytest.mark.parametrize("case", ENUMERATIONS)
def test_years_named_together(case):
    text, expected = ENUMERATIONS[case]
    assert enumerated_years(fold(text)) == expected


HEADINGS = {
    "years-as-headings": ("产品名称 单位 2023年 2024年 2025年", [2023, 2024, 2025]),
    "years-with-words": ("项目 2024年度销量 2025年度销量", [2024, 2025]),
    "balance-dates-are-no-headings": ("项目 2025年12月31日 2024年12月31日", []),
    "one-year": ("项目 2025年", []),
}


@pytest.mark.parametrize("case", HEADINGS)
def test_heading_row_years(case):
    text, expected = HEADINGS[case]
    assert heading_years(split_lines([text])) == expected


def _tax_certificate_pdf(path, period_lines: list[str], issue: str = "2026年01月15日") -> None:
    """A ruled 税收完税证明 whose period column is narrow: the period wraps inside its cell."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("STSong-Light", 16)
    c.drawCentredString(300, 800, "中华人民共和国税收完税证明")
    c.setFont("STSong-Light", 9)
    c.drawString(40, 775, "（2026）浙税证 01234567")
    c.drawString(330, 775, f"填发日期：{issue}")
    c.drawString(40, 760, f"纳税人识别号：{CO.credit_code}")
    c.drawString(40, 746, f"纳税人名称：{CO.name}")
    xs = [40, 130, 200, 270, 330, 420, 540]
    heads = ["原凭证号", "税种", "品目名称", "税款所属时期", "入(退)库日期", "实缴(退)金额"]
    top, height = 730, 30
    rows = [heads] + [["3330112601", "增值税", "制造业", None, "2026-01-10", "12,000.00"]]
    for r, cells in enumerate(rows):
        y = top - (r + 1) * height
        c.line(xs[0], y, xs[-1], y)
        for i, text in enumerate(cells):
            if text:
                c.drawString(xs[i] + 3, y + 11, text)
        if r:
            for k, part in enumerate(period_lines):
                c.drawString(xs[3] + 2, y + 18 - k * 11, part)
    c.line(xs[0], top, xs[-1], top)
    for x in xs:
        c.line(x, top, x, top - height * len(rows))
    c.drawString(40, top - height * len(rows) - 16, "金额合计（大写）壹万贰仟元整  ￥12,000.00")
    c.drawString(40, 60, samples.NOTICE)
    c.showPage()
    c.save()


@pytest.mark.parametrize("period", [["2025-01-01至", "2025-12-31"], ["2025-01-01", "至2025-12-31"]])
def test_tax_certificate_year_from_its_period_column_not_its_issue_date(tmp_path, period):
    path = tmp_path / "完税证明.pdf"
    _tax_certificate_pdf(path, period)
    reading = read_document(path)
    found = understand(path, reading)
    assert found.doc_type == "tax_payment_certificate"
    assert found.fields["year"] == 2025 and found.fields["years"] == [2025], found.problems
    assert found.fields["issued"] == "2026-01-15" and found.fields["amount"] == 12000
    assert not found.review, found.problems


def test_sales_report_over_three_years_counts_each_year():
    page = (f"主要产品销量情况\n填报单位：{CO.name}\n产品名称 单位 2023年 2024年 2025年\n"
            "液压泵 台 1,200 1,350 1,500\n齿轮箱 台 800 860 910\n")
    got = extract("sales_report", [page])
    assert got.fields["year"] == 2025 and got.fields["years"] == [2023, 2024, 2025]
    assert not got.review, got.problems


# -- statements laid out as tables: the current-period column by its heading --------------------

def _page(rows: list[list[tuple[str, float]]], pitch: float = 14.0) -> tuple[str, list]:
    """A statement page: its text (pieces joined by spaces) and its cells."""
    cells, text = [], []
    for n, pieces in enumerate(rows):
        cells += row(100 + n * pitch, *pieces)
        text.append(" ".join(t for t, _x in pieces))
    return "\n".join(text), cells


HEAD = [[("资产负债表", 250)]]
GRID_STATEMENTS = {
    # two halves side by side, each with 行次 and the prior column before the current one
    "two-halves-prior-first": ("balance_sheet", HEAD + [
        [(f"编制单位：{CO.name}", 20), ("2025年12月31日", 300), ("单位：元", 480)],
        [("资产", 20), ("行次", 120), ("年初数", 160), ("期末数", 230), ("负债和所有者权益", 300), ("行次", 450),
         ("年初数", 490), ("期末数", 560)],
        [("流动资产合计", 20), ("10", 125), ("900.00", 160), ("1,000.00", 230), ("流动负债合计", 300), ("40", 455),
         ("500.00", 490), ("600.00", 560)],
        [("资产总计", 20), ("30", 125), ("1,900.00", 160), ("2,000.00", 230), ("负债合计", 300), ("50", 455),
         ("700.00", 490), ("800.00", 560)],
        [("所有者权益（或股东权益）合计", 300), ("60", 455), ("1,200.00", 490), ("1,200.00", 560)],
        [("负债和所有者权益（或股东权益）", 300)],
        [("总计", 300), ("70", 455), ("1,900.00", 490), ("2,000.00", 560)],
    ], {"total_assets": 2000, "current_assets": 1000, "current_liabilities": 600, "total_liabilities": 800,
        "total_equity": 1200, "total_liabilities_and_equity": 2000}),
    # 会小企01表: the closing label wrapped around the row that holds its figures, beside 资产总计
    "closing-label-around-figures": ("balance_sheet", HEAD + [
        [(f"编制单位：{CO.name}", 20), ("2023年12月31日", 300), ("单位：元", 480)],
        [("资产", 20), ("行次", 120), ("期末余额", 160), ("年初余额", 230), ("负债和所有者权益", 300), ("行次", 450),
         ("期末余额", 490), ("年初余额", 560)],
        [("流动资产合计", 20), ("12", 125), ("3,000.00", 160), ("2,900.00", 230), ("流动负债合计", 300), ("41", 455),
         ("1,000.00", 490), ("900.00", 560)],
        [("负债合计", 300), ("46", 455), ("2,000.00", 490), ("1,800.00", 560)],
        [("所有者权益合计", 300), ("52", 455), ("5,000.00", 490), ("4,000.00", 560)],
        [("负债和所有者权益（或股东权益）", 300)],
        [("资产总计", 20), ("30", 125), ("7,000.00", 160), ("5,800.00", 230), ("53", 455), ("7,000.00", 490),
         ("5,800.00", 560)],
        [("总计", 300)],
    ], {"total_assets": 7000, "total_liabilities_and_equity": 7000, "total_equity": 5000}),
    # the closing label's first line holds its figures, its last word (总计) on the line below
    "closing-label-figures-first": ("balance_sheet", HEAD + [
        [(f"编制单位：{CO.name}", 20), ("2023年12月31日", 300), ("单位：元", 480)],
        [("资产", 20), ("行次", 120), ("期末余额", 160), ("年初余额", 230), ("负债和所有者权益", 300), ("行次", 450),
         ("期末余额", 490), ("年初余额", 560)],
        [("流动资产合计", 20), ("31", 125), ("3,000.00", 160), ("2,900.00", 230), ("流动负债合计", 300), ("100", 455),
         ("1,000.00", 490), ("900.00", 560)],
        [("负债合计", 300), ("114", 455), ("2,000.00", 490), ("1,800.00", 560)],
        [("所有者权益合计", 300), ("122", 455), ("5,000.00", 490), ("4,000.00", 560)],
        [("负债和所有者权益（或股东权益）", 300), ("7,000.00", 490), ("5,800.00", 560)],
        [("资产总计", 20), ("67", 125), ("7,000.00", 160), ("5,800.00", 230), ("135", 455)],
        [("总计", 300)],
    ], {"total_assets": 7000, "total_liabilities_and_equity": 7000}),
    # a 附注 column between the label and the figures, letter-spaced headings, a nil prior year
    "notes-column-letter-spaced": ("income_statement", [[("利润表", 250)], [(f"编制单位：{CO.name}", 20),
                                                                          ("2025年度", 300)],
        [("项", 20), ("目", 60), ("附注", 200), ("本", 280), ("期", 292), ("金", 304), ("额", 316),
         ("上", 400), ("期", 412), ("金", 424), ("额", 436)],
        [("一、营业收入", 20), ("五、30", 200), ("8,000,000.00", 270), ("-", 420)],
        [("二、营业利润（亏损以“－”号填列）", 20), ("900,000.00", 270), ("-", 420)],
        [("四、净利润（净亏损以“－”号填列）", 20), ("(50,000.00)", 270), ("-", 420)],
    ], {"revenue": 8000000, "operating_profit": 900000, "net_profit": -50000}),
    # 会小企02表: year-to-date first, then the month (the month column is no current period)
    "small-enterprise": ("income_statement", [[("利润表", 250)], [("会小企02表", 480)],
        [(f"编制单位：{CO.name}", 20), ("2025年", 300), ("单位：元", 480)],
        [("项目", 20), ("行次", 200), ("本年累计金额", 260), ("本月金额", 400)],
        [("一、营业收入", 20), ("1", 205), ("6,000,000.00", 260), ("500,000.00", 400)],
        [("二、营业利润（亏损以“-”号填列）", 20), ("21", 205), ("700,000.00", 260), ("60,000.00", 400)],
        [("四、净利润（净亏损以“-”号填列）", 20), ("32", 205), ("520,000.00", 260), ("45,000.00", 400)],
    ], {"revenue": 6000000, "operating_profit": 700000, "net_profit": 520000}),
}


@pytest.mark.parametrize("case", GRID_STATEMENTS)
def test_statement_rows_from_the_grid(case):
    doc_type, rows, expected = GRID_STATEMENTS[case]
    text, cells = _page(rows)
    got = extract(doc_type, [text], cells=[cells])
    assert {k: got.fields[k] for k in expected} == expected, got.problems
    assert not got.review, got.problems


def test_headings_a_scan_read_as_one_piece_are_cut_at_their_column_words():
    # OCR read 期末数, the right half's label heading and its 行次 as one piece; 135 is that 行次
    rows = HEAD + [
        [(f"编制单位：{CO.name}", 20), ("年初数", 160), ("期末数负债和所有者权益（或股东权益）行次", 230, ),
         ("2024年12月31日", 560)],
        [("资产", 20), ("行次", 120), ("年初数", 500)],
        [("负债和所有者权益（或股东权益）", 240), ("135", 410), ("6,800.00", 560), ("7,000.00", 640)],
        [("总计", 300)],
    ]
    text, cells = _page(rows)
    got = extract("balance_sheet", [text], cells=[cells])
    assert got.fields["total_liabilities_and_equity"] != 135
