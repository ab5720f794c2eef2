"""Reports: docxtpl rendering of the .docx templates, sandboxed, escaped and deterministic.

Four templates ship with the package (``dossier/outputs/report_templates/``, built by
``python -m dossier.outputs.report_templates.build``); a copy of the same name in the home's ``templates/``
folder (users edit it in Word or WPS) wins over the packaged default.

* ``完整性核查表.docx`` — the completeness report compliance signs for one client;
* ``归档文件目录.docx`` — the archive index (DA/T 22-2015 归档文件目录);
* ``分析评价报告（草稿）.docx``, ``担保后监测报告.docx`` — the client watch (``evaluation``, ``monitoring``).

Safety (design section 6): every string of the context is cleaned of characters XML 1.0 forbids
(OCR text is untrusted; docxtpl re-parses the rendered XML in recover mode and would silently drop
text after them), Jinja runs in a ``SandboxedEnvironment`` with autoescape (``<&>`` in a value stays
literal text) and ``StrictUndefined`` (a misspelt variable in a user's copy fails loudly instead of
leaving a blank in a signed report).

Determinism: the same context gives the same bytes — zip entries keep python-docx's fixed order,
every entry is dated 1980-01-01, and the core properties' dates come from the context
(``document_date``) or a constant.

``template_check.check_template`` is what ``dossier templates check`` runs: a strict XML parse of every part, Jinja
syntax, variables outside the template's documented set, tags Word split so docxtpl cannot see them,
full-width braces typed with a Chinese input method, and a trial render with sample data.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

from dossier.errors import TemplateProblem
from dossier.outputs.sandbox import environment
from dossier.files import install_missing
from dossier.outputs import evaluation, monitoring
from dossier.outputs.charts import Picture
from dossier.outputs.docx_template import normalise_zip, template_class
from dossier.outputs.report_values import (
    DASH,
    amount_pair,
    clean,
    clean_text,
    date8,
    date_zh,
    iso_date,
    join_values,
    show,
)
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from lxml import etree

COMPLETENESS = "完整性核查表.docx"
INDEX = "归档文件目录.docx"
EVALUATION = evaluation.EVALUATION  # 分析评价报告（草稿）.docx (issue 14)
MONITORING = monitoring.MONITORING  # 担保后监测报告.docx (issue 14)

#: Variables each template may use (name -> meaning).  ``items.name`` is a field of each element of
#: the list ``items``; ``counts.missing`` a key of the mapping ``counts``.
TEMPLATES: dict[str, dict[str, str]] = {
    COMPLETENESS: {
        "client_name": "客户名称",
        "client_id": "档案编号",
        "credit_code": "统一社会信用代码",
        "product": "担保品种（中文）",
        "amount": "担保金额，如 5,000,000.00 元",
        "amount_upper": "担保金额大写，如 人民币伍佰万元整（未填写金额时为空）",
        "term_months": "担保期限（月）",
        "application_date": "申请日期，如 2026年10月12日",
        "agent": "经办人/授权委托人（法定代表人本人办理时注明）",
        "as_of": "核查基准日，如 2026年10月12日",
        "version": "档案版本，如 v3",
        "document_date": "文档日期 YYYY-MM-DD（写入文档属性）",
        "items": "核查项目列表，每项一行",
        "items.no": "序号",
        "items.item": "核查项目编号（英文）",
        "items.name": "资料名称",
        "items.status": "状态编号（英文，如 missing）",
        "items.status_zh": "状态：齐全/缺失/不完整/过期/不一致/待复核/不适用",
        "items.required_years": "应提供年度，如 2023、2024、2025",
        "items.years": "已提供年度",
        "items.years_text": "“应：…”“已：…”两行；无年度要求时为 —",
        "items.evidence": "件号，如 3、4",
        "items.documents": "档案文件名，每行一个",
        "items.basis": "依据：件号和档案文件名，每行一个",
        "items.problems": "问题说明，每行一条",
        "total": "核查项目总数",
        "counts": "各状态项数",
        **{f"counts.{s}": f"{zh}项数" for s, zh in (
            ("ok", "齐全"), ("missing", "缺失"), ("incomplete", "不完整"), ("expired", "过期"),
            ("inconsistent", "不一致"), ("review", "待复核"), ("not_required", "不适用"))},
        "summary": "小结，如 共 12 项：齐全 9 项，缺失 1 项，……",
    },
    INDEX: {
        "client_name": "客户名称（立档单位）",
        "client_id": "档案编号",
        "credit_code": "统一社会信用代码",
        "version": "档案版本，如 v3",
        "document_date": "文档日期 YYYY-MM-DD（写入文档属性）",
        "total": "文件件数",
        "total_pages": "总页数",
        "documents": "归档文件列表，每件一行",
        "documents.no": "序号",
        "documents.archival_code": "档号",
        "documents.doc_no": "文号",
        "documents.responsible": "责任者",
        "documents.title": "题名",
        "documents.date": "日期，8 位数字如 20180314（DA/T 22-2015）",
        "documents.pages": "页数",
        "documents.remark": "备注",
    },
    EVALUATION: evaluation.VARIABLES,
    MONITORING: monitoring.VARIABLES,
}

#: Item statuses (checklist) in report order, with their Chinese names.
STATUSES: dict[str, str] = {  # the checklist's status ids (a contract), see checklist.STATUS_ZH
    "ok": "齐全", "missing": "缺失", "incomplete": "不完整", "expired": "过期",
    "inconsistent": "不一致", "review": "待复核", "not_required": "不适用",
}
#: Guarantee products (case "product") in Chinese.
PRODUCTS: dict[str, str] = {
    "working_capital_loan": "流动资金贷款担保",
    "project_finance": "项目融资担保",
    "letter_of_credit": "信用证担保",
    "bill_acceptance": "票据承兑担保",
    "equipment_finance": "设备采购和更新融资担保",
}

def _client_fields(client: dict) -> dict:
    cid = client.get("client") or client.get("client_id") or client.get("id")
    return {
        "client_name": show(client.get("name") or cid),
        "client_id": show(cid),
        "credit_code": show(client.get("credit_code")),
    }


def _item_row(no: int, item: dict) -> dict:
    status = str(item.get("status") or "")
    required, years = item.get("required_years") or [], item.get("years") or []
    if required:
        years_text = f"应：{join_values(required)}\n已：{join_values(years) or '无'}"
    elif years:
        years_text = f"已：{join_values(years)}"
    else:
        years_text = DASH
    documents = [str(d).split("/", 1)[1] if str(d).startswith("documents/") else str(d)
                 for d in item.get("documents") or []]
    evidence = show(item.get("evidence"), "")
    basis = "\n".join(([f"件号 {evidence}"] if evidence else []) + [clean_text(d) for d in documents])
    problems = item.get("problems") or []
    if isinstance(problems, str):
        problems = [problems]
    return {
        "no": no,
        "item": show(item.get("item"), ""),
        "name": show(item.get("name") or item.get("item")),
        "status": status,
        "status_zh": show(item.get("status_zh") or STATUSES.get(status) or status, DASH),
        "required_years": join_values(required),
        "years": join_values(years),
        "years_text": years_text,
        "evidence": evidence,
        "documents": "\n".join(clean_text(d) for d in documents),
        "basis": basis or DASH,
        "problems": "\n".join(show(p, "") for p in problems if p) or "",
    }


def completeness_context(client: dict, case: dict, as_of: str, version: str, items: list[dict],
                         *, version_date: str | date | None = None) -> dict:
    """Context of 完整性核查表.docx.

    ``client``: ``{"client", "name", "credit_code"}`` (as ``dossier show --json``);
    ``case``: dossier.json ``case`` (``product`` id, ``amount`` in yuan, ``term_months``,
    ``application_date``, ``agent`` — None when the legal representative applies in person);
    ``items``: checklist results (``item``, ``name``, ``status``, ``status_zh``, ``required_years``,
    ``years``, ``documents``, ``evidence``, ``problems``). The document date (core properties) is
    ``version_date`` if given, else the as-of date.
    """
    case = case or {}
    rows = [_item_row(i, item) for i, item in enumerate(items or [], 1)]
    counts = {s: 0 for s in STATUSES}
    zh_counts = {zh: 0 for zh in STATUSES.values()}
    for row in rows:
        if row["status"] in counts:
            counts[row["status"]] += 1
        zh_counts[row["status_zh"]] = zh_counts.get(row["status_zh"], 0) + 1
    summary = f"共 {len(rows)} 项：" + "，".join(f"{zh} {n} 项" for zh, n in zh_counts.items()) + "。"
    product = case.get("product")
    amount, upper = amount_pair(case.get("amount"))
    agent = case.get("agent")
    ctx = {
        **_client_fields(client or {}),
        "product": show(PRODUCTS.get(product, product) if product else None),
        "amount": amount,
        "amount_upper": upper,
        "term_months": show(case.get("term_months")),
        "application_date": date_zh(case.get("application_date")),
        "agent": show(agent) if agent else "无（法定代表人本人办理）",
        "as_of": date_zh(as_of),
        "version": show(version),
        "document_date": iso_date(version_date) or iso_date(as_of) or EPOCH.date().isoformat(),
        "items": rows,
        "total": len(rows),
        "counts": counts,
        "summary": summary,
    }
    return clean(ctx)


def index_context(client: dict, version: str, documents: list[dict],
                  *, version_date: str | date | None = None) -> dict:
    """Context of 归档文件目录.docx: one row per document (``number``, ``archival_code``, ``doc_no``,
    ``responsible``, ``title``, ``date``, ``pages``, ``remark``); dates become 8 digits as DA/T
    22-2015 asks. The document date (core properties) is ``version_date``, else a constant."""
    rows, total_pages = [], 0
    for i, doc in enumerate(documents or [], 1):
        pages = doc.get("pages")
        if isinstance(pages, int) and not isinstance(pages, bool):
            total_pages += pages
        # show() and date8() give clean text already: only the other values go through clean(), so
        # the rows come out as clean() of the whole context would give them, at a fraction of its cost
        rows.append({
            "no": clean(doc.get("number") if doc.get("number") is not None else i),
            "archival_code": show(doc.get("archival_code"), ""),
            "doc_no": show(doc.get("doc_no"), ""),
            "responsible": show(doc.get("responsible"), ""),
            "title": show(doc.get("title"), ""),
            "date": date8(doc.get("date")),
            "pages": clean(pages) if pages is not None else "",
            "remark": show(doc.get("remark"), ""),
        })
    ctx = {
        **_client_fields(client or {}),
        "version": show(version),
        "document_date": iso_date(version_date) or EPOCH.date().isoformat(),
        "total": len(rows),
        "total_pages": total_pages,
    }
    return {**clean(ctx), "documents": rows}


def sample_context(template: str) -> dict:
    """Realistic demo data for a template (trial renders in ``check_template``, previews, tests).
    It includes a control character and ``<&>`` on purpose."""
    client = {"client": "恒远机械", "name": "杭州恒远机械有限公司", "credit_code": "91330106MA2H2K4X1L"}
    if template == INDEX:
        return index_context(client, "v3", [
            {"number": 1, "archival_code": "恒远机械-v3-0001", "doc_no": "", "responsible": "杭州恒远机械有限公司",
             "title": "营业执照", "date": "2018-03-14", "pages": 1, "remark": "扫描件 OCR；待复核"},
            {"number": 2, "archival_code": "恒远机械-v3-0002", "doc_no": "浙恒会审〔2026〕112号",
             "responsible": "浙江恒信会计师事务所", "title": "2025 年度审计报告 <附注&说明>\x0b",
             "date": "2026-03-31", "pages": 42, "remark": ""},
        ], version_date="2026-10-12")
    if template == COMPLETENESS:
        case = {"product": "working_capital_loan", "amount": 5000000, "term_months": 12,
                "application_date": "2026-10-12", "agent": "李四"}
        items = [
            {"item": "business_licence", "name": "营业执照", "status": "complete", "status_zh": "齐全",
             "required_years": [], "years": [], "documents": ["documents/营业执照.pdf"], "evidence": "1",
             "problems": []},
            {"item": "balance_sheet", "name": "资产负债表", "status": "incomplete", "status_zh": "不完整",
             "required_years": [2023, 2024, 2025], "years": [2024, 2025],
             "documents": ["documents/资产负债表_2024.pdf", "documents/资产负债表_2025.pdf"], "evidence": "3、4",
             "problems": ["缺少 2023 年度资产负债表 <&>\x01"]},
            {"item": "articles", "name": "公司章程", "status": "missing", "status_zh": "缺失",
             "required_years": [], "years": [], "documents": [], "evidence": "", "problems": ["未提供公司章程"]},
        ]
        return completeness_context(client, case, "2026-10-12", "v3", items)
    if template in (EVALUATION, MONITORING):
        from dossier.outputs.watch_sample import SAMPLE_CASE, SAMPLE_ITEMS, sample_watch

        if template == EVALUATION:
            return evaluation.evaluation_context(sample_watch(), SAMPLE_CASE, SAMPLE_ITEMS, version="v5",
                                                 as_of="2026-10-12")
        return monitoring.monitoring_context(sample_watch(), version="v5", as_of="2026-10-12")
    raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")


#: Core-property date when the context carries none (same epoch as the zip entries).
EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)


# -- template files -------------------------------------------------------------------------

def default_template(template: str) -> Path:
    """The packaged default of a template."""
    if template not in TEMPLATES:
        raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")
    return Path(str(resources.files("dossier.outputs") / "report_templates" / template))


def template_path(template: str, templates_dir: Path | None = None) -> Path:
    """The file ``render`` uses: the user's copy in ``templates_dir`` if present, else the default."""
    if templates_dir is not None:
        user = Path(templates_dir) / template
        if user.is_file():
            return user
    return default_template(template)


