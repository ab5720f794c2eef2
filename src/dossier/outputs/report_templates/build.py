"""Build the default report templates with python-docx.

    python -m dossier.outputs.report_templates.build [OUT_DIR]     # default: this package folder

python-docx's own default template is a US Word 2010 document (Letter paper, theme fonts, East-Asian
language ja-JP). Here it becomes a Chinese one: A4, zh-CN, explicit fonts (宋体/SimSun for body text,
黑体/SimHei for titles and table heads, Times New Roman for Latin text), black headings, no
thumbnail. Tables have explicit single borders, a fixed layout and a header row that repeats on
every page; their data rows are docxtpl ``{%tr for %}`` loops.

The output is deterministic (``reports.normalise_zip``), so regenerating gives the same files.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from dossier.outputs.reports import COMPLETENESS, EVALUATION, INDEX, MONITORING, normalise_zip
from lxml import etree

LATIN = "Times New Roman"
SONG = "宋体"   # SimSun
HEI = "黑体"    # SimHei
#: fontTable entries so Word/WPS/LibreOffice can map the Chinese names (altName, GB2312 charset).
FONT_TABLE = {
    SONG: ("SimSun", "02010600030101010101"),
    HEI: ("SimHei", "02010609060101010101"),
}
BUILT = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEAD_FILL = "D9D9D9"
LABEL_FILL = "F2F2F2"


# -- document set-up ------------------------------------------------------------------------

def _fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rfonts.set(qn(f"w:{attr}"), value)


def _chinese_styles(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, SONG)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "24")  # 小四 12 pt
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "300")
    spacing.set(qn("w:lineRule"), "auto")
    # Every style that used theme fonts gets explicit ones: headings 黑体, the rest 宋体.
    for rfonts in styles.iter(qn("w:rFonts")):
        if rfonts.getparent().getparent().tag == qn("w:rPrDefault"):
            continue
        major = any("major" in v for v in rfonts.attrib.values())
        _fonts(rfonts.getparent(), HEI if major else SONG)
    for lang in styles.iter(qn("w:lang")):
        if lang.get(qn("w:eastAsia")) not in (None, "zh-CN"):
            lang.set(qn("w:eastAsia"), "zh-CN")

    title = doc.styles["Title"]
    title.font.size = Pt(18)  # 小二
    title.font.color.rgb = None
    ppr = title.element.pPr
    ppr.remove(ppr.find(qn("w:pBdr")))
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    for name in ("Heading 1", "Heading 2"):
        heading = doc.styles[name]
        heading.font.color.rgb = None
        heading.font.bold = False
        heading.font.size = Pt(14 if name == "Heading 1" else 12)  # 四号 / 小四
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
    for style in doc.styles:
        if style.type == WD_STYLE_TYPE.CHARACTER and style.name in ("Title Char", "Heading 1 Char", "Heading 2 Char"):
            style.font.color.rgb = None

    def paragraph_style(style_id: str, name: str, *, size: float, east_asia: str = SONG,
                        align=None, space_before: float = 0):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        _fonts(style.element.get_or_add_rPr(), east_asia)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(space_before), Pt(0), 1.0
        if align is not None:
            fmt.alignment = align
        style.quick_style = True
        return style

    paragraph_style("TableText", "表格文字", size=10.5)                         # 五号
    paragraph_style("TableHead", "表头文字", size=10.5, east_asia=HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style("Signature", "签字栏", size=12, space_before=24)
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(9)                                    # 小五


def _settings(doc) -> None:
    settings = doc.settings.element
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)
    lang = settings.find(qn("w:themeFontLang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc) -> None:
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, (alt, panose) in FONT_TABLE.items():
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="auto"/>'
            f'<w:pitch w:val="variable"/>'
            f'<w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000"'
            f' w:csb0="00040001" w:csb1="00000000"/></w:font>'))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_extras(doc) -> None:
    """No thumbnail of a blank US page, no Word 2010 stylesWithEffects, no bibliography customXml."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            del doc.part.rels[rid]


