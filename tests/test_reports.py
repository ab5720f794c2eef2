"""Reports: sandboxed, escaped, deterministic docxtpl rendering; template checks; LibreOffice opens them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile

import pytest
from docx import Document

from dossier.outputs import report_values, reports, template_check
from dossier.outputs.report_templates import build as template_build
from dossier.errors import TemplateProblem
from dossier.outputs.reports import COMPLETENESS, INDEX, TEMPLATES

CLIENT = {"client": "恒远机械", "name": "杭州恒远机械有限公司", "credit_code": "91330106MA2H2K4X1L"}
CASE = {"product": "working_capital_loan", "amount": 5_000_000.0, "term_months": 12,
        "application_date": "2026-10-12", "agent": "李四"}
NASTY = "经营异常\x0b名录<&>\x01\x1f已移出"  # OCR text: control characters and XML specials
STATUS_CYCLE = list(reports.STATUSES.items())


def items(n: int = 40) -> list[dict]:
    rows = [{
        "item": "balance_sheet", "name": "资产负债表", "status": "incomplete", "status_zh": "不完整",
        "required_years": [2023, 2024, 2025], "years": [2024, 2025],
        "documents": ["documents/资产负债表_2024.pdf", "documents/资产负债表_2025.pdf"], "evidence": "3、4",
        "problems": ["缺少 2023 年度资产负债表"],
    }, {
        "item": "articles", "name": "公司章程", "status": "missing", "status_zh": "缺失",
        "required_years": [], "years": [], "documents": [], "evidence": "", "problems": ["未提供公司章程"],
    }, {
        "item": "credit_report", "name": "企业信用报告", "status": "review", "status_zh": "待复核",
        "required_years": [], "years": [], "documents": ["documents/企业信用报告.pdf"], "evidence": "7",
        "problems": [NASTY],
    }]
    while len(rows) < n:
        i = len(rows) + 1
        status, zh = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        rows.append({"item": f"item_{i}", "name": f"核查资料第{i}项", "status": status, "status_zh": zh,
                     "required_years": [], "years": [], "documents": [f"documents/资料_{i}.pdf"],
                     "evidence": str(i), "problems": [] if status == "complete" else [f"第{i}项问题说明"]})
    return rows[:n]


def documents(n: int = 40) -> list[dict]:
    docs = [{"number": 1, "archival_code": "恒远机械-v3-0001", "doc_no": "", "responsible": "杭州恒远机械有限公司",
             "title": "营业执照", "date": "2018-03-14", "pages": 1, "remark": "扫描件 OCR；待复核"},
            {"number": 2, "archival_code": "恒远机械-v3-0002", "doc_no": "浙恒会审〔2026〕112号",
             "responsible": "浙江恒信会计师事务所", "title": f"2025 年度审计报告 {NASTY}", "date": "2026-03-31",
             "pages": 42, "remark": ""}]
    for i in range(3, n + 1):
        docs.append({"number": i, "archival_code": f"恒远机械-v3-{i:04d}", "doc_no": "",
                     "responsible": "杭州恒远机械有限公司", "title": f"归档文件题名{i}", "date": "2026-10-12",
                     "pages": i, "remark": ""})
    return docs


def completeness(**overrides) -> dict:
    args = {"client": CLIENT, "case": CASE, "as_of": "2026-10-12", "version": "v3", "items": items()}
    args.update(overrides)
    return reports.completeness_context(**args)


def index(**overrides) -> dict:
    args = {"client": CLIENT, "version": "v3", "documents": documents(), "version_date": "2026-10-12"}
    args.update(overrides)
    return reports.index_context(**args)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in doc.sections for p in section.header.paragraphs]
    return "\n".join(parts)


def edit_docx(data: bytes, member: str, edit) -> bytes:
    """A copy of a docx with one member changed by ``edit(text) -> text``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == member:
                edited = edit(blob.decode("utf-8"))
                assert edited != blob.decode("utf-8"), f"the edit did not change {member}"
                blob = edited.encode("utf-8")
            dst.writestr(info, blob)
    return out.getvalue()


def default_bytes(name: str) -> bytes:
    return reports.default_template(name).read_bytes()


# -- contexts ---------------------------------------------------------------------------------

