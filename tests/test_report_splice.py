"""The rendered body written as it came out of Jinja (outputs/docx_template.py) is docxtpl's document.

Each render below is made twice: as the pipeline makes it, and with docxtpl's own last steps (recover-mode parse,
``map_tree``, python-docx serialising the tree). Every zip entry but the body part must be the same bytes, and
the body part the same XML (C14N 2.0). The templates are the packaged four, with their sample data and with a
long hostile index, and three a user might make in Word: laid out differently, with a column loop (its grid
needs fixing) and with a condition that cuts a table apart (the render is not well-formed XML)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from dossier.outputs import docx_template, reports
from dossier.outputs.reports import INDEX, TEMPLATES

HOSTILE = ["引号\"和'单引号'", "<w:tc>不是单元格</w:tc>", "&amp; 已转义", "制表\t符", "两\n行", "]]>", "{{ 不是变量 }}",
           "𠀋生僻字", "\u200b零宽", "\x0b控制\x01字符", "{_{ 不是标签 }_}", "\ue000私用区\ue001"]


def _docxtpl_class():
    """The project's template class with docxtpl's own Jinja render, parse, tree move and serialisation."""
    class Plain(docx_template.template_class()):
        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            return DocxTemplate.render_xml_part(self, src_xml, part, context, jinja_env)

        def fix_tables(self, xml):
            return DocxTemplate.fix_tables(self, xml)

        def fix_docpr_ids(self, tree):
            DocxTemplate.fix_docpr_ids(self, tree)

        def map_tree(self, tree):
            DocxTemplate.map_tree(self, tree)

    return Plain


def _both(monkeypatch, path, context) -> tuple[bytes, bytes]:
    ours = reports.render_file(path, context)
    with monkeypatch.context() as m:
        m.setattr(reports, "template_class", _docxtpl_class)
        theirs = reports.render_file(path, context)
    return ours, theirs


def _assert_same_document(ours: bytes, theirs: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(io.BytesIO(theirs)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            x, y = a.read(name), b.read(name)
            if name == "word/document.xml":
                assert etree.canonicalize(x.decode("utf-8")) == etree.canonicalize(y.decode("utf-8"))
            else:
                assert x == y, name


def _rendered(path, context):
    doc = docx_template.template_class()(io.BytesIO(path.read_bytes()))
    doc.render(reports.clean(context), jinja_env=reports.environment(), autoescape=True)
    return doc


def _spliced(path, context) -> dict:
    return _rendered(path, context).spliced


def _stamped(path, context) -> bool:
    return _rendered(path, context)._stamped is not None


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_packaged_templates_render_as_docxtpl_does(monkeypatch, name):
    path = reports.default_template(name)
    ours, theirs = _both(monkeypatch, path, reports.sample_context(name))
    _assert_same_document(ours, theirs)


def test_long_hostile_index_is_spliced_and_same_as_docxtpl(monkeypatch):
    rows = [{"number": i, "archival_code": f"客户-{i:04d}", "doc_no": HOSTILE[i % len(HOSTILE)],
             "responsible": "某某有限公司", "title": HOSTILE[(i + 3) % len(HOSTILE)], "date": "2026-10-12",
             "pages": i, "remark": HOSTILE[(i + 7) % len(HOSTILE)]} for i in range(1, 301)]
    context = reports.index_context({"client": "客户", "name": "某某<&>有限公司"}, "v9", rows, version_date="2026-10-12")
    path = reports.default_template(INDEX)
    assert "word/document.xml" in _spliced(path, context)  # the shortcuts are taken for the index
    assert _stamped(path, context)
    ours, theirs = _both(monkeypatch, path, context)
    _assert_same_document(ours, theirs)
    text = zipfile.ZipFile(io.BytesIO(ours)).read("word/document.xml").decode("utf-8")
    assert "dossier-rendered-body" not in text and text.count("<w:body") == 1
    assert "&lt;w:tc&gt;不是单元格&lt;/w:tc&gt;" in text  # values stay text
    assert reports.render_file(path, context) == ours  # deterministic


@pytest.mark.parametrize("values", [
    ["0001_营业执照.pdf", "a_b_c", "__"],  # file names: underscores, no braces (rows written as stamped)
    ["100%", "{左", "右}", "{}"],  # braces, no underscore (rows written as stamped)
    ["{_", "_}", "%_", "x{_%y"],  # both: docxtpl's replacements may apply, so they run on the rows
    ["甲\t乙", "丙\n丁", "页\f", "铃\a"],  # Word's tabs and breaks
])
def test_index_values_docxtpl_post_processes_are_same_as_docxtpl(monkeypatch, values):
    """Rows skip docxtpl's steps after Jinja only when those cannot change them (``_post_is_identity``)."""
    rows = [{"number": i, "archival_code": f"客户-{i:04d}", "doc_no": values[i % len(values)], "responsible": "",
             "title": values[(i + 1) % len(values)], "date": "2026-10-12", "pages": i,
             "remark": values[(i + 2) % len(values)] + values[(i + 3) % len(values)]} for i in range(1, 41)]
    context = reports.index_context({"client": "客户", "name": "某某有限公司"}, "v2", rows, version_date="2026-10-12")
    path = reports.default_template(INDEX)
    assert _stamped(path, context)
    ours, theirs = _both(monkeypatch, path, context)
    _assert_same_document(ours, theirs)


