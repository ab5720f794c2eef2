"""The reports of one dossier state (written into every archive version): completeness report and archive index."""

from __future__ import annotations

import hashlib
import json
from typing import Self

from dossier.archive import Snapshot
from dossier.checks import STATUS_ZH
from dossier.checks.status import assess, item_name

REPORT_PATHS = {"completeness": "reports/完整性核查表.docx", "index": "reports/归档文件目录.docx"}
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
    """The fingerprint of what a report says: its template name and its context without RENDER_ONLY keys,
    as canonical JSON (sorted keys) hashed with SHA-256."""
    values = {k: v for k, v in context.items() if k not in RENDER_ONLY}
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


def report_files(snap: Snapshot, templates_dir=None) -> dict[str, bytes]:
    """The completeness report and the archive index of a dossier state, rendered deterministically.
    Each value is a ``Rendered``: the bytes, with the fingerprint of the values they show."""
    from dossier.outputs.reports import (
        COMPLETENESS,
        INDEX,
        completeness_context,
        index_context,
        render,
    )

    case, when, items = assess(snap)
    index = index_rows(snap)
    numbers = {row["path"]: row["number"] for row in index}
    client = {"client": snap.client, "name": snap.name, "credit_code": snap.credit_code}
    item_rows = [{**i.to_json(), "name": item_name(i.item), "status_zh": STATUS_ZH[i.status],
                  "evidence": "、".join(str(numbers[p]) for p in i.documents if p in numbers)} for i in items]
    case_json = {"product": case.product, "amount": case.amount, "term_months": case.term_months,
                 "application_date": case.application_date.isoformat() if case.application_date else None,
                 "agent": case.agent}
    contexts = {
        COMPLETENESS: completeness_context(client, case_json, when.isoformat(), snap.version, item_rows,
                                           version_date=when),
        INDEX: index_context(client, snap.version, index, version_date=when),
    }
    return {
        REPORT_PATHS["completeness"]: _rendered(COMPLETENESS, contexts[COMPLETENESS], templates_dir, render),
        REPORT_PATHS["index"]: _rendered(INDEX, contexts[INDEX], templates_dir, render),
    }


def _rendered(template: str, context: dict, templates_dir, render) -> Rendered:
    return Rendered(render(template, context, templates_dir, cleaned=True), content_digest(template, context))