def install_defaults(templates_dir: Path) -> list[Path]:
    """Copy the packaged templates into ``templates_dir`` where absent (``dossier init``);
    an existing file (the user's edited copy) is never touched. Returns the files written."""
    return install_missing([default_template(name) for name in TEMPLATES], templates_dir)


# -- rendering ------------------------------------------------------------------------------

def _document_datetime(context: dict) -> datetime:
    iso = iso_date(context.get("document_date"))
    if iso:
        return datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)
    return EPOCH


def describe_error(exc: Exception) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return f"Jinja 语法错误：{jinja_message(exc.message or '')}"
    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = (m[1] or m[2]) if m else (exc.message or "")
        return f"引用了不存在的变量或字段“{name}”"
    if isinstance(exc, SecurityError):
        return f"使用了安全沙箱不允许的操作（{exc}）"
    return f"{type(exc).__name__}：{exc}"


def render_file(path: Path, context: dict, *, cleaned: bool = False) -> bytes:
    """Render the template file ``path``. ``cleaned``: the context comes from ``completeness_context``
    or ``index_context``, already cleaned (cleaning it again would cost as much once more)."""
    from docx.opc.exceptions import OpcError

    pictures = {k: v for k, v in context.items() if isinstance(v, Picture)}
    ctx = dict(context) if cleaned else clean({k: v for k, v in context.items() if k not in pictures})
    try:
        doc = template_class()(io.BytesIO(Path(path).read_bytes()))
        ctx.update(inline_images(doc, pictures))
        doc.render(ctx, jinja_env=environment(), autoescape=True)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(
            f"报告模板 {path} 无法使用：{describe_error(exc)}。请运行 `dossier templates check` 查看详情并在 "
            f"Word/WPS 中改正；或删除该文件，改用软件自带的默认模板。") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, etree.XMLSyntaxError) as exc:
        raise TemplateProblem(
            f"报告模板 {path} 已损坏，无法打开（{type(exc).__name__}）。请运行 `dossier templates check` "
            f"查看详情；或删除该文件，改用软件自带的默认模板。") from exc
    props = doc.docx.core_properties
    when = _document_datetime(ctx)
    props.created = when
    props.modified = when
    props.last_modified_by = "dossier"
    props.revision = 1
    if props.last_printed is not None:
        props.last_printed = when
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), doc.spliced)