@pytest.mark.parametrize(("body", "values", "identity"), [
    ("<w:t>{{ d.a }}</w:t>", "a_b", True),
    ("<w:t>{{ d.a }}</w:t>", "{a}%", True),
    ("<w:t>{{ d.a }}</w:t>", "{a}_", False),
    ("<w:t w:x=\"a_b\">{{ d.a }}</w:t>", "{", False),  # the "_" is in the markup, the brace in a value
    ("<w:t>{{ d.a }}%</w:t>", "_", False),
    ("<w:t>{{ d.a }}</w:t>", "两\n行", False),
    ("<w:t>\t{{ d.a }}</w:t>", "x", False),
])
def test_post_is_identity_needs_no_pattern_anywhere(body, values, identity):
    assert docx_template._post_is_identity(body, values) is identity


def _user_template(tmp_path, body) -> Path:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{ client_name }} 第 {{ version }} 版"
    body(doc)
    path = tmp_path / "用户模板.docx"
    doc.save(path)
    return path


def _user_context() -> dict:
    rows = [{"no": i, "title": HOSTILE[i % len(HOSTILE)], "pages": i, "cols": ["甲", "乙", "丙", "丁", "戊"][: 1 + i % 5]}
            for i in range(1, 41)]
    return {"client_name": "某某<&>公司", "version": "v2", "documents": rows, "total": len(rows), "flag": False}


def _loop_table(doc, head: tuple[str, ...], row: tuple[str, ...]) -> None:
    """A table with a head row and one row repeated for each of ``documents`` (docxtpl's ``{%tr for %}``)."""
    table = doc.add_table(rows=4, cols=len(row))
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for d in documents %}"
    for cell, text in zip(table.rows[2].cells, row):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _loop_paragraphs(doc, line: str, name: str = "d") -> None:
    doc.add_paragraph(f"{{%p for {name} in documents %}}")
    doc.add_paragraph(line)
    doc.add_paragraph("{%p endfor %}")


def test_user_copy_laid_out_differently(monkeypatch, tmp_path):
    def body(doc):
        doc.add_paragraph("归档目录（共 {{ total }} 件）")
        _loop_table(doc, ("题名", "件号", "页"),
                    ("{{ d.title }}", "{{ d.no }}{% if d.pages > 20 %}（长）{% endif %}", "{{ d.pages }}"))
        _loop_paragraphs(doc, "{{ loop.index }}. {{ d.title }}")

    path = _user_template(tmp_path, body)
    assert "word/document.xml" in _spliced(path, _user_context())
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)


