"""The overview workbook people work in (issue 10, finding 13): loaded back with openpyxl."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from conftest import ingest, run
import dossier_factory as samples
from dossier.archive import Archive
from dossier.checks.status import ItemCell, client_status, item_name, overview_rows
from dossier.outputs.overview import (
    HEADER_FILL,
    MAIN_SHEET,
    PROBLEM_HEADER,
    PROBLEM_SHEET,
    STATUS_COLOURS,
    display_width,
    write_overview,
)
from dossier.rules import load_checklist


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:]


@pytest.fixture(scope="module")
def statuses(tmp_path_factory):
    """Two real synthetic dossiers: one with a licence and one year of statements, one with a licence."""
    from conftest import make_config
    from dossier.pipeline import init_home

    home = make_config(tmp_path_factory.mktemp("overview") / "home")
    init_home(home)
    a = samples.make_company(61, short="博远科技")
    b = samples.make_company(62, short="金川矿业")
    samples.business_licence_pdf(a, home.inbox / a.short / "营业执照.pdf")
    samples.balance_sheet_pdf(a, 2025, home.inbox / a.short / "2025资产负债表.pdf")
    samples.income_statement_pdf(a, 2025, home.inbox / a.short / "2025利润表.pdf")
    samples.business_licence_pdf(b, home.inbox / b.short / "营业执照.pdf")
    assert all(o.outcome == "archived" for o in ingest(home))
    archive = Archive(home)
    return [client_status(archive.snapshot(c)) for c in archive.client_ids()]


@pytest.fixture(scope="module")
def book(statuses, tmp_path_factory):
    target = write_overview(*overview_rows(statuses), tmp_path_factory.mktemp("xlsx") / "总览.xlsx")
    return load_workbook(target)


def test_two_sheets_with_styled_frozen_filtered_headers(book, statuses):
    assert book.sheetnames == [MAIN_SHEET, PROBLEM_SHEET]
    for sheet, freeze in ((book[MAIN_SHEET], "B2"), (book[PROBLEM_SHEET], "A2")):
        assert sheet.freeze_panes == freeze
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        for cell in sheet[1]:
            assert cell.font.bold and _fill(cell) == HEADER_FILL and cell.alignment.wrap_text
    main = book[MAIN_SHEET]
    assert main.max_row == 1 + len(statuses)
    assert book[PROBLEM_SHEET].max_row == 1 + sum(len(i["problems"]) for s in statuses for i in s["items"])


def test_widths_fit_the_text(book, statuses):
    main = book[MAIN_SHEET]
    header = [c.value for c in main[1]]
    name = main.column_dimensions[main.cell(1, header.index("公司名称") + 1).column_letter].width
    assert name >= max(display_width(s["name"]) for s in statuses)  # a CJK character counts two
    code = main.column_dimensions[main.cell(1, header.index("统一社会信用代码") + 1).column_letter].width
    assert 18 <= code < name  # 18 characters, not the default width
    for letter, dim in main.column_dimensions.items():
        assert 8 <= dim.width <= 44, letter


def test_one_column_per_item_with_its_status_colour_and_short_problem(book, statuses):
    main = book[MAIN_SHEET]
    header = [c.value for c in main[1]]
    ids = list(load_checklist().ids)
    assert header[-len(ids):] == [item_name(i) for i in ids]
    assert "问题" not in header  # no cell holds all the problems of a client
    rows = {row[0].value: row for row in main.iter_rows(min_row=2)}
    for s in statuses:
        row = rows[s["client"]]
        for item in s["items"]:
            cell = row[header.index(item_name(item["item"]))]
            fill, _font = STATUS_COLOURS[item["status"]]
            assert _fill(cell) == fill, (s["client"], item["item"])
            assert cell.value.startswith({"ok": "齐全", "missing": "缺失", "incomplete": "不完整", "expired": "过期",
                                          "inconsistent": "不一致", "review": "待复核",
                                          "not_required": "不适用"}[item["status"]])
            if item["problems"]:
                assert item["problems"][0][:10] in cell.value and len(cell.value) <= 40
                assert cell.alignment.wrap_text
                full = cell.value.split("：", 1)[0] + "：" + "；".join(item["problems"])
                if len(full) <= 40:
                    assert cell.value == full
                elif len(item["problems"]) > 1:  # the first problem, and how many there are
                    assert cell.value.endswith(f"（共 {len(item['problems'])} 条）")
        complete = row[header.index("是否齐全")]
        assert complete.value == ("齐全" if s["complete"] else "不齐全")
        assert _fill(complete) == STATUS_COLOURS["complete" if s["complete"] else "not_complete"][0]
    # the first client's balance sheet covers 2025 only: incomplete, naming a missing year
    first = next(s for s in statuses if s["client"] == "博远科技")
    sheet_item = next(i for i in first["items"] if i["item"] == "balance_sheet")
    assert sheet_item["status"] == "incomplete"
    assert "2024" in rows["博远科技"][header.index(item_name("balance_sheet"))].value


def test_problem_sheet_lists_every_problem_once(book, statuses):
    sheet = book[PROBLEM_SHEET]
    assert tuple(c.value for c in sheet[1]) == PROBLEM_HEADER
    listed = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    expected = [(s["client"], s["name"], item_name(i["item"]), {"missing": "缺失", "incomplete": "不完整"}.get(
        i["status"], None), p) for s in statuses for i in s["items"] for p in i["problems"]]
    assert [r[:3] + r[4:] for r in listed] == [e[:3] + e[4:] for e in expected]
    assert all(e[3] is None or r[3] == e[3] for r, e in zip(listed, expected))
    for row in sheet.iter_rows(min_row=2):  # the status cell carries its colour here too
        assert _fill(row[3]) in {fill for fill, _ in STATUS_COLOURS.values()}


UNTRUSTED = ["=HYPERLINK(\"http://x.cn\")", "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1",
             "恒远\x01机械\x0b有限\x1f公司", "\tTAB开头"]


def test_untrusted_text_stays_text_without_control_characters(tmp_path):
    header = ["档案编号", "公司名称", "统一社会信用代码", "营业执照"]
    rows = [[UNTRUSTED[i], UNTRUSTED[i + 1], "91330106MA2H2K4X1L",
             ItemCell("review", "待复核", (UNTRUSTED[(i + 2) % len(UNTRUSTED)],))] for i in range(len(UNTRUSTED) - 1)]
    target = write_overview(header, rows, tmp_path / "总览.xlsx")  # no IllegalCharacterError
    book = load_workbook(target)
    main = book[MAIN_SHEET]
    for r, row in enumerate(main.iter_rows(min_row=2)):
        values = [c.value for c in row]
        assert values[:2] == [_clean(UNTRUSTED[r]), _clean(UNTRUSTED[r + 1])]
        assert values[3] == "待复核：" + _clean(UNTRUSTED[(r + 2) % len(UNTRUSTED)])
        assert all(c.data_type == "s" for c in row)  # text, never a formula
    for row in book[PROBLEM_SHEET].iter_rows(min_row=2):
        assert all(c.data_type == "s" for c in row)
    assert main["A2"].quotePrefix  # Excel keeps it text even when the cell is edited

    csv_path = write_overview(header, rows, tmp_path / "总览.csv")
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[1][0] == "'" + UNTRUSTED[0] and lines[2][0] == "'+1+1" and lines[4][0] == "'@SUM(A1:A2)"
    assert lines[6][1] == "'\tTAB开头" and lines[5][1] == "恒远机械有限公司"
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def test_overview_command_writes_the_workbook(env, tmp_path):
    run("init")
    company = samples.make_company(63, short="=恒信")  # a folder name that looks like a formula
    samples.business_licence_pdf(company, env / "inbox" / "=恒信" / "营业执照.pdf")
    run("ingest")
    out = tmp_path / "总览.xlsx"
    assert "已写入" in run("overview", "--out", str(out)).output
    book = load_workbook(out)
    assert book.sheetnames == [MAIN_SHEET, PROBLEM_SHEET]
    clients = [c.value for c in book[MAIN_SHEET]["A"][1:]]
    assert len(clients) == 1 and all(c.data_type == "s" for c in book[MAIN_SHEET]["A"])
    assert book[PROBLEM_SHEET].max_row > 1
