"""Watching a client after the file is complete (rules 第二十、二十一条, 附录五): the ``dossier warnings`` contract.

``client_watch(snap, today)`` is one client of ``dossier warnings --json``: its ratios per fiscal year, the
warnings the rules of ``warnings.toml`` raise (each with its evidence), its dated obligations, and whether
it must be re-evaluated: a client whose evaluation report (``reports/分析评价报告（草稿）.docx``) was issued,
and who since then brought documents that raise a warning (a changed legal representative, lower capital,
a qualified audit opinion, figures past a threshold, ...). Pure: it reads the snapshot only.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from dossier.rules import Rule, load_thresholds, load_warnings

from . import due as due_mod
from . import finance
from .checklist import case_from, evaluate
from .facts import DocFacts

EVALUATION_REPORT = "reports/分析评价报告（草稿）.docx"
MONITORING_REPORT = "reports/担保后监测报告.docx"
LICENCE = "business_licence"
AUDIT = "audit_report"
OPINION_ZH = {"standard": "标准无保留意见", "emphasis": "带强调事项段的无保留意见", "qualified": "保留意见",
              "adverse": "否定意见", "disclaimer": "无法表示意见"}


def _number(version: str | None) -> int:
    try:
        return int(str(version)[1:])
    except (TypeError, ValueError):
        return 0


def _settled_or_sure(doc, review_below: float) -> bool:
    if doc.settled:
        return True
    return not doc.review and not (doc.confidence is not None and doc.confidence < review_below)


def _facts(doc) -> DocFacts:
    return DocFacts(doc.path, doc.doc_type or "other", doc.fields, doc.confidence, doc.review, doc.problems,
                    doc.version, doc.settled, frozenset(doc.forced))


def opened_date(snap) -> date | None:
    """When the dossier was opened: ``dossier.json`` ``opened``, else its first version's date."""
    text = snap.meta.get("opened") or (snap.versions[0].created if snap.versions else None)
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------

def _fmt(value, unit: str) -> str:
    return finance.show_value(value, unit)


def _threshold_hits(rule: Rule, series: finance.Series) -> list[dict]:
    unit = finance.UNITS.get(rule.measure, "yuan")
    limit = rule.threshold

    def value_of(year: int) -> tuple[float | None, tuple[finance.Figure, ...]]:
        if rule.measure in finance.MEASURES:
            r = finance.measure(rule.measure, series, year)
            return (r.value if r.state == "ok" else None), r.inputs
        fig = series.get(year, rule.measure)
        return (fig.value if fig.state == "ok" else None), (fig,)

    def hit(value) -> bool:
        return value is not None and (value > limit if rule.above is not None else value < limit)

    out = []
    for year in series.years:
        run = [value_of(y) for y in range(year - rule.consecutive + 1, year + 1)]
        if all(hit(v) for v, _ in run):
            value = run[-1][0]
            evidence = sorted({f.path for _, inputs in run for f in inputs if f.path})
            shown = _fmt(limit, unit) if unit != "yuan" or limit else "0"
            out.append(_warning(rule, year, value, limit, evidence,
                                {"year": year, "value": _fmt(value, unit), "threshold": shown,
                                 "count": rule.consecutive}))
    return out


def _warning(rule: Rule, at_year: int | None, value, threshold, evidence: list[str], say: dict) -> dict:
    return {"rule": rule.id, "level": rule.level, "year": at_year, "value": value, "threshold": threshold,
            "message": rule.message.format_map(_Blank(say)), "article": rule.article, "source": rule.source,
            "evidence": evidence}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _opinion_hits(rule: Rule, docs: list, review_below: float) -> list[dict]:
    """Audit reports in force whose opinion is one of the rule's, read surely or settled by a person."""
    out = []
    for d in docs:
        opinion = (d.fields or {}).get("opinion")
        if d.doc_type == AUDIT and opinion in rule.opinions and _settled_or_sure(d, review_below):
            year = _year((d.fields or {}).get("year"))
            out.append(_warning(rule, year, opinion, list(rule.opinions), [d.path],
                                {"year": year if year is not None else "", "value": OPINION_ZH.get(opinion, opinion)}))
    return out


