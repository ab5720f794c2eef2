"""Reports: docxtpl rendering of the .docx templates, sandboxed, escaped and deterministic.

Two templates ship with the package (``dossier/report_templates/``, built by
``python -m dossier.report_templates.build``); a copy of the same name in the home's ``templates/``
folder (users edit it in Word or WPS) wins over the packaged default.

* ``完整性核查表.docx`` — the completeness report compliance signs for one client;
* ``归档文件目录.docx`` — the archive index (DA/T 22-2015 归档文件目录).

Safety (design section 6): every string of the context is cleaned of characters XML 1.0 forbids
(OCR text is untrusted; docxtpl re-parses the rendered XML in recover mode and would silently drop
text after them), Jinja runs in a ``SandboxedEnvironment`` with autoescape (``<&>`` in a value stays
literal text) and ``StrictUndefined`` (a misspelt variable in a user's copy fails loudly instead of
leaving a blank in a signed report).

Determinism: the same context gives the same bytes — zip entries keep python-docx's fixed order,
every entry is dated 1980-01-01, and the core properties' dates come from the context
(``document_date``) or a constant.

``check_template`` is what ``dossier templates check`` runs: a strict XML parse of every part, Jinja
syntax, variables outside the template's documented set, tags Word split so docxtpl cannot see them,
full-width braces typed with a Chinese input method, and a trial render with sample data.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .errors import DossierError

COMPLETENESS = "完整性核查表.docx"
INDEX = "归档文件目录.docx"

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

#: Core-property date when the context carries none (same epoch as the zip entries).
EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_BLANK = "未填写"
_DASH = "—"


class TemplateProblem(DossierError):
    """A report template cannot be used (missing, damaged, a Jinja error, an unknown variable)."""


# -- cleaning untrusted values -------------------------------------------------------------

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """A plain ``str`` without XML-illegal characters; CR/CRLF become LF (a line break in Word)."""
    text = _ILLEGAL.sub("", str.__str__(value))  # str.__str__: drop Markup and other subclasses
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(value: Any) -> Any:
    """Clean every string in a context, recursively (keys too). Numbers, dates and None are kept;
    other objects become their cleaned text, so nothing unexpected reaches the sandbox."""
    if isinstance(value, str):
        return clean_text(value)
    if value is None or isinstance(value, (bool, int, float, Decimal, date)):
        return value
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((clean(v) for v in value), key=str)
    return clean_text(str(value))


# -- contexts -------------------------------------------------------------------------------

def _text(value: Any, blank: str = _BLANK) -> str:
    if value is None:
        return blank
    text = clean_text(str(value)).strip()
    return text or blank


def _date_zh(value: Any, blank: str = _BLANK) -> str:
    """2026-10-12 -> 2026年10月12日; anything else as given."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = _text(value, blank)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else text


def _date8(value: Any) -> str:
    """DA/T 22-2015 dates: 8 digits (20180314); a year or year-month keeps its digits."""
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y%m%d")
    text = _text(value, "")
    m = re.fullmatch(r"(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?)?", text)
    if not m:
        return text
    return m[1] + "".join(f"{int(g):02d}" for g in m.groups()[1:] if g)


def _iso_date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return m.group(0) if m else None


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_upper(n: int) -> str:
    out, zero = "", False
    for pos in (3, 2, 1, 0):
        d = n // 10 ** pos % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + _DIGITS[d] + _UNITS[pos]
            zero = False
    return out


def amount_upper(amount: Decimal | float | int | str) -> str:
    """Chinese financial uppercase of an amount in yuan: 5000000 -> 人民币伍佰万元整."""
    cents = int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "负" if cents < 0 else ""
    yuan, rest = divmod(abs(cents), 100)
    jiao, fen = divmod(rest, 10)
    if yuan >= 10 ** 16:
        raise ValueError("amount too large")
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, gap = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            gap = bool(text)
            continue
        if text and (gap or g < 1000):
            text += "零"
        text += _group_upper(g) + _GROUPS[i]
        gap = False
    text = text + "元" if text else ""
    if not jiao and not fen:
        return f"人民币{sign}{text or '零元'}整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return f"人民币{sign}{text}"