def test_completeness_context_fields():
    ctx = completeness(items=items(3))
    assert ctx["client_name"] == "杭州恒远机械有限公司" and ctx["client_id"] == "恒远机械"
    assert ctx["product"] == "流动资金贷款担保"
    assert ctx["amount"] == "5,000,000.00 元" and ctx["amount_upper"] == "人民币伍佰万元整"
    assert ctx["as_of"] == "2026年10月12日" and ctx["document_date"] == "2026-10-12"
    first = ctx["items"][0]
    assert first["years_text"] == "应：2023、2024、2025\n已：2024、2025"
    assert first["basis"] == "件号 3、4\n资产负债表_2024.pdf\n资产负债表_2025.pdf"
    assert ctx["counts"]["missing"] == 1 and ctx["total"] == 3
    assert ctx["summary"].startswith("共 3 项：齐全 0 项，缺失 1 项，不完整 1 项")
    # untrusted text is cleaned of XML-illegal characters, but keeps <&> (escaped at render time)
    assert ctx["items"][2]["problems"] == "经营异常名录<&>已移出"


def test_context_without_case_or_agent():
    ctx = reports.completeness_context({"client": "x"}, {}, "2026-10-12", "v1", [])
    assert ctx["client_name"] == "x" and ctx["credit_code"] == "未填写"
    assert ctx["amount"] == "未填写" and ctx["amount_upper"] == ""
    assert ctx["agent"] == "无（法定代表人本人办理）"
    assert ctx["summary"].startswith("共 0 项")


def test_index_context_dates_follow_da_t_22():
    ctx = index(documents=documents(3))
    assert [d["date"] for d in ctx["documents"]] == ["20180314", "20260331", "20261012"]
    assert ctx["total"] == 3 and ctx["total_pages"] == 1 + 42 + 3
    assert ctx["documents"][1]["title"] == "2025 年度审计报告 经营异常名录<&>已移出"


@pytest.mark.parametrize("amount, upper", [
    (5_000_000, "人民币伍佰万元整"),
    (10, "人民币壹拾元整"),
    (105_000, "人民币壹拾万伍仟元整"),
    (100_500, "人民币壹拾万零伍佰元整"),
    (100_005_000, "人民币壹亿零伍仟元整"),
    (1_005_000_000, "人民币壹拾亿零伍佰万元整"),
    (20_000_000_001, "人民币贰佰亿零壹元整"),
    ("1234567.89", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (1.05, "人民币壹元零伍分"),
    (0.5, "人民币伍角"),
    (0, "人民币零元整"),
])
def test_amount_upper(amount, upper):
    assert report_values.amount_upper(amount) == upper


# -- rendering --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, context, expected", [
    (COMPLETENESS, completeness, ["杭州恒远机械有限公司", "91330106MA2H2K4X1L", "流动资金贷款担保", "人民币伍佰万元整",
                                  "2026年10月12日", "李四", "缺少 2023 年度资产负债表", "经营异常名录<&>已移出",
                                  "核查资料第40项", "合规审查（签字）", "经办客户经理（签字）",
                                  "应：2023、2024、2025", "件号 3、4"]),
    (INDEX, index, ["杭州恒远机械有限公司", "恒远机械-v3-0001", "浙恒会审〔2026〕112号", "20180314",
                    "2025 年度审计报告 经营异常名录<&>已移出", "恒远机械-v3-0040", "归档文件题名40", "共 40 件，860 页"]),
])
def test_render_contains_values(name, context, expected):
    data = reports.render(name, context())
    text = docx_text(data)
    for value in expected:
        assert value in text, value
    assert "\x0b" not in text and "{{" not in text and "{%" not in text
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "经营异常名录&lt;&amp;&gt;已移出" in xml


def test_render_forty_rows():
    doc = Document(io.BytesIO(reports.render(COMPLETENESS, completeness())))
    table = doc.tables[1]
    assert len(table.rows) == 1 + 40
    assert [c.text for c in table.rows[0].cells] == ["序号", "资料名称", "状态", "应提供年度/已提供年度",
                                                      "依据（件号）", "问题说明"]
    assert table.rows[40].cells[0].text == "40"
    index_doc = Document(io.BytesIO(reports.render(INDEX, index())))
    assert len(index_doc.tables[0].rows) == 1 + 40
    assert [c.text for c in index_doc.tables[0].rows[0].cells] == ["序号", "档号", "文号", "责任者", "题名", "日期",
                                                                    "页数", "备注"]