def _year(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _same(a, b) -> bool:
    def norm(v):
        return "".join(unicodedata.normalize("NFC", str(v)).split())
    return norm(a) == norm(b)


def licence_pair(snap, review_below: float) -> tuple[object, object] | tuple[None, None]:
    """(the licence in force, the one before it): the previous is the licence most recently retired to
    documents/历史/ (withdrawn and moved-out documents are no licence of this client). Both must be read
    surely or settled by a person."""
    gone = {e.get("history") for key in ("withdrawn", "moved_out") for e in snap.meta.get(key) or []}
    licences = [d for d in snap.documents if d.doc_type == LICENCE and _settled_or_sure(d, review_below)]
    current = [d for d in licences if d.in_force]
    older = [d for d in licences if not d.in_force and d.path not in gone]
    if not current or not older:
        return None, None
    now = max(current, key=lambda d: (_number(d.version), d.path))
    before = max(older, key=lambda d: (_number(d.version), d.path))
    return now, before


def _licence_hits(rule: Rule, pair) -> list[dict]:
    now, before = pair
    if now is None:
        return []
    old, new = (before.fields or {}).get(rule.field), (now.fields or {}).get(rule.field)
    if old is None or new is None:
        return []
    if rule.change == "lower":
        changed = isinstance(old, (int, float)) and isinstance(new, (int, float)) and new < old
    else:
        changed = not _same(old, new)
    if not changed:
        return []
    show = (lambda v: finance.show_value(float(v), "yuan")) if rule.field == "registered_capital" else str
    return [_warning(rule, None, new, old, [now.path, before.path], {"old": show(old), "new": show(new)})]


def _withheld_hits(rule: Rule, entries: list[dict]) -> list[dict]:
    out = []
    for e in entries:
        if e["kind"] == "withheld" and -e["days_left"] >= rule.days:
            name = e["name"].removesuffix("已索要未提供")
            out.append(_warning(rule, None, -e["days_left"], rule.days, [],
                                {"name": name, "days": -e["days_left"], "threshold": rule.days}) | {"item": e["item"]})
    return out


def raise_warnings(snap, series: finance.Series, due_entries: list[dict], review_below: float) -> list[dict]:
    docs = [d for d in snap.documents if d.in_force]
    pair = licence_pair(snap, review_below)
    out: list[dict] = []
    for rule in load_warnings():
        if rule.kind == "threshold":
            out += _threshold_hits(rule, series)
        elif rule.kind == "opinion":
            out += _opinion_hits(rule, docs, review_below)
        elif rule.kind == "licence_change":
            out += _licence_hits(rule, pair)
        else:
            out += _withheld_hits(rule, due_entries)
    level = {"预警": 0, "关注": 1}
    return sorted(out, key=lambda w: (level.get(w["level"], 2), -(w["year"] or 9999), w["rule"]))


# ---------------------------------------------------------------------------
# Re-evaluation (第二十条) and what changed since the issued evaluation (第二十一条)
# ---------------------------------------------------------------------------

def evaluation_issued(snap) -> dict | None:
    entry = (snap.meta.get("issued") or {}).get(EVALUATION_REPORT)
    if not entry:
        return None
    return {"path": EVALUATION_REPORT, "issued_at": entry.get("issued_at"), "issued_by": entry.get("issued_by"),
            "version": entry.get("version")}


def changes_since(snap, issued: dict | None, warnings: list[dict]) -> list[dict]:
    """Version by version after the issued evaluation: documents added, documents retired to history, and
    the warnings whose evidence arrived in that version."""
    if not issued or not issued.get("version"):
        return []
    base = _number(issued["version"])
    created = {v.name: v.created for v in snap.versions}
    by_version: dict[str, dict] = {}
    for d in snap.documents:
        if _number(d.version) <= base:
            continue
        entry = by_version.setdefault(d.version, {"version": d.version, "created": created.get(d.version),
                                                  "added": [], "retired": [], "reasons": []})
        entry["added" if d.in_force else "retired"].append(d.path)
    for entry in by_version.values():
        paths = set(entry["added"]) | set(entry["retired"])
        entry["reasons"] = [w["message"] for w in warnings if paths & set(w["evidence"])]
        entry["added"].sort()
        entry["retired"].sort()
    return [by_version[v] for v in sorted(by_version, key=_number)]


def reevaluation(changes: list[dict]) -> list[str]:
    reasons: list[str] = []
    for entry in changes:
        for text in entry["reasons"]:
            said = f"{entry['version']}：{text}"
            if said not in reasons:
                reasons.append(said)
    return reasons


# ---------------------------------------------------------------------------
# One client
# ---------------------------------------------------------------------------

def client_watch(snap, today: date) -> dict:
    """One client of ``dossier warnings --json`` (a stable interface: the keys are a contract)."""
    review_below = load_thresholds().review_below
    docs = [d for d in snap.documents if d.in_force]
    facts = [_facts(d) for d in docs]
    case = case_from(snap.meta.get("case") or {}, facts)
    items = evaluate(case, facts, case.application_date or today)
    entries = due_mod.with_days_left(due_mod.obligations(docs, items, today, opened_date(snap)), today)
    series = finance.figures(docs, review_below)
    ratios = finance.ratios(series)
    warnings = raise_warnings(snap, series, entries, review_below)
    issued = evaluation_issued(snap)
    changes = changes_since(snap, issued, warnings)
    reasons = reevaluation(changes)
    return {
        "client": snap.client,
        "name": snap.name,
        "credit_code": snap.credit_code,
        "version": snap.version,
        "as_of": today.isoformat(),
        "ratios": {str(y): {n: (r.value if r.state == "ok" else None) for n, r in rs.items()}
                   for y, rs in ratios.items()},
        "analysis": {str(y): {n: r.to_json() for n, r in rs.items()} for y, rs in ratios.items()},
        "statements": {str(y): {f: fig.to_json() for f, fig in row.items()} for y, row in series.by_year.items()},
        "warnings": warnings,
        "due": entries,
        "reevaluate": bool(reasons),
        "reevaluate_reasons": reasons,
        "evaluation": issued,
        "changes_since": changes,
    }


def reevaluate_of(snap) -> tuple[bool, list[str]]:
    """Whether the client must be re-evaluated, and why (``status``, the overview): independent of the date."""
    issued = evaluation_issued(snap)
    if not issued:
        return False, []
    review_below = load_thresholds().review_below
    docs = [d for d in snap.documents if d.in_force]
    series = finance.figures(docs, review_below)
    warnings = raise_warnings(snap, series, [], review_below)
    reasons = reevaluation(changes_since(snap, issued, warnings))
    return bool(reasons), reasons


def has_statements(snap) -> bool:
    return any(d.in_force and d.doc_type in finance.STATEMENT_TYPES for d in snap.documents)



STATE_ZH = {"missing": "缺数据", "review": "待复核", "not_applicable": "不适用"}


def ratio_table(watch: dict, years: int = 3) -> tuple[list[str], list[dict]]:
    """The ratios of the last ``years`` fiscal years as people read them: (years, rows); each row has the
    ratio's ``name``, ``zh``, ``formula`` and per year a cell ``{"text", "state", "warned"}`` (``warned``:
    a warning rule fired on that ratio in that year)."""
    shown = sorted(watch["analysis"])[-years:]
    rules = load_warnings()
    warned = {(str(w["year"]), rules[w["rule"]].measure) for w in watch["warnings"]
              if w["year"] is not None and rules[w["rule"]].kind == "threshold"}
    rows = []
    for name, d in finance.RATIOS.items():
        cells = []
        for y in shown:
            a = watch["analysis"][y][name]
            text = finance.show_value(a["value"], d.unit) if a["state"] == "ok" else STATE_ZH[a["state"]]
            cells.append({"text": text, "state": a["state"], "warned": (y, name) in warned, "note": a["note"]})
        rows.append({"name": name, "zh": d.zh, "formula": d.formula, "cells": cells})
    return shown, rows
