"""Balance-sheet totals whose leading digits a scan lost: restored only where the identities prove them."""

from __future__ import annotations

import pytest

from dossier.reading.fields import extract
from dossier.reading.statements import restore_lost_digits

SHEET = dict(total_assets=24152182.43, total_liabilities_and_equity=24152182.43,
             total_liabilities=9218474.66, total_equity=14933707.77)


def _with(**changes):
    fields = {**SHEET, **changes}
    return fields, {name: 0.98 for name in fields}


@pytest.mark.parametrize("case", [
    # (name, changes, figures on the page, unit, field expected restored or None, its value)
    ("L&E total lost '24,'", dict(total_liabilities_and_equity=152182.43), [], 1,
     "total_liabilities_and_equity", 24152182.43),
    ("assets total lost '2'", dict(total_assets=4152182.43), [], 1, "total_assets", 24152182.43),
    ("equity lost '1' and read nowhere, its rest on the page", dict(total_equity=None),
     [4933707.77, 381328.64], 1, "total_equity", 14933707.77),
    ("liabilities not read, fragment on the page", dict(total_liabilities=None), [218474.66], 1,
     "total_liabilities", 9218474.66),
    ("a statement in 万元 rounds each line (fields in yuan)",
     dict(total_assets=24152200, total_liabilities_and_equity=4152200, total_liabilities=9218500,
          total_equity=14933700), [], 10000, "total_liabilities_and_equity", 24152200),
    ("too few digits kept to tell", dict(total_liabilities_and_equity=82.43), [], 1, None, None),
    ("not a lost lead: a different figure", dict(total_liabilities_and_equity=24125182.43), [], 1, None, None),
    ("the other totals disagree among themselves", dict(total_equity=13933707.77,
                                                       total_liabilities_and_equity=152182.43), [], 1, None, None),
    ("one way only: assets against L&E, which is wrong?", dict(total_liabilities=None, total_equity=None,
                                                              total_liabilities_and_equity=152182.43), [], 1, None,
     None),
    ("equity not read and no fragment on the page", dict(total_equity=None), [381328.64], 1, None, None),
    ("two fragments restore to different values", dict(total_equity=None), [4933707.77, 4933707.27], 1, None,
     None),
], ids=lambda case: case[0])
def test_restore_lost_digits(case):
    _, changes, figures, unit, restored_field, value = case
    fields, confidence = _with(**changes)
    before = dict(fields)
    notes = restore_lost_digits(fields, confidence, figures, 1.0, unit)
    if restored_field is None:
        assert notes == {} and fields == before
        return
    assert list(notes) == [restored_field]
    assert fields[restored_field] == pytest.approx(value, abs=0.001)
    assert "补全为" in notes[restored_field] and "首位数字缺失" in notes[restored_field]
    assert confidence[restored_field] < 0.98  # a restored figure is never as sure as a read one
    assert {k: v for k, v in fields.items() if k != restored_field} == \
        {k: v for k, v in before.items() if k != restored_field}


def _scan_page(equity_cell: str, le_cell: str) -> list[str]:
    # A two-column balance sheet in the 会企01表 order, as OCR returns it line by line.
    return ["\n".join([
        "资产负债表",
        "编制单位：常州示例机电有限公司　　2024年12月31日　　金额单位：元",
        "资产　期末数　年初数　负债及股东权益　期末数　年初数",
        "货币资金　3,666,760.43　2,373,776.15　短期借款　2,746,690.13　2,142,146.37",
        "流动资产合计　12,681,564.40　10,816,811.64　流动负债合计　7,538,262.21　7,406,648.17",
        "固定资产　7,219,333.02　7,145,502.21　负债合计　9,218,474.66　10,297,435.53",
        f"非流动资产合计　11,470,618.03　10,782,335.02　股东权益合计　{equity_cell}　11,301,711.13",
        f"资产总计　24,152,182.43　21,599,146.66　负债及股东权益总计　{le_cell}　21,599,146.66",
    ])]


def _conf(pages):
    return {line: 0.93 for line in pages[0].splitlines()}


def test_scan_whose_seal_hides_a_totals_lead_is_restored_with_a_note():
    pages = _scan_page("14,933,707.77", "152,182.43")
    got = extract("balance_sheet", pages, None, _conf(pages))
    assert got.fields["total_liabilities_and_equity"] == pytest.approx(24152182.43)
    assert not any("不相等" in p for p in got.problems)
    assert any("152,182.43" in n and "24,152,182.43" in n for n in got.notes)


def test_scan_whose_seal_hides_a_totals_label_is_restored_from_the_fragment():
    pages = _scan_page("财务专用章4,933,707.77", "24,152,182.43")
    pages = [pages[0].replace("股东权益合计　财务", "股东权益财务")]  # the seal covers 合计 and the 1
    got = extract("balance_sheet", pages, None, _conf(pages))
    assert got.fields["total_equity"] == pytest.approx(14933707.77)
    assert "未识别到所有者权益合计" not in got.problems
    assert got.notes


def test_text_layer_disagreement_stays_the_documents():
    pages = _scan_page("14,933,707.77", "152,182.43")
    got = extract("balance_sheet", pages)  # a text layer: no OCR confidences
    assert got.fields["total_liabilities_and_equity"] == pytest.approx(152182.43)
    assert any("不相等" in p for p in got.problems) and got.review
    assert got.notes == ()