def _new_document(*, landscape: bool, title: str, subject: str):
    doc = Document()
    _drop_extras(doc)
    _chinese_styles(doc)
    _settings(doc)
    _font_table(doc)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(20)
    section.header_distance = section.footer_distance = Mm(12)
    props = doc.core_properties
    props.title, props.subject, props.author = title, subject, "dossier"
    props.comments = "由 dossier.outputs.report_templates.build 生成；可在 Word/WPS 中修改。"
    props.last_modified_by, props.revision, props.language = "dossier", 1, "zh-CN"
    props.keywords, props.category = "", ""
    props.created = props.modified = BUILT
    return doc


def _page_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    p.add_run(" 页 共 ")
    p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    p.add_run(" 页")


def _page_header(section, text: str) -> None:
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run(text)


# -- tables -----------------------------------------------------------------------------------

def _set_table(table, widths_mm: list[float]) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    total = sum(round(Mm(w).twips) for w in widths_mm)
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:w"), str(total))
    tblw.set(qn("w:type"), "dxa")
    borders = parse_xml(f'<w:tblBorders {nsdecls("w")}>' + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
    # CT_TblPr children order: tblStyle, ..., tblW, jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook
    jc = tblpr.find(qn("w:jc"))
    (jc if jc is not None else tblw).addnext(borders)
    margins = parse_xml(f'<w:tblCellMar {nsdecls("w")}><w:top w:w="28" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
                        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>')
    tblpr.find(qn("w:tblLayout")).addnext(margins)
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[column:column + span]))
            column += span


def _shade(cell, fill: str) -> None:
    # CT_TcPr order: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, textDirection, tcFitText, vAlign
    tcpr = cell._tc.get_or_add_tcPr()
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    later = [c for c in tcpr if c.tag in {qn(t) for t in ("w:noWrap", "w:tcMar", "w:textDirection",
                                                          "w:tcFitText", "w:vAlign", "w:hideMark")}]
    if later:
        later[0].addprevious(shd)
    else:
        tcpr.append(shd)


def _row_flags(row, *, header: bool = False, min_height_mm: float = 0) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    if min_height_mm:
        trpr.append(parse_xml(f'<w:trHeight {nsdecls("w")} w:val="{round(Mm(min_height_mm).twips)}" w:hRule="atLeast"/>'))
    if header:
        trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _cell_text(cell, text: str, style: str = "表格文字", align=None) -> None:
    p = cell.paragraphs[0]
    p.style = style
    if align is not None:
        p.alignment = align
    if text:
        p.add_run(text)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _loop_table(doc, columns: list[tuple[str, float, str, object]], loop: str) -> None:
    """Header row (repeats on each page), then ``{%tr for %}``, the data row, ``{%tr endfor %}``."""
    widths = [w for _, w, _, _ in columns]
    table = doc.add_table(rows=4, cols=len(columns))
    head, start, data, end = table.rows
    _row_flags(head, header=True, min_height_mm=8)
    for cell, (title, _, _, _) in zip(head.cells, columns):
        _cell_text(cell, title, "表头文字")
        _shade(cell, HEAD_FILL)
    _row_flags(data, min_height_mm=6)
    for cell, (_, _, expr, align) in zip(data.cells, columns):
        _cell_text(cell, "{{ %s }}" % expr, align=align)
    for row, tag in ((start, "{%%tr %s %%}" % loop), (end, "{%tr endfor %}")):
        merged = row.cells[0].merge(row.cells[-1])
        _cell_text(merged, tag)
    _set_table(table, widths)


def _info_table(doc, rows: list[list[str]], widths_mm: list[float]) -> None:
    """Label/value pairs; a row of two entries spans the value over the remaining columns."""
    table = doc.add_table(rows=len(rows), cols=len(widths_mm))
    for row, entries in zip(table.rows, rows):
        _row_flags(row, min_height_mm=7)
        cells = row.cells
        if len(entries) == 2:
            cells = [cells[0], cells[1].merge(cells[-1])]
        for i, (cell, text) in enumerate(zip(cells, entries)):
            if i % 2 == 0:
                _cell_text(cell, text, "表头文字")
                _shade(cell, LABEL_FILL)
            else:
                _cell_text(cell, text)
    _set_table(table, widths_mm)


# -- the two templates ------------------------------------------------------------------------

C, L = WD_ALIGN_PARAGRAPH.CENTER, None


