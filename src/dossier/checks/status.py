"""A client's checklist status from an archive snapshot: the `dossier status` contract and overview rows.

Bridges the archive's plain records to the pure checklist; no I/O of its own.
"""

from __future__ import annotations

from datetime import date

from dossier.archive import Snapshot
from dossier.checks.checklist import case_from, evaluate
from dossier.checks.facts import STATUS_ZH, Case, DocFacts, ItemStatus, is_complete
from dossier.rules import load_checklist

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