def _amount(value: Any) -> tuple[str, str]:
    if value is None or value == "":
        return _BLANK, ""
    try:
        d = Decimal(str(value))
        if not d.is_finite():
            raise InvalidOperation
        return f"{d:,.2f} 元", amount_upper(d)
    except (InvalidOperation, ValueError):
        return _text(value), ""


def _join(values: Iterable[Any] | None, sep: str = "、") -> str:
    return sep.join(_text(v, "") for v in (values or []) if v is not None and str(v).strip())


def _client_fields(client: dict) -> dict:
    cid = client.get("client") or client.get("client_id") or client.get("id")
    return {
        "client_name": _text(client.get("name") or cid),
        "client_id": _text(cid),
        "credit_code": _text(client.get("credit_code")),
    }


def _item_row(no: int, item: dict) -> dict:
    status = str(item.get("status") or "")
    required, years = item.get("required_years") or [], item.get("years") or []
    if required:
        years_text = f"应：{_join(required)}\n已：{_join(years) or '无'}"
    elif years:
        years_text = f"已：{_join(years)}"
    else:
        years_text = _DASH
    documents = [str(d).split("/", 1)[1] if str(d).startswith("documents/") else str(d)
                 for d in item.get("documents") or []]
    evidence = _text(item.get("evidence"), "")
    basis = "\n".join(([f"件号 {evidence}"] if evidence else []) + [clean_text(d) for d in documents])
    problems = item.get("problems") or []
    if isinstance(problems, str):
        problems = [problems]
    return {
        "no": no,
        "item": _text(item.get("item"), ""),
        "name": _text(item.get("name") or item.get("item")),
        "status": status,
        "status_zh": _text(item.get("status_zh") or STATUSES.get(status) or status, _DASH),
        "required_years": _join(required),
        "years": _join(years),
        "years_text": years_text,
        "evidence": evidence,
        "documents": "\n".join(clean_text(d) for d in documents),
        "basis": basis or _DASH,
        "problems": "\n".join(_text(p, "") for p in problems if p) or "",
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
    amount, upper = _amount(case.get("amount"))
    agent = case.get("agent")
    ctx = {
        **_client_fields(client or {}),
        "product": _text(PRODUCTS.get(product, product) if product else None),
        "amount": amount,
        "amount_upper": upper,
        "term_months": _text(case.get("term_months")),
        "application_date": _date_zh(case.get("application_date")),
        "agent": _text(agent) if agent else "无（法定代表人本人办理）",
        "as_of": _date_zh(as_of),
        "version": _text(version),
        "document_date": _iso_date(version_date) or _iso_date(as_of) or EPOCH.date().isoformat(),
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
        rows.append({
            "no": doc.get("number") if doc.get("number") is not None else i,
            "archival_code": _text(doc.get("archival_code"), ""),
            "doc_no": _text(doc.get("doc_no"), ""),
            "responsible": _text(doc.get("responsible"), ""),
            "title": _text(doc.get("title"), ""),
            "date": _date8(doc.get("date")),
            "pages": pages if pages is not None else "",
            "remark": _text(doc.get("remark"), ""),
        })
    ctx = {
        **_client_fields(client or {}),
        "version": _text(version),
        "document_date": _iso_date(version_date) or EPOCH.date().isoformat(),
        "total": len(rows),
        "total_pages": total_pages,
        "documents": rows,
    }
    return clean(ctx)


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
    raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")


# -- template files -------------------------------------------------------------------------

def default_template(template: str) -> Path:
    """The packaged default of a template."""
    if template not in TEMPLATES:
        raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")
    return Path(str(resources.files("dossier") / "report_templates" / template))


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
    templates_dir = Path(templates_dir)
    templates_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TEMPLATES:
        target = templates_dir / name
        if target.exists():
            continue
        tmp = templates_dir / f".{name}.tmp"
        tmp.write_bytes(default_template(name).read_bytes())
        os.replace(tmp, target)
        written.append(target)
    return written


# -- rendering ------------------------------------------------------------------------------

def _environment(autoescape: bool = True) -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=autoescape, undefined=StrictUndefined)


def _template_class():
    from docxtpl import DocxTemplate  # imported lazily: python-docx is slow to import

    class Template(DocxTemplate):
        def render_properties(self, context, jinja_env=None):
            # Core properties are plain strings that python-docx escapes itself: render them
            # without autoescape (still sandboxed), or "<&>" would end up as "&lt;&amp;&gt;".
            super().render_properties(context, _environment(autoescape=False))

    return Template


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx) with its entries in the same order, each dated 1980-01-01 with fixed
    attributes, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def _document_datetime(context: dict) -> datetime:
    iso = _iso_date(context.get("document_date"))
    if iso:
        return datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)
    return EPOCH


