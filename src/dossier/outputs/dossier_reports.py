"""The reports of one dossier state (written into every archive version): completeness report and archive index,
the evaluation-report draft where statements are in force, the monitoring report once that draft is issued."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Self

from dossier.archive import Snapshot
from dossier.checks import STATUS_ZH
from dossier.checks.status import assess, item_name
from dossier.errors import ChartFontMissing, TemplateProblem
from dossier.outputs.charts import Picture
from dossier.outputs.evaluation import EVALUATION_PATH
from dossier.outputs.monitoring import MONITORING_PATH
from dossier.rules import load_checklist

REPORT_PATHS = {"completeness": "reports/完整性核查表.docx", "index": "reports/归档文件目录.docx"}
#: Reports only some states have (issue 14): the draft where a statement is in force, the monitoring
#: report where the draft has been issued.
WATCH_PATHS = {"evaluation": EVALUATION_PATH, "monitoring": MONITORING_PATH}
STATEMENT_TYPES = ("balance_sheet", "income_statement", "cash_flow_statement")
log = logging.getLogger(__name__)
_DATE_FIELDS = ("application_date", "issued", "as_of", "date", "established")
#: Context keys that belong to a render, not to what the report says: the archive version in its
#: header and the document date written into its properties.
RENDER_ONLY = ("version", "document_date")


class Rendered(bytes):
    """A rendered report (its bytes) that also carries ``content``: the SHA-256 of the values it shows,
    the version header aside. Two renders with the same ``content`` say the same thing, whatever the
    template's styling or the versions of docxtpl and python-docx; the archive compares it to decide
    whether an issued report needs an update copy (rules 第十九条)."""

    content: str

    def __new__(cls, data: bytes, content: str) -> Self:
        self = super().__new__(cls, data)
        self.content = content
        return self


def content_digest(template: str, context: dict) -> str:
    """The fingerprint of what a report says: its template name and its context without RENDER_ONLY keys
    and pictures (a chart draws figures the context holds), as canonical JSON (sorted keys) hashed with SHA-256."""
    values = {k: v for k, v in context.items() if k not in RENDER_ONLY and not isinstance(v, Picture)}
    text = json.dumps([template, values], ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def index_rows(snap: Snapshot) -> list[dict]:
    """The archive index (DA/T 22-2015 columns): documents in force first, then history, by path."""
    from dossier.rules import load_doctypes

    rules = load_doctypes()
    docs = sorted(snap.documents, key=lambda d: (not d.in_force, d.path))
    rows = []
    for number, d in enumerate(docs, 1):
        kind = rules[d.doc_type].file_name if d.doc_type in rules and d.doc_type != "other" else None
        year = d.fields.get("year")
        title = (f"{kind}（{year} 年度）" if year else kind) if kind else d.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        when = next((d.fields[f] for f in _DATE_FIELDS if d.fields.get(f)), None) or (f"{year}-12-31" if year else None)
        remark = [f"原文件：{d.source}"] if d.source else []
        if not d.in_force:
            remark.append("已被新件替换，留作历史")
        if d.review:
            remark.append("待复核")
        rows.append({"number": number, "archival_code": f"{snap.client}-{number:04d}", "doc_no": "",
                     "responsible": snap.name, "title": title, "date": when, "pages": d.pages,
                     "remark": "；".join(remark), "path": d.path})
    return rows


def has_statements(snap: Snapshot) -> bool:
    """Whether a balance sheet, income statement or cash-flow statement is in force (the draft is due)."""
    return any(d.in_force and d.doc_type in STATEMENT_TYPES for d in snap.documents)


def report_files(snap: Snapshot, templates_dir=None) -> dict[str, bytes]:
    """The reports of a dossier state, rendered deterministically: the completeness report and the archive
    index always; 分析评价报告（草稿）.docx where a statement is in force (rules 第十九条); 担保后监测报告.docx
    once that draft has been issued (第二十一条). Each value is a ``Rendered``: the bytes, with the
    fingerprint of the values they show."""
    from dossier.outputs.reports import (
        COMPLETENESS,
        INDEX,
        completeness_context,
        index_context,
        render,
    )

    case, when, items = assess(snap, of_version=True)  # a later render of this state says the same
    index = index_rows(snap)
    numbers = {row["path"]: row["number"] for row in index}
    client = {"client": snap.client, "name": snap.name, "credit_code": snap.credit_code}
    checklist = load_checklist()  # once: each load checks the rule files on disk for edits
    item_rows = [{**i.to_json(), "name": item_name(i.item, checklist), "status_zh": STATUS_ZH[i.status],
                  "evidence": "、".join(str(numbers[p]) for p in i.documents if p in numbers)} for i in items]
    case_json = {"product": case.product, "amount": case.amount, "term_months": case.term_months,
                 "application_date": case.application_date.isoformat() if case.application_date else None,
                 "agent": case.agent}
    contexts = {
        COMPLETENESS: completeness_context(client, case_json, when.isoformat(), snap.version, item_rows,
                                           version_date=when),
        INDEX: index_context(client, snap.version, index, version_date=when),
    }
    out = {
        REPORT_PATHS["completeness"]: _rendered(COMPLETENESS, contexts[COMPLETENESS], templates_dir, render),
        REPORT_PATHS["index"]: _rendered(INDEX, contexts[INDEX], templates_dir, render),
    }
    try:
        out.update(watch_reports(snap, when, case_json, item_rows, templates_dir))
    except TemplateProblem:  # a user's broken template: the pipeline renders with the defaults instead
        raise
    except Exception:  # the completeness report and the index never wait on the client watch
        log.exception("分析评价报告/监测报告未生成（%s %s）", snap.client, snap.version)
    return out


def watch_reports(snap: Snapshot, when, case_json: dict, item_rows: list[dict], templates_dir=None) -> dict:
    """The evaluation draft and the monitoring report of a state (issue 14), where they are due."""
    from dossier.checks.monitor import client_watch
    from dossier.outputs.evaluation import evaluation_context
    from dossier.outputs.monitoring import monitoring_context
    from dossier.outputs.reports import EVALUATION, MONITORING, render

    issued = (snap.meta.get("issued") or {}).get(EVALUATION_PATH)
    draft = has_statements(snap)
    if not draft and not issued:
        return {}
    watch = client_watch(snap, when)
    out = {}
    if draft:
        try:
            ctx = evaluation_context(watch, case_json, item_rows, version=snap.version, as_of=when, version_date=when)
        except ChartFontMissing as exc:  # the other reports are still written; the log names the fix
            log.error("%s %s 的分析评价报告（草稿）未生成：%s", snap.client, snap.version, exc.message)
        else:
            out[EVALUATION_PATH] = _rendered(EVALUATION, ctx, templates_dir, render)
    if issued:
        created = {v.name: v.created for v in snap.versions} | {snap.version: snap.created}
        ctx = monitoring_context(watch, version=snap.version, as_of=when, issued=issued, version_date=when,
                                 created=created)
        out[MONITORING_PATH] = _rendered(MONITORING, ctx, templates_dir, render)
    return out


def _rendered(template: str, context: dict, templates_dir, render) -> Rendered:
    return Rendered(render(template, context, templates_dir, cleaned=True), content_digest(template, context))