def test_user_copy_whose_grid_docxtpl_fixes(monkeypatch, tmp_path):
    def body(doc):
        table = doc.add_table(rows=3, cols=4)  # rows of 2 to 6 cells: docxtpl widens the grid
        table.rows[0].cells[0].text = "{%tr for d in documents %}"
        row = table.rows[1].cells
        row[0].text, row[1].text, row[2].text, row[3].text = "{{ d.no }}", "{%tc for c in d.cols %}", "{{ c }}", "{%tc endfor %}"
        table.rows[2].cells[0].text = "{%tr endfor %}"

    path = _user_template(tmp_path, body)
    assert _spliced(path, _user_context()) == {}  # left to docxtpl
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)


def test_user_copy_whose_render_is_not_well_formed(monkeypatch, tmp_path):
    def body(doc):
        table = doc.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text = "{% if flag %}开始"
        table.rows[1].cells[1].text = "结束{% endif %}"
        doc.add_paragraph("{{ client_name }}")

    path = _user_template(tmp_path, body)
    assert _spliced(path, _user_context()) == {}  # docxtpl's recover-mode parse decides
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)


def _simple_loops(doc):
    _loop_table(doc, ("件号", "题名", "页数"), ("{{ d.no }}", "{{d.title}}", "第 {{ d.pages }} 页"))
    _loop_paragraphs(doc, "{{ r.title }}（{{ r.pages }} 页）", "r")


def test_user_copy_with_simple_loops_is_stamped(monkeypatch, tmp_path):
    path = _user_template(tmp_path, _simple_loops)
    assert _stamped(path, _user_context()) and "word/document.xml" in _spliced(path, _user_context())
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)


def test_simple_loop_inside_a_condition_is_left_to_jinja(monkeypatch, tmp_path):
    def body(doc):
        doc.add_paragraph("{%p if flag %}")
        _simple_loops(doc)
        doc.add_paragraph("{%p endif %}")
        doc.add_paragraph("完")

    path = _user_template(tmp_path, body)
    assert not _stamped(path, _user_context())
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)


def _outcome(path, context, cls=None):
    """The bytes a render gives, or the class of the exception it raises."""
    with pytest.MonkeyPatch.context() as m:
        if cls is not None:
            m.setattr(reports, "template_class", cls)
        try:
            return reports.render_file(path, context)
        except Exception as exc:  # noqa: BLE001 - compared between the two renderers
            return type(exc)


@pytest.mark.parametrize("rows", [
    [{"no": 1, "title": "甲"}],                  # a field the loop shows is missing: Jinja says which
    [{"no": 1, "title": "甲", "pages": 2}, "乙"],  # an item that is not a mapping
])
def test_unusual_items_are_left_to_jinja(tmp_path, rows):
    path = _user_template(tmp_path, _simple_loops)
    context = {**_user_context(), "documents": rows}
    ours, theirs = _outcome(path, context), _outcome(path, context, _docxtpl_class)
    if isinstance(ours, bytes):
        _assert_same_document(ours, theirs)
    else:
        assert ours is theirs


def test_a_value_xml_forbids_is_left_to_docxtpl(tmp_path):
    """Contexts are cleaned before rendering; one that is not still renders as docxtpl renders it."""
    path = _user_template(tmp_path, _simple_loops)
    context = {**_user_context(), "documents": [{"no": 1, "title": "坏\x01字", "pages": 2}]}
    doc = docx_template.template_class()(io.BytesIO(path.read_bytes()))
    doc.render(context, jinja_env=reports.environment(), autoescape=True)
    assert doc._stamped is None
    with pytest.MonkeyPatch.context() as m:
        ours = reports.render_file(path, context, cleaned=True)
        m.setattr(reports, "template_class", _docxtpl_class)
        theirs = reports.render_file(path, context, cleaned=True)
    _assert_same_document(ours, theirs)


def test_a_sequence_named_elsewhere_is_left_to_jinja(monkeypatch, tmp_path):
    """``{{ documents|length }}`` (or anything else that names the loop's sequence) might change or rebind it."""
    def body(doc):
        doc.add_paragraph("共 {{ documents|length }} 件")
        _simple_loops(doc)

    path = _user_template(tmp_path, body)
    assert not _stamped(path, _user_context())
    ours, theirs = _both(monkeypatch, path, _user_context())
    _assert_same_document(ours, theirs)
