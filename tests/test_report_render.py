"""The render shortcuts of outputs/reports.py give exactly docxtpl's result (listing characters, table grids)."""

from __future__ import annotations

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from dossier.outputs import reports

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _template():
    cls = reports.template_class()
    return cls.__new__(cls)  # these two steps read nothing of the instance


def _row(cells: int, span: int | None = None) -> str:
    props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span else ""
    first = f"<w:tc>{props}<w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>"
    return "<w:tr>" + first + "<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc>" * (cells - 1) + "</w:tr>"


def _table(columns: int, rows: list[str], widths: int = 1000) -> str:
    grid = "".join(f'<w:gridCol w:w="{widths}"/>' for _ in range(columns))
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


@pytest.mark.parametrize("body", [
    _table(3, [_row(3)] * 50),                              # the usual case: nothing to fix
    _table(3, [_row(3), _row(4)]),                          # a loop made a row wider: columns added
    _table(3, [_row(2, span=2)] * 3),                       # spans fill the grid: nothing to fix
    _table(4, [_row(2), _row(2, span=2)]),                  # narrower than the grid: columns removed
    _table(3, [_row(1, span=3), _row(3)]),                  # a merged title row above plain rows
    _table(2, []),                                          # no rows at all
    _table(2, [_row(2)]) + _table(5, [_row(3), _row(3)]),   # two tables, only the second needs it
    _table(2, ["<w:tr><w:tc>" + _table(1, [_row(3)]) + "<w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"]),  # nested
])
def test_fix_tables_is_docxtpl_s(body):
    xml = f"<w:body {W}>{body}</w:body>"
    ours = etree.tostring(_template().fix_tables(xml))
    theirs = etree.tostring(DocxTemplate.fix_tables(_template(), xml))
    assert ours == theirs


@pytest.mark.parametrize("text", ["plain", "two\nlines", "tab\there", "new\aparagraph", "page\fbreak", "中文\n", ""])
def test_resolve_listing_is_docxtpl_s(text):
    para = f'<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
    xml = f"<w:body {W}>" + "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 3 + para + "<w:p/><w:p w:rsidR=\"1\"/>" + para + "</w:body>"
    assert _template().resolve_listing(xml) == DocxTemplate.resolve_listing(_template(), xml)
