"""Build the two templates of the client watch (issue 14) with python-docx, in the house style of ``build``:

* 分析评价报告（草稿）.docx (rules 第十九条): case, completeness, statements, ratios, charts, warnings,
  then headed blank sections for the account manager's own analysis (第十七条, 附录四);
* 担保后监测报告.docx (rules 第二十一条): the issued evaluation, what changed since, the warnings,
  what comes due, whether to re-evaluate (第二十条).

``build.BUILDERS`` lists them; ``python -m dossier.outputs.report_templates.build`` writes them.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from dossier.outputs.report_templates.build import (
    _info_table,
    _loop_table,
    _new_document,
    _page_footer,
    _page_header,
)

C, L = WD_ALIGN_PARAGRAPH.CENTER, None
GREY = RGBColor(0x7F, 0x7F, 0x7F)
#: The account manager's own sections (第十七条: 非财务因素; 附录四 风险分析提示), each with its instruction.
OWN_SECTIONS = (
    ("经营管理分析", "由客户经理填写：公司治理、管理层素质、履约记录、生产装备和技术能力等（第十七条）。"),
    ("行业与市场分析", "由客户经理填写：产品和市场、行业特点、主要客户与供应商、竞争地位（第十七条）。"),
    ("外部环境分析", "由客户经理填写：宏观经济环境、产业政策、区域环境等外部因素（第十七条）。"),
    ("担保方案与反担保措施", "由客户经理填写：担保方案、第二还款来源、反保证人资格与代偿能力、抵（质）押物（第十八条）。"),
)
NUMBERS = "一二三四五六七八九十"


def _note(doc, text: str, *, size: float = 9, grey: bool = True):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    if grey:
        run.font.color.rgb = GREY
    return p


def _heading(doc, no: int, text: str) -> None:
    doc.add_paragraph(f"{NUMBERS[no - 1]}、{text}", style="Heading 1")


def _blank_section(doc, no: int, title: str, instruction: str, lines: int = 4) -> None:
    _heading(doc, no, title)
    _note(doc, instruction)
    for _ in range(lines):
        doc.add_paragraph("")


def _picture(doc, tag: str, caption: str) -> None:
    p = doc.add_paragraph(tag)
    p.alignment = C
    p.paragraph_format.space_before = Pt(6)
    cap = _note(doc, caption, grey=False)
    cap.alignment = C


def _bold_before(table, columns: range, loop_var: str) -> None:
    """In the data row of a loop table, put a bold run ``{{ r.bN }}`` before each ``{{ r.vN }}``."""
    data = table.rows[2]
    for n, index in enumerate(columns, 1):
        p = data.cells[index].paragraphs[0]
        plain = p.runs[0]
        bold = p.add_run("{{ %s.b%d }}" % (loop_var, n))
        bold.bold = True
        plain._r.addprevious(bold._r)


def _signatures(doc, who: tuple[str, ...]) -> None:
    for name in who:
        doc.add_paragraph(f"{name}____________________　　日期：________年____月____日", style="签字栏")


def build_evaluation():
    doc = _new_document(landscape=False, title="担保业务分析评价报告（草稿）",
                        subject="{{ client_name }} 档案版本 {{ version }}")
    section = doc.sections[0]
    _page_header(section, "{{ client_name }}（档案编号 {{ client_id }}）　分析评价报告（草稿）　档案版本 {{ version }}")
    _page_footer(section)
    doc.add_paragraph("担保业务分析评价报告（草稿）", style="Title")
    _note(doc, "本稿第一至五部分由系统根据档案版本 {{ version }} 于 {{ as_of }} 的内容生成，第六至十部分由客户经理填写。"
               "报出后不得在原稿上作原则性更改；如需更改，应另附说明（《客户经理工作职责》第十九条）。")
    _heading(doc, 1, "客户及业务概况")
    _info_table(doc, [
        ["客户名称", "{{ client_name }}", "档案编号", "{{ client_id }}"],
        ["统一社会信用代码", "{{ credit_code }}", "档案版本", "{{ version }}"],
        ["担保品种", "{{ product }}", "期限（月）", "{{ term_months }}"],
        ["担保金额", "{{ amount }}{% if amount_upper %}（{{ amount_upper }}）{% endif %}"],
        ["申请日期", "{{ application_date }}", "评价基准日", "{{ as_of }}"],
    ], [38, 50, 28, 54])
    _heading(doc, 2, "档案完整性")
    doc.add_paragraph("{{ completeness_text }}")
    doc.add_paragraph("缺失资料：{{ missing_names }}")
    _heading(doc, 3, "主要财务数据")
    _note(doc, "单位：元。年度：{{ years_text }}。“缺”：未提供该年度报表或未读出该项目；“（待复核）”：所在报表的识别结果"
               "尚待人工复核，暂不作为评价依据；“▲”：触发预警规则（见第五部分）。", grey=False)
    _loop_table(doc, [
        ("项目", 50, "r.name", L),
        ("{{ year1 }}", 40, "r.v1", WD_ALIGN_PARAGRAPH.RIGHT),
        ("{{ year2 }}", 40, "r.v2", WD_ALIGN_PARAGRAPH.RIGHT),
        ("{{ year3 }}", 40, "r.v3", WD_ALIGN_PARAGRAPH.RIGHT),
    ], "for r in statements")
    _note(doc, "数据来源（年度 项目 → 档案文件）：", grey=False).paragraph_format.space_before = Pt(6)
    doc.add_paragraph("{%p for s in sources %}")
    _note(doc, "{{ s.text }}", grey=False)
    doc.add_paragraph("{%p endfor %}")
    _heading(doc, 4, "主要财务指标")
    _loop_table(doc, [
        ("指标", 32, "r.name", L),
        ("计算公式", 48, "r.formula", L),
        ("{{ year1 }}", 30, "r.v1", C),
        ("{{ year2 }}", 30, "r.v2", C),
        ("{{ year3 }}", 30, "r.v3", C),
    ], "for r in ratios")
    _bold_before(doc.tables[-1], range(2, 5), "r")
    _note(doc, "图例：“▲”加粗 = 触发预警规则（见第五部分）；“缺数据” = 计算所需的报表项目缺失；“待复核” = 所需项目的识别"
               "结果尚待人工复核；“不适用” = 分母为零或无利息费用。", grey=False)
    _picture(doc, "{{ chart_revenue }}", "图 1　营业收入与净利润")
    _picture(doc, "{{ chart_ratios }}", "图 2　资产负债率与流动比率（虚线为预警阈值）")
    _heading(doc, 5, "预警信号")
    doc.add_paragraph("{{ warnings_summary }}")
    _loop_table(doc, [
        ("级别", 12, "w.level", C),
        ("信号", 46, "w.message", L),
        ("年度", 12, "w.year", C),
        ("数值（阈值）", 26, "w.measure", C),
        ("规则及依据条款", 36, "w.basis", L),
        ("依据文件", 38, "w.evidence", L),
    ], "for w in warnings")
    for no, (title, instruction) in enumerate(OWN_SECTIONS, 6):
        _blank_section(doc, no, title, instruction)
    _blank_section(doc, 10, "客户经理意见", "由客户经理填写：综合评价结论、担保建议（金额、期限、条件）及需要关注的风险。", 3)
    _signatures(doc, ("客户经理（签字）：", "部门负责人（签字）："))
    return doc


def build_monitoring():
    doc = _new_document(landscape=False, title="担保后监测报告", subject="{{ client_name }} 档案版本 {{ version }}")
    section = doc.sections[0]
    _page_header(section, "{{ client_name }}（档案编号 {{ client_id }}）　担保后监测报告　档案版本 {{ version }}")
    _page_footer(section)
    doc.add_paragraph("担保后监测报告", style="Title")
    _note(doc, "本报告由系统根据档案版本 {{ version }} 于 {{ as_of }} 的内容生成，列明分析评价报告签发后档案的变化"
               "（《客户经理工作职责》第二十、二十一条）；第七部分由客户经理填写。")
    _heading(doc, 1, "基本情况")
    _info_table(doc, [
        ["客户名称", "{{ client_name }}", "档案编号", "{{ client_id }}"],
        ["统一社会信用代码", "{{ credit_code }}", "档案版本", "{{ version }}"],
        ["监测基准日", "{{ as_of }}"],
    ], [38, 50, 28, 54])
    _heading(doc, 2, "已签发的分析评价报告")
    doc.add_paragraph("{{ evaluation_path }} 于 {{ evaluation_issued_at }} 由 {{ evaluation_issued_by }} 签发"
                      "（档案版本 {{ evaluation_version }}）。")
    _heading(doc, 3, "签发后的变化")
    doc.add_paragraph("{{ changes_text }}")
    _loop_table(doc, [
        ("版本", 14, "c.version", C),
        ("日期", 26, "c.date", C),
        ("新增文件", 46, "c.added", L),
        ("替换为历史的文件", 40, "c.retired", L),
        ("变化说明", 44, "c.reasons", L),
    ], "for c in changes")
    _heading(doc, 4, "当前预警信号")
    _loop_table(doc, [
        ("级别", 12, "w.level", C),
        ("信号", 52, "w.message", L),
        ("年度", 12, "w.year", C),
        ("规则及依据条款", 44, "w.basis", L),
        ("依据文件", 50, "w.evidence", L),
    ], "for w in warnings")
    _heading(doc, 5, "即将到期事项")
    _loop_table(doc, [
        ("事项", 50, "d.name", L),
        ("到期日", 32, "d.date", C),
        ("剩余天数", 28, "d.days_left", C),
        ("依据文件", 60, "d.path", L),
    ], "for d in due")
    _heading(doc, 6, "是否需要重新评价（第二十条）")
    doc.add_paragraph("结论：{{ reevaluate }}")
    doc.add_paragraph("原因：{{ reevaluate_reasons }}")
    _blank_section(doc, 7, "监测意见", "由客户经理填写：担保用途与合同履行、项目进展、法律地位与财务状况的变化、"
                                     "反担保物情况，以及拟采取的措施（第二十一至二十四条）。", 4)
    _signatures(doc, ("客户经理（签字）：", "部门负责人（签字）："))
    return doc