def _describe(exc: Exception) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return f"Jinja 语法错误：{_jinja_message(exc.message or '')}"
    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", exc.message or "")
        name = (m[1] or m[2]) if m else (exc.message or "")
        return f"引用了不存在的变量或字段“{name}”"
    if isinstance(exc, SecurityError):
        return f"使用了安全沙箱不允许的操作（{exc}）"
    return f"{type(exc).__name__}：{exc}"


def _render_file(path: Path, context: dict) -> bytes:
    from docx.opc.exceptions import OpcError

    ctx = clean(dict(context))
    try:
        doc = _template_class()(io.BytesIO(Path(path).read_bytes()))
        doc.render(ctx, jinja_env=_environment(), autoescape=True)
    except (TemplateError, SecurityError) as exc:
        raise TemplateProblem(
            f"报告模板 {path} 无法使用：{_describe(exc)}。请运行 `dossier templates check` 查看详情并在 "
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
    return normalise_zip(buf.getvalue())


def render(template: str, context: dict, templates_dir: Path | None = None) -> bytes:
    """Render a report: ``template`` is a name in ``TEMPLATES``; the user's copy in
    ``templates_dir`` wins over the packaged default. Same context, same bytes."""
    if template not in TEMPLATES:
        raise TemplateProblem(f"未知报告模板“{template}”。可用模板：{'、'.join(TEMPLATES)}。")
    return _render_file(template_path(template, templates_dir), context)


# -- checking a template --------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
_OPEN = re.compile(r"{[{%#]")
_CLOSE = re.compile(r"[}%#]}")
# an opening or closing delimiter typed with at least one full-width character (Chinese input method)
_FULLWIDTH = re.compile(r"｛[｛{％%]|{[｛％]|[％%]｝|％}|｝[｝}]|}｝")
_JINJA_MESSAGES = (
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


def _jinja_message(message: str) -> str:
    m = re.search(r"unexpected char '(.+?)'", message)
    if m:
        char = m[1].encode().decode("unicode_escape") if m[1].startswith("\\") else m[1]
        if len(char) == 1 and not char.isprintable():
            return (f"标签中有看不见的字符 U+{ord(char):04X}（常见于从网页或聊天软件复制的文字）：请删除该标签并用"
                    f"键盘重新输入（{message}）")
    for pattern, zh in _JINJA_MESSAGES:
        m = re.search(pattern, message)
        if m:
            return f"{m.expand(zh)}（{message}）"
    return message


def _part_label(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    for prefix, label in (("document", "正文"), ("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注"),
                          ("endnotes", "尾注")):
        if base.startswith(prefix):
            return label
    return name


def _short(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_text(source: str, lineno: int | None) -> str:
    lines = source.split("\n")
    if not lineno or lineno > len(lines):
        return ""
    return _short(re.sub(r"<[^>]+>", "", lines[lineno - 1]))


def _normalise_tag(tag: str) -> str:
    tag = tag.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    tag = re.sub(r"^([{][{%#])-?\s*(?:(?:tr|tc|p|r)\s)?", r"\1", tag)
    tag = re.sub(r"-?([%}#][}])$", r"\1", tag)
    return re.sub(r"\s+", "", tag)


def _paragraph_problems(label: str, xml_root: etree._Element, patch) -> list[str]:
    """Tags the user sees in a paragraph but docxtpl does not (split runs), tags left open across
    paragraphs, full-width braces."""
    problems = []
    for p in xml_root.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        if not text:
            continue
        shown = _short(text)
        if _FULLWIDTH.search(text):
            problems.append(f"{label}“{shown}”中使用了全角符号 ｛ ｝ 或 ％（中文输入法）：请改为半角的 "
                            "{{ }} 或 {% %}，否则不会被替换。")
        seen = [_normalise_tag(t) for t in _TAG.findall(text)]
        rest = _TAG.sub("", text)
        if _OPEN.search(rest) or _CLOSE.search(rest):
            problems.append(f"{label}“{shown}”中有未闭合的标签（或标签跨越了段落）：每个 {{{{ }}}}、"
                            "{% %} 须在同一段落内写完整。")
            continue
        if not seen:
            continue
        raw = etree.tostring(p, encoding="unicode")
        patched = patch(raw)
        got = [_normalise_tag(t) for t in _TAG.findall(patched)]
        broken = [t for t in _TAG.findall(patched) if re.search(r"</?w:", t)]
        if broken or sorted(got) != sorted(seen):
            problems.append(f"{label}“{shown}”中的标签被 Word 拆分成了程序无法识别的几段（格式、修订或域代码"
                            "夹在标签中间）：请删除该标签，以纯文本一次性重新输入（可先粘贴到记事本再复制回来），"
                            "并确保整个标签格式一致。")
    return problems


def _dotted(node: nodes.Node) -> list[str] | None:
    """``a.b['c']`` -> ["a", "b", "c"]; None when not a plain variable path."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return base + [node.attr] if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        base = _dotted(node.node)
        return base + [node.arg.value] if base else None
    return None


def _variable_uses(node: nodes.Node, out: list[tuple[list[str], int]]) -> None:
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _dotted(node)
        if path:
            if not isinstance(node, nodes.Name) or node.ctx == "load":
                out.append((path, node.lineno))
            return
    for child in node.iter_child_nodes():
        _variable_uses(child, out)


def _unknown_variables(ast: nodes.Template, known: dict[str, str], env) -> list[tuple[str, int]]:
    top = meta.find_undeclared_variables(ast) - set(env.globals)
    loops: dict[str, list[str]] = {}
    for loop in ast.find_all(nodes.For):
        iterable = _dotted(loop.iter)
        if isinstance(loop.target, nodes.Name) and iterable:
            loops[loop.target.name] = loops.get(iterable[0], [iterable[0]]) + iterable[1:]
    uses: list[tuple[list[str], int]] = []
    _variable_uses(ast, uses)
    unknown, said = [], set()
    for path, lineno in uses:
        head = path[0]
        if head in loops and head not in top:
            path = loops[head] + path[1:]
        elif head not in top:
            continue  # a local: loop, set, macro argument
        name = path[0]
        if name in known:
            if len(path) > 1 and any(k.startswith(name + ".") for k in known):
                name = f"{path[0]}.{path[1]}"
        if name not in known and name not in said:
            said.add(name)
            unknown.append((name, lineno))
    return unknown


def _strict_parse(data: bytes) -> str | None:
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"第 {exc.lineno} 行：{exc.msg}" if exc.lineno else str(exc.msg)
    return None


def _template_parts(names: Iterable[str]) -> list[str]:
    parts = [n for n in names if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", n)]
    return sorted(parts, key=lambda n: (n != "word/document.xml", n))


_DC = "{http://purl.org/dc/elements/1.1/}"
_CORE_LABELS = {"title": "标题", "subject": "主题", "creator": "作者", "description": "备注",
                "identifier": "标识符", "language": "语言"}


def _core_property_problems(where: str, data: bytes | None, known: dict[str, str], env) -> list[str]:
    """docxtpl renders these core properties (文件 > 属性) as templates too."""
    if not data:
        return []
    problems = []
    root = etree.fromstring(data)
    for tag, label in _CORE_LABELS.items():
        element = root.find(_DC + tag)
        text = element.text if element is not None else None
        if not text or not _OPEN.search(text):
            continue
        try:
            ast = env.parse(text)
            env.compile(ast)
        except TemplateSyntaxError as exc:
            problems.append(f"{where} 的文档属性“{label}”（{_short(text)}）中{_describe(exc)}。请在 Word/WPS 的"
                            "“文件 > 属性”中改正。")
            continue
        for var, _ in _unknown_variables(ast, known, env):
            problems.append(f"{where} 的文档属性“{label}”（{_short(text)}）引用了未知变量“{var}”。请在“文件 > 属性”"
                            "中改正或删除。")
    return problems


def check_template(path: Path, template: str | None = None) -> list[str]:
    """Problems of a template file, as Chinese messages naming the file and what to fix; [] = fine.

    ``template`` is the template it stands for (default: the file name), which fixes the variables
    it may use (``TEMPLATES``)."""
    from docxtpl import DocxTemplate

    path = Path(path)
    template = template or path.name
    where = f"模板 {path}"
    if template not in TEMPLATES:
        return [f"{where}：文件名不是已知的报告模板（{'、'.join(TEMPLATES)}），不会被使用。请按模板名称命名。"]
    known = TEMPLATES[template]
    try:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    except FileNotFoundError:
        return [f"{where}：文件不存在。"]
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{where}：不是有效的 .docx 文件（无法作为 zip 打开：{exc}）。请在 Word/WPS 中另存为"
                "“Word 文档 (*.docx)”，或删除该文件以使用默认模板。"]
    problems = []
    for required in ("[Content_Types].xml", "word/document.xml"):
        if required not in members:
            problems.append(f"{where}：缺少部件 {required}，不是完整的 Word 文档。请在 Word/WPS 中另存为 .docx，"
                            "或删除该文件以使用默认模板。")
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            error = _strict_parse(data)
            if error:
                problems.append(f"{where}：部件 {name} 不是格式正确的 XML（{error}）。文件已损坏：请在 Word/WPS "
                                "中打开并另存为 .docx，或删除该文件以使用默认模板。")
    if problems:
        return problems

    env = _environment()
    patch = DocxTemplate(io.BytesIO()).patch_xml
    for name in _template_parts(members):
        label = f"{where} 的{_part_label(name)}"
        root = etree.fromstring(members[name])
        found = _paragraph_problems(label, root, patch)
        problems += found
        source = patch(etree.tostring(root, encoding="unicode"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        try:
            ast = env.parse(source)
            env.compile(ast)  # unknown filters and tests surface here (TemplateAssertionError)
        except TemplateSyntaxError as exc:
            text = _line_text(source, exc.lineno)
            problems.append(f"{label}“{text}”处：{_describe(exc)}。请在 Word/WPS 中改正该段的 {{{{ }}}} 或 {{% %}} 标签。"
                            if text else f"{label}：{_describe(exc)}。")
            continue
        for var, lineno in _unknown_variables(ast, known, env):
            names = "、".join(k for k in known if "." not in k or k.startswith(var.split(".")[0] + "."))
            problems.append(f"{label}“{_line_text(source, lineno)}”中引用了未知变量“{var}”。请改正拼写或删除；"
                            f"可用的变量有：{names}。")
    problems += _core_property_problems(where, members.get("docProps/core.xml"), known, env)
    if problems:
        return problems

    # Trial render with sample data: runtime errors and XML the template would produce.
    try:
        out = _render_file(path, sample_context(template))
    except TemplateProblem as exc:
        return [f"{where}：按示例数据试渲染失败：{exc.message}"]
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        for name in _template_parts(zf.namelist()):
            error = _strict_parse(zf.read(name))
            if error:
                problems.append(f"{where}：按示例数据试渲染后，{_part_label(name)}不是格式正确的 XML（{error}）。"
                                "通常是标签跨越了表格行、段落或格式：请检查 {%tr %}、{%p %} 标签所在的行或段落。")
    return problems