@pytest.mark.parametrize("name, context, changed", [
    (COMPLETENESS, completeness, lambda: completeness(version="v4")),
    (INDEX, index, lambda: index(documents=documents(39))),
])
def test_render_is_deterministic(name, context, changed):
    first = reports.render(name, context())
    assert reports.render(name, context()) == first
    assert reports.render(name, changed()) != first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
        assert zf.namelist()[0] == "[Content_Types].xml"
    props = Document(io.BytesIO(first)).core_properties
    assert props.created.date().isoformat() == "2026-10-12" == props.modified.date().isoformat()


def test_values_are_not_templates():
    """A value that looks like Jinja is text, never evaluated (no second rendering pass)."""
    ctx = completeness(client={"client": "c", "name": "{{ 7*7 }}{% if true %}x{% endif %}", "credit_code": None})
    text = docx_text(reports.render(COMPLETENESS, ctx))
    assert "{{ 7*7 }}{% if true %}x{% endif %}" in text and "49" not in text


def test_core_properties_are_plain_text():
    ctx = completeness(client={"client": "c", "name": "甲<&>乙", "credit_code": None})
    props = Document(io.BytesIO(reports.render(COMPLETENESS, ctx))).core_properties
    assert props.subject == "甲<&>乙 档案版本 v3"


def test_user_copy_overrides_default(tmp_path):
    user = edit_docx(default_bytes(COMPLETENESS), "word/document.xml",
                     lambda xml: xml.replace("融资担保客户档案完整性核查表", "本公司自定义核查表"))
    (tmp_path / COMPLETENESS).write_bytes(user)
    assert reports.template_path(COMPLETENESS, tmp_path) == tmp_path / COMPLETENESS
    assert reports.template_path(INDEX, tmp_path) == reports.default_template(INDEX)
    text = docx_text(reports.render(COMPLETENESS, completeness(), tmp_path))
    assert "本公司自定义核查表" in text and "融资担保客户档案完整性核查表" not in text
    assert "本公司自定义核查表" not in docx_text(reports.render(COMPLETENESS, completeness()))
    assert "归档文件目录" in docx_text(reports.render(INDEX, index(), tmp_path))  # absent copy: default


def test_user_copy_with_unknown_variable_fails_loudly(tmp_path):
    user = edit_docx(default_bytes(COMPLETENESS), "word/document.xml",
                     lambda xml: xml.replace("{{ credit_code }}", "{{ credit_cod }}"))
    (tmp_path / COMPLETENESS).write_bytes(user)
    with pytest.raises(TemplateProblem) as err:
        reports.render(COMPLETENESS, completeness(), tmp_path)
    assert "credit_cod" in err.value.message and str(tmp_path / COMPLETENESS) in err.value.message
    assert "dossier templates check" in err.value.message


def test_render_is_sandboxed(tmp_path):
    user = edit_docx(default_bytes(INDEX), "word/document.xml",
                     lambda xml: xml.replace("{{ client_id }}", "{{ client_id.__class__.__mro__ }}"))
    (tmp_path / INDEX).write_bytes(user)
    with pytest.raises(TemplateProblem):
        reports.render(INDEX, index(), tmp_path)


def test_damaged_user_copy(tmp_path):
    (tmp_path / INDEX).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(TemplateProblem) as err:
        reports.render(INDEX, index(), tmp_path)
    assert "已损坏" in err.value.message and str(tmp_path / INDEX) in err.value.message


def test_unknown_template_name():
    with pytest.raises(TemplateProblem) as err:
        reports.render("授信报告.docx", {})
    assert "完整性核查表.docx" in err.value.message