def inline_images(doc, pictures: dict[str, Picture]) -> dict:
    """docxtpl InlineImages of ``pictures`` for the template ``doc`` (the PNG bytes as given: deterministic)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    return {k: InlineImage(doc, io.BytesIO(p.png), width=Mm(p.width_mm)) for k, p in pictures.items()}


def render(template: str, context: dict, templates_dir: Path | None = None, *, cleaned: bool = False) -> bytes:
    """Render a report: ``template`` is a name in ``TEMPLATES``; the user's copy in
    ``templates_dir`` wins over the packaged default. Same context, same bytes."""
    if template not in TEMPLATES:
        raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")
    return render_file(template_path(template, templates_dir), context, cleaned=cleaned)


# -- checking a template --------------------------------------------------------------------


JINJA_MESSAGES = (
    (r"unexpected end of template.*?'(end\w+)'", r"模板在找到 {% \1 %} 之前就结束了（缺少 {% \1 %}）"),
    (r"unexpected end of template", "模板意外结束：有未闭合的 {% for %} 或 {% if %}"),
    (r"Encountered unknown tag '(\w+)'.*?'(end\w+)'", r"遇到标签 {% \1 %}，但此处应为 {% \2 %}"),
    (r"Encountered unknown tag '(\w+)'", r"未知标签 {% \1 %}"),
    (r"unexpected '([^']*)'", r"此处不应出现“\1”"),
    (r"expected token '([^']*)', got '([^']*)'", r"此处应为“\1”，实际为“\2”"),
    (r"unexpected char '(.)'", r"出现了不能识别的字符“\1”"),
    (r"Expected an expression", "标签里缺少内容（例如空的 {{ }}）"),
    (r"No filter named '([^']+)'", r"没有名为 \1 的过滤器"),
    (r"No test named '([^']+)'", r"没有名为 \1 的测试"),
)


def jinja_message(message: str) -> str:
    m = re.search(r"unexpected char '(.+?)'", message)
    if m:
        char = m[1].encode().decode("unicode_escape") if m[1].startswith("\\") else m[1]
        if len(char) == 1 and not char.isprintable():
            return (f"标签中有看不见的字符 U+{ord(char):04X}（常见于从网页或聊天软件复制的文字）：请删除该标签并用"
                    f"键盘重新输入（{message}）")
    for pattern, zh in JINJA_MESSAGES:
        m = re.search(pattern, message)
        if m:
            return f"{m.expand(zh)}（{message}）"
    return message
