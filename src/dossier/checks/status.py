"""A client's checklist status from an archive snapshot: the `dossier status` contract and overview rows.

Bridges the archive's plain records to the pure checklist; no I/O of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dossier.archive import Snapshot
from dossier.checks.checklist import case_from, evaluate
from dossier.checks import due
from dossier.checks.facts import STATUS_ZH, Case, DocFacts, ItemStatus, is_complete
from dossier.checks.monitor import opened_date, reevaluate_of
from dossier.rules import Checklist, load_checklist

PRODUCT_ZH = {
    "working_capital_loan": "流动资金贷款担保",
    "project_finance": "项目融资担保",
    "letter_of_credit": "信用证担保",
    "bill_acceptance": "票据承兑担保",
    "equipment_finance": "设备采购和更新融资担保",
}


def doc_facts(snap: Snapshot) -> list[DocFacts]:
    """Documents in force (superseded ones under documents/历史/ are history, not evidence)."""
    return [DocFacts(d.path, d.doc_type or "other", d.fields, d.confidence, d.review, d.problems, d.version,
                     d.settled, frozenset(d.forced))
            for d in snap.documents if d.in_force]


def assess(snap: Snapshot, as_of: date | None = None, *,
           of_version: bool = False) -> tuple[Case, date, list[ItemStatus]]:
    """The checklist of a state as of ``as_of``, else the application date, else today; with ``of_version``
    (the reports a version carries), else the day the version was made: a render of that version says the
    same on any later day."""
    docs = doc_facts(snap)
    case = case_from(snap.meta.get("case") or {}, docs)
    when = as_of or case.application_date or (version_day(snap) if of_version else None) or date.today()
    return case, when, evaluate(case, docs, when)


def version_day(snap: Snapshot) -> date | None:
    """The local calendar day a version was made (``created`` is UTC), None when unknown."""
    try:
        return datetime.fromisoformat(str(snap.created).replace("Z", "+00:00")).astimezone().date()
    except (TypeError, ValueError):
        return None


def next_due(snap: Snapshot, items: list[ItemStatus], today: date) -> dict | None:
    """The earliest dated obligation (``checks.due``) other than documents asked for and not sent."""
    entries = [e for e in due.obligations([d for d in snap.documents if d.in_force], items, today, opened_date(snap))
               if e["kind"] != "withheld"]
    return min(entries, key=lambda e: e["date"], default=None)


def client_status(snap: Snapshot, as_of: date | None = None) -> dict:
    """One client of `dossier status --json` (a stable interface: keys are a contract)."""
    case, when, items = assess(snap, as_of)
    again, reasons = reevaluate_of(snap)
    return {
        "client": snap.client,
        "name": snap.name,
        "credit_code": snap.credit_code,
        "version": snap.version,
        "as_of": when.isoformat(),
        "case": {
            "product": case.product,
            "amount": case.amount,
            "term_months": case.term_months,
            "application_date": case.application_date.isoformat() if case.application_date else None,
            "agent": case.agent,
        },
        "complete": is_complete(items),
        "items": [i.to_json() for i in items],
        "reevaluate": again,
        "reevaluate_reasons": reasons,
        "next_due": next_due(snap, items, as_of or date.today()),
    }


def expiry_fields() -> list[tuple[str, str]]:
    """(document type, field) of every item that must not be expired (checklist.toml ``not_expired``)."""
    return [(item.id, item.not_expired) for item in load_checklist().items if item.not_expired]


def expiring_soon(catalog, today: date, clients: list[str] | None = None) -> list[dict]:
    """Documents in force whose validity ends within ``expiring_days`` (thresholds.toml) of ``today``,
    or has ended: each with ``days_left`` (negative: expired), the earliest first."""
    from datetime import timedelta

    from dossier.rules import load_thresholds

    until = (today + timedelta(days=load_thresholds().expiring_days)).isoformat()
    wanted = set(clients) if clients is not None else None
    out = []
    for row in catalog.expiring(expiry_fields(), until):
        try:
            ends = date.fromisoformat(str(row["date"])[:10])
        except ValueError:  # an unreadable date is the checklist's "review", not an expiry
            continue
        if wanted is None or row["client"] in wanted:
            out.append({**row, "days_left": (ends - today).days})
    return out


def item_name(item_id: str, checklist: Checklist | None = None) -> str:
    """An item's Chinese name; ``checklist``: the rules already loaded (a caller naming many items)."""
    try:
        return (checklist if checklist is not None else load_checklist())[item_id].name
    except KeyError:
        return item_id


@dataclass(frozen=True)
class ItemCell:
    """A status cell of the overview: ``status`` names its colour (a checklist status id, or
    ``complete``/``not_complete`` for the whole dossier), ``label`` is what it says (Chinese), and
    ``problems`` the item's problems. ``str()`` gives the full text; ``short()`` the text a cell shows."""

    status: str
    label: str
    problems: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.label}：{'；'.join(self.problems)}" if self.problems else self.label

    def short(self, limit: int = 40) -> str:
        """All of it when it fits ``limit`` characters, else the first problem and how many there are."""
        text = str(self)
        if len(text) <= limit:
            return text
        more = f"（共 {len(self.problems)} 条）" if len(self.problems) > 1 else ""
        first = f"{self.label}：{self.problems[0]}"
        room = limit - len(more)
        return (first if len(first) <= room else first[:room - 1] + "…") + more


#: Columns of the overview before the checklist items; the first two identify the client.
OVERVIEW_COLUMNS = ("档案编号", "公司名称", "统一社会信用代码", "版本", "核查基准日", "担保品种", "担保金额（元）",
                    "期限（月）", "是否齐全", "下次到期", "需重新评估")


def _due_cell(entry: dict | None) -> str:
    return f"{entry['date']} {entry['name']}" if entry else ""


def _again_cell(s: dict) -> ItemCell | str:
    if not s.get("reevaluate"):
        return "否"
    return ItemCell("review", "需重新评估", tuple(s.get("reevaluate_reasons") or ()))


def overview_rows(statuses: list[dict]) -> tuple[list[str], list[list]]:
    """A sheet across clients: one row per client, one column per checklist item.

    ``statuses`` are ``client_status`` results. An item's cell is an ``ItemCell`` (its status in Chinese
    and its problems), as is the "是否齐全" cell; the other cells are plain values.
    """
    checklist = load_checklist()
    ids = list(checklist.ids)
    header = [*OVERVIEW_COLUMNS, *[item_name(i, checklist) for i in ids]]
    rows = []
    for s in statuses:
        by_id = {i["item"]: i for i in s["items"]}
        case = s.get("case") or {}
        product = case.get("product")
        cells = []
        for item_id in ids:
            item = by_id.get(item_id)
            cells.append(ItemCell(item["status"], STATUS_ZH.get(item["status"], item["status"]),
                                  tuple(item["problems"])) if item else "")
        rows.append([s["client"], s["name"], s["credit_code"], s["version"], s["as_of"],
                     PRODUCT_ZH.get(product, product or ""), case.get("amount"), case.get("term_months"),
                     ItemCell("complete", "齐全") if s["complete"] else ItemCell("not_complete", "不齐全"),
                     _due_cell(s.get("next_due")), _again_cell(s), *cells])
    return header, rows