def test_install_defaults(tmp_path):
    target = tmp_path / "templates"
    written = reports.install_defaults(target)
    assert sorted(p.name for p in written) == sorted(TEMPLATES)
    assert all((target / n).read_bytes() == default_bytes(n) for n in TEMPLATES)
    (target / INDEX).write_bytes(b"user's own copy")
    (target / COMPLETENESS).unlink()
    assert reports.install_defaults(target) == [target / COMPLETENESS]
    assert (target / INDEX).read_bytes() == b"user's own copy"
    assert not list(target.glob(".*"))


# -- the shipped templates --------------------------------------------------------------------

@pytest.mark.parametrize("name", list(TEMPLATES))
def test_shipped_templates_pass_check(name):
    assert template_check.check_template(reports.default_template(name)) == []


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_shipped_templates_match_build_script(name):
    """The .docx files are generated: regenerate with `python -m dossier.outputs.report_templates.build`."""
    built = template_build.render_template(name)
    with zipfile.ZipFile(io.BytesIO(built)) as a, zipfile.ZipFile(reports.default_template(name)) as b:
        assert a.namelist() == b.namelist()
        for member in a.namelist():
            assert a.read(member) == b.read(member), member


@pytest.mark.parametrize("name, landscape", [(COMPLETENESS, False), (INDEX, True)])
def test_shipped_templates_are_chinese_a4(name, landscape):
    data = default_bytes(name)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")}
        assert not any(n.startswith(("customXml/", "docProps/thumbnail")) for n in zf.namelist())
    assert not any("ja-JP" in text for text in xml.values())
    styles = xml["word/styles.xml"]
    assert '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>' in styles
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert "eastAsiaTheme" not in styles and "asciiTheme" not in styles
    assert 'w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"' in xml["word/settings.xml"]
    assert '<w:altName w:val="SimSun"/>' in xml["word/fontTable.xml"]
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    size = sorted((round(section.page_width.mm), round(section.page_height.mm)))
    assert size == [210, 297] and (section.page_width > section.page_height) == landscape
    body = xml["word/document.xml"]
    assert "<w:tblHeader/>" in body and "<w:tblBorders>" in body and 'w:pStyle w:val="TableHead"' in body


# -- check_template ---------------------------------------------------------------------------

def check_edited(tmp_path, name: str, member: str, edit) -> list[str]:
    path = tmp_path / name
    path.write_bytes(edit_docx(default_bytes(name), member, edit))
    return template_check.check_template(path)


def test_check_unknown_variable(tmp_path):
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml",
                            lambda xml: xml.replace("{{ credit_code }}", "{{ credit_cod }}"))
    assert len(problems) == 1
    assert str(tmp_path / COMPLETENESS) in problems[0]
    assert "未知变量“credit_cod”" in problems[0] and "credit_code" in problems[0]


def test_check_unknown_field_of_a_row(tmp_path):
    problems = check_edited(tmp_path, INDEX, "word/document.xml",
                            lambda xml: xml.replace("{{ d.title }}", "{{ d.titel }}"))
    assert len(problems) == 1 and "未知变量“documents.titel”" in problems[0]
    assert "documents.title" in problems[0]


def test_check_unknown_variable_in_header(tmp_path):
    problems = check_edited(tmp_path, INDEX, "word/header1.xml",
                            lambda xml: xml.replace("{{ version }}", "{{ versoin }}"))
    assert len(problems) == 1 and "页眉" in problems[0] and "versoin" in problems[0]


def test_check_broken_jinja_tag(tmp_path):
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml",
                            lambda xml: xml.replace("{% endif %}", "{% endfi %}"))
    assert len(problems) == 1
    message = problems[0]
    assert str(tmp_path / COMPLETENESS) in message and "正文" in message
    assert "Jinja 语法错误" in message and "endfi" in message and "endif" in message
    assert "{{ amount }}" in message  # the paragraph's text


def test_check_unknown_filter(tmp_path):
    problems = check_edited(tmp_path, INDEX, "word/document.xml",
                            lambda xml: xml.replace("{{ d.pages }}", "{{ d.pages|money }}"))
    assert len(problems) == 1 and "没有名为 money 的过滤器" in problems[0] and "d.pages|money" in problems[0]


