"""A client's checklist status from an archive snapshot: the `dossier status` contract and overview rows.

Bridges the archive's plain records to the pure checklist; no I/O of its own.
"""

from __future__ import annotations

import time
from datetime import date

from .archive import Snapshot
from .models import Outcome
from .checklist import STATUS_ZH, Case, DocFacts, ItemStatus, case_from, evaluate, is_complete, load_checklist

PRODUCT_ZH = {
    "working_capital_loan": "流动资金贷款担保",
    "project_finance": "项目融资担保",
    "letter_of_credit": "信用证担保",
    "bill_acceptance": "票据承兑担保",
    "equipment_finance": "设备采购和更新融资担保",
}


def doc_facts(snap: Snapshot) -> list[DocFacts]:
    """Documents in force (superseded ones under documents/历史/ are history, not evidence)."""
    return [DocFacts(d.path, d.doc_type or "other", d.fields, d.confidence, d.review, d.problems, d.version)
            for d in snap.documents if d.in_force]


def assess(snap: Snapshot, as_of: date | None = None) -> tuple[Case, date, list[ItemStatus]]:
    docs = doc_facts(snap)
    case = case_from(snap.meta.get("case") or {}, docs)
    when = as_of or case.application_date or date.today()
    return case, when, evaluate(case, docs, when)


def client_status(snap: Snapshot, as_of: date | None = None) -> dict:
    """One client of `dossier status --json` (a stable interface: keys are a contract)."""
    case, when, items = assess(snap, as_of)
    return {
        "client": snap.client,
        "name": snap.name,
        "credit_code": snap.credit_code,
        "version": snap.version,
        "as_of": when.isoformat(),
        "case": {
            "product": case.product,
            "term_months": case.term_months,
            "application_date": case.application_date.isoformat() if case.application_date else None,
            "agent": case.agent,
        },
        "complete": is_complete(items),
        "items": [i.to_json() for i in items],
    }


def item_name(item_id: str) -> str:
    try:
        return load_checklist()[item_id].name
    except KeyError:
        return item_id


def overview_rows(statuses: list[dict]) -> tuple[list[str], list[list]]:
    """A sheet across clients: one row per client, one column per checklist item (status in Chinese)."""
    ids = list(load_checklist().ids)
    header = ["档案编号", "公司名称", "统一社会信用代码", "版本", "核查基准日", "担保品种", "期限（月）", "是否齐全",
              *[item_name(i) for i in ids], "问题"]
    rows = []
    for s in statuses:
        by_id = {i["item"]: i for i in s["items"]}
        problems = [f"{item_name(i['item'])}：{p}" for i in s["items"] for p in i["problems"]]
        rows.append([s["client"], s["name"], s["credit_code"], s["version"], s["as_of"],
                     PRODUCT_ZH.get(s["case"]["product"], s["case"]["product"] or ""), s["case"]["term_months"],
                     "齐全" if s["complete"] else "不齐全",
                     *[STATUS_ZH.get(by_id[i]["status"], "") if i in by_id else "" for i in ids],
                     "；".join(problems)])
    return header, rows


# -- reports of a snapshot (written into every archive version) ------------------------------

REPORT_PATHS = {"completeness": "reports/完整性核查表.docx", "index": "reports/归档文件目录.docx"}
_DATE_FIELDS = ("application_date", "issued", "as_of", "date", "established")


def index_rows(snap: Snapshot) -> list[dict]:
    """The archive index (DA/T 22-2015 columns): documents in force first, then history, by path."""
    from .rules import load_doctypes

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
    """The completeness report and the archive index of a dossier state, rendered deterministically."""
    from .reports import COMPLETENESS, INDEX, completeness_context, index_context, render

    case, when, items = assess(snap)
    index = index_rows(snap)
    numbers = {row["path"]: row["number"] for row in index}
    client = {"client": snap.client, "name": snap.name, "credit_code": snap.credit_code}
    item_rows = [{**i.to_json(), "name": item_name(i.item), "status_zh": STATUS_ZH[i.status],
                  "evidence": "、".join(str(numbers[p]) for p in i.documents if p in numbers)} for i in items]
    case_json = {"product": case.product, "amount": case.amount, "term_months": case.term_months,
                 "application_date": case.application_date.isoformat() if case.application_date else None,
                 "agent": case.agent}
    completeness = completeness_context(client, case_json, when.isoformat(), snap.version, item_rows,
                                        version_date=when)
    return {
        REPORT_PATHS["completeness"]: render(COMPLETENESS, completeness, templates_dir),
        REPORT_PATHS["index"]: render(INDEX, index_context(client, snap.version, index, version_date=when),
                                      templates_dir),
    }


# -- the clerk's receipt ---------------------------------------------------------------------

def receipt_text(snap: Snapshot | None, folder: str, outcomes: list[Outcome]) -> str:
    """Plain Chinese for the clerk: what was archived, what was set aside, what is still missing."""
    lines = [f"收件回执：{folder}", f"时间：{time.strftime('%Y-%m-%d %H:%M')}", ""]
    marks = {"archived": "已归档", "duplicate": "重复（已有相同文件，未重复保存）", "quarantined": "未收件",
             "pending": "待处理", "unsorted": "待分拣"}
    for o in outcomes:
        name = o.source.split("/", 1)[-1]
        where = f" → {o.path}" if o.outcome == "archived" else ""
        why = f"：{o.reason}" if o.reason and o.outcome != "archived" else ""
        lines.append(f"  [{marks.get(o.outcome, o.outcome)}] {name}{where}{why}")
    if snap is not None:
        status = client_status(snap)
        client = snap.client
        open_items = [i for i in status["items"] if i["status"] not in ("ok", "not_required")]
        lines += ["", f"档案：{status['name']}（{client}），当前版本 {status['version']}，核查基准日 {status['as_of']}"]
        if not open_items:
            lines.append("资料已齐全。")
        else:
            lines.append("还需补充或核对的资料：")
            for item in open_items:
                detail = "；".join(item["problems"])
                lines.append(f"  · {item_name(item['item'])}（{STATUS_ZH[item['status']]}）{'：' + detail if detail else ''}")
    lines += ["", "说明：本回执由系统自动生成，每次收件后更新；收件程序不会处理本文件。"]
    return "\n".join(lines) + "\n"