def build_completeness():
    doc = _new_document(landscape=False, title="融资担保客户档案完整性核查表",
                        subject="{{ client_name }} 档案版本 {{ version }}")
    section = doc.sections[0]
    _page_header(section, "{{ client_name }}（档案编号 {{ client_id }}）　档案版本 {{ version }}　核查基准日 {{ as_of }}")
    _page_footer(section)
    doc.add_paragraph("融资担保客户档案完整性核查表", style="Title")
    _info_table(doc, [
        ["客户名称", "{{ client_name }}", "档案编号", "{{ client_id }}"],
        ["统一社会信用代码", "{{ credit_code }}", "档案版本", "{{ version }}"],
        ["担保品种", "{{ product }}", "期限（月）", "{{ term_months }}"],
        ["担保金额", "{{ amount }}{% if amount_upper %}（{{ amount_upper }}）{% endif %}"],
        ["申请日期", "{{ application_date }}", "核查基准日", "{{ as_of }}"],
        ["经办人/授权委托人", "{{ agent }}"],
    ], [38, 50, 28, 54])
    doc.add_paragraph("一、核查结果", style="Heading 1")
    _loop_table(doc, [
        ("序号", 11, "it.no", C),
        ("资料名称", 27, "it.name", L),
        ("状态", 15, "it.status_zh", C),
        ("应提供年度/已提供年度", 40, "it.years_text", L),
        ("依据（件号）", 35, "it.basis", L),
        ("问题说明", 42, "it.problems", L),
    ], "for it in items")
    doc.add_paragraph("核查小结：{{ summary }}").paragraph_format.space_before = Pt(6)
    note = doc.add_paragraph("本表依据档案版本 {{ version }} 于核查基准日的内容生成。签发后不得在原稿上改动；"
                             "如需更正，应另附修订说明（《客户经理工作职责》第十九条）。")
    note.runs[0].font.size = Pt(9)
    doc.add_paragraph("二、审查意见及签字", style="Heading 1")
    doc.add_paragraph("审查意见：")
    doc.add_paragraph("")
    doc.add_paragraph("")
    for who in ("经办客户经理（签字）：", "合规审查（签字）："):
        doc.add_paragraph(f"{who}____________________　　日期：________年____月____日", style="签字栏")
    return doc


def build_index():
    doc = _new_document(landscape=True, title="归档文件目录", subject="{{ client_name }} 档案版本 {{ version }}")
    section = doc.sections[0]
    _page_header(section, "{{ client_name }}　归档文件目录　档案版本 {{ version }}")
    _page_footer(section)
    doc.add_paragraph("归档文件目录", style="Title")
    doc.add_paragraph("立档单位：{{ client_name }}　　档案编号：{{ client_id }}　　统一社会信用代码：{{ credit_code }}")
    doc.add_paragraph("档案版本：{{ version }}　　共 {{ total }} 件，{{ total_pages }} 页").paragraph_format.space_after = Pt(6)
    _loop_table(doc, [
        ("序号", 12, "d.no", C),
        ("档号", 42, "d.archival_code", C),
        ("文号", 34, "d.doc_no", C),
        ("责任者", 44, "d.responsible", L),
        ("题名", 66, "d.title", L),
        ("日期", 22, "d.date", C),
        ("页数", 12, "d.pages", C),
        ("备注", 25, "d.remark", L),
    ], "for d in documents")
    return doc


BUILDERS = {COMPLETENESS: build_completeness, INDEX: build_index}


def builders() -> dict:
    """Every packaged template's builder: the two above and the client watch's (``watch``, issue 14)."""
    from dossier.outputs.report_templates.watch import build_evaluation, build_monitoring

    return {**BUILDERS, EVALUATION: build_evaluation, MONITORING: build_monitoring}


def render_template(name: str) -> bytes:
    buf = io.BytesIO()
    builders()[name]().save(buf)
    return normalise_zip(buf.getvalue())


def build(out_dir: Path | None = None) -> list[Path]:
    """Write the default templates into ``out_dir`` (default: this package folder)."""
    out_dir = Path(out_dir) if out_dir else Path(__file__).resolve().parent
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in builders():
        target = out_dir / name
        target.write_bytes(render_template(name))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(path)