def test_check_unclosed_tag_across_paragraphs(tmp_path):
    def split(xml: str) -> str:
        return xml.replace("<w:t>核查小结：{{ summary }}</w:t></w:r></w:p>",
                           "<w:t>核查小结：{{ sum</w:t></w:r></w:p><w:p><w:r><w:t>mary }}</w:t></w:r></w:p>")
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml", split)
    assert problems and "未闭合" in problems[0] and "核查小结：{{ sum" in problems[0]


def test_check_accepts_tags_split_into_runs_docxtpl_can_join(tmp_path):
    """Word often splits a tag into several runs (formatting, spell check); docxtpl joins them."""
    def split(xml: str) -> str:
        return xml.replace(
            "<w:r><w:t>{{ client_id }}</w:t></w:r>",
            '<w:r><w:t>{</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>{ client</w:t>'
            '</w:r><w:r><w:t xml:space="preserve">_id }</w:t></w:r><w:r><w:t>}</w:t></w:r>', 1)
    assert check_edited(tmp_path, COMPLETENESS, "word/document.xml", split) == []


def test_check_accepts_comparisons_and_percent_signs(tmp_path):
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml", lambda xml: xml.replace(
        "<w:t>核查小结：{{ summary }}</w:t>",
        "<w:t>{% if total &lt; 50 and counts.missing &gt;= 0 %}核查小结（抽样 100％）：{{ summary }}{% endif %}</w:t>"))
    assert problems == []


def test_check_full_width_braces(tmp_path):
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml",
                            lambda xml: xml.replace("{{ client_id }}", "｛｛ client_id ｝｝", 1))
    assert len(problems) == 1 and "全角" in problems[0]


def test_check_invisible_character(tmp_path):
    problems = check_edited(tmp_path, INDEX, "word/document.xml",
                            lambda xml: xml.replace("{{ d.remark }}", "{{\u200bd.remark }}"))
    assert len(problems) == 1 and "U+200B" in problems[0]


def test_check_malformed_xml(tmp_path):
    problems = check_edited(tmp_path, COMPLETENESS, "word/document.xml",
                            lambda xml: xml.replace("</w:body>", "<w:p></w:body>"))
    assert len(problems) == 1
    assert str(tmp_path / COMPLETENESS) in problems[0]
    assert "word/document.xml 不是格式正确的 XML" in problems[0] and "另存为" in problems[0]


def test_check_illegal_character_in_xml(tmp_path):
    """Exactly what docxtpl's recover-mode parser would silently swallow."""
    problems = check_edited(tmp_path, INDEX, "word/styles.xml",
                            lambda xml: xml.replace("<w:name w:val=\"Normal\"/>", "<w:name w:val=\"Nor\x01mal\"/>"))
    assert len(problems) == 1 and "word/styles.xml" in problems[0]


def test_check_not_a_docx(tmp_path):
    path = tmp_path / INDEX
    path.write_bytes(b"%PDF-1.7 not a docx")
    problems = template_check.check_template(path)
    assert len(problems) == 1 and "不是有效的 .docx 文件" in problems[0] and str(path) in problems[0]


def test_check_unknown_template_name(tmp_path):
    path = tmp_path / "草稿.docx"
    path.write_bytes(default_bytes(INDEX))
    assert "不是已知的报告模板" in template_check.check_template(path)[0]
    assert template_check.check_template(path, INDEX) == []


def test_check_core_property(tmp_path):
    problems = check_edited(tmp_path, INDEX, "docProps/core.xml",
                            lambda xml: xml.replace("{{ client_name }} 档案版本", "{{ client_nam }} 档案版本"))
    assert len(problems) == 1 and "文档属性“主题”" in problems[0] and "client_nam" in problems[0]


# -- LibreOffice ------------------------------------------------------------------------------

def test_libreoffice_converts_both_reports(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if not soffice or not pdftotext:
        pytest.skip("LibreOffice (soffice) 或 pdftotext 未安装：请运行 `make sysdeps` "
                    "（deploy/apt-packages.txt 中的 libreoffice-writer-nogui、poppler-utils）")
    profile = tmp_path / "home"
    profile.mkdir()
    sources = []
    for name, context in ((COMPLETENESS, completeness), (INDEX, index)):
        source = tmp_path / name
        source.write_bytes(reports.render(name, context()))
        sources.append(source)
    env = {**os.environ, "HOME": str(profile), "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}/lo", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, sources)],
        env=env, capture_output=True, text=True, timeout=120)
    pdfs = [s.with_suffix(".pdf") for s in sources]
    assert all(p.exists() for p in pdfs), result.stdout + result.stderr
    texts = [subprocess.run([pdftotext, "-enc", "UTF-8", str(p), "-"], capture_output=True, text=True,
                            timeout=60, check=True).stdout for p in pdfs]
    report, archive_index = ("".join(t.split()) for t in texts)  # layout may break lines and spaces
    for value in ("杭州恒远机械有限公司", "融资担保客户档案完整性核查表", "缺失", "合规审查（签字）", "第40项问题说明",
                  "经营异常名录<&>已移出"):
        assert value in report, value
    for value in ("归档文件目录", "恒远机械-v3-0040", "浙恒会审〔2026〕112号", "20180314"):
        assert value in archive_index, value


def test_libreoffice_edited_template_still_works(tmp_path):
    """A template re-saved by LibreOffice (as a user editing in an office suite would) passes the
    check and renders: the office suite's run splitting and extra markup do not break the tags."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) 未安装：请运行 `make sysdeps`（deploy/apt-packages.txt）")
    profile, src, out = tmp_path / "home", tmp_path / "src", tmp_path / "templates"
    for folder in (profile, src, out):
        folder.mkdir()
    for name in TEMPLATES:
        (src / name).write_bytes(default_bytes(name))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}/lo", "--headless", "--norestore",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *(str(src / n) for n in TEMPLATES)],
        env={**os.environ, "HOME": str(profile), "TMPDIR": str(tmp_path)}, capture_output=True, text=True,
        timeout=120)
    for name in TEMPLATES:
        assert (out / name).exists(), result.stdout + result.stderr
        assert (out / name).read_bytes() != default_bytes(name)
        assert template_check.check_template(out / name) == []
    text = docx_text(reports.render(COMPLETENESS, completeness(), out))
    assert "杭州恒远机械有限公司" in text and "第40项问题说明" in text and "经营异常名录<&>已移出" in text


# -- the fingerprint an issued report is compared by (issue 10, finding 3) --------------------------

def test_report_fingerprint_ignores_the_version_header_and_nothing_else(home, tmp_path):
    """A dossier's reports at two versions differ in bytes (the header) but say the same; a case change
    shows in the completeness report and not in the archive index; a restyled user template says the same."""
    import dataclasses

    from docx.shared import Pt

    from conftest import ingest
    import dossier_factory as samples
    from dossier.archive import Archive
    from dossier.outputs import REPORT_PATHS, report_files

    company = samples.make_company(71, short="润达纸业")
    samples.business_licence_pdf(company, home.inbox / company.short / "营业执照.pdf")
    samples.balance_sheet_pdf(company, 2025, home.inbox / company.short / "2025资产负债表.pdf")
    ingest(home)
    snap = Archive(home).snapshot(company.short)
    first = report_files(snap)
    later = report_files(dataclasses.replace(snap, version="v9"))
    for path in REPORT_PATHS.values():
        assert bytes(first[path]) != bytes(later[path])  # the version header differs
        assert first[path].content == later[path].content  # what the report says does not
    meta = {**snap.meta, "case": {**(snap.meta.get("case") or {}), "amount": 8_000_000}}
    amended = report_files(dataclasses.replace(snap, meta=meta))
    assert amended[REPORT_PATHS["completeness"]].content != first[REPORT_PATHS["completeness"]].content
    assert amended[REPORT_PATHS["index"]].content == first[REPORT_PATHS["index"]].content

    styled = tmp_path / "templates"
    styled.mkdir()
    doc = Document(str(reports.default_template(INDEX)))
    doc.styles["Normal"].font.size = Pt(9)  # restyled
    doc.paragraphs[0].insert_paragraph_before("（本公司存档用）")  # a user's own line, no variable
    doc.save(styled / INDEX)
    restyled = report_files(snap, styled)
    assert bytes(restyled[REPORT_PATHS["index"]]) != bytes(first[REPORT_PATHS["index"]])
    assert restyled[REPORT_PATHS["index"]].content == first[REPORT_PATHS["index"]].content
