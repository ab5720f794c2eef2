"""The post-guarantee monitoring report, 担保后监测报告.docx (rules 第二十、二十一条): its context.

Written only once the evaluation report has been issued: which evaluation it follows (when, by whom,
from which version), then version by version since then what changed (documents added or superseded,
the reasons found, e.g. a new legal representative), the warnings now in force, the dated obligations
coming due, and whether the client must be re-evaluated (第二十条) and why.
"""

from __future__ import annotations

from datetime import date

from dossier.outputs.evaluation import EVALUATION_PATH, warning_rows
from dossier.outputs.report_values import DASH, clean, date_zh, iso_date, show

MONITORING = "担保后监测报告.docx"
MONITORING_PATH = "reports/" + MONITORING


def _lines(values) -> str:
    return "\n".join(show(v) for v in values or []) or "无"


def change_rows(watch: dict, created: dict[str, str] | None = None) -> list[dict]:
    """One row per version since the issued evaluation: what was added, what was retired, and why it matters.
    ``created``: version -> when, for versions the watch has no date of (the one being written)."""
    rows = []
    for change in watch.get("changes_since") or []:
        when = change.get("created") or (created or {}).get(str(change.get("version")))
        rows.append({
            "version": show(change.get("version"), DASH),
            "date": date_zh(iso_date(when) or when, DASH),
            "added": _lines(change.get("added")),
            "retired": _lines(change.get("retired")),
            "reasons": _lines(change.get("reasons")),
        })
    return rows


def due_rows(watch: dict) -> list[dict]:
    rows = []
    for due in watch.get("due") or []:
        days = due.get("days_left")
        if isinstance(days, int) and not isinstance(days, bool):
            left = f"已过期 {-days} 天" if days < 0 else f"{days} 天"
        else:
            left = DASH
        rows.append({"name": show(due.get("name") or due.get("item"), DASH), "date": date_zh(due.get("date"), DASH),
                     "days_left": left, "path": show(due.get("path"), DASH)})
    return rows


def monitoring_context(watch: dict, *, version: str, as_of: str | date, issued: dict | None = None,
                       version_date: str | date | None = None, created: dict[str, str] | None = None) -> dict:
    """Context of 担保后监测报告.docx. ``watch``: ``checks.monitor.client_watch`` of the state (its
    ``evaluation``, ``changes_since``, ``warnings``, ``due``, ``reevaluate``, ``reevaluate_reasons``);
    ``issued``: dossier.json's ``issued`` entry of the evaluation report, used where ``watch`` has no
    ``evaluation``; ``created``: version -> when, for versions ``changes_since`` has no date of."""
    evaluation = watch.get("evaluation") or {}
    issued = issued or {}
    changes = change_rows(watch, created)
    reasons = [show(r) for r in watch.get("reevaluate_reasons") or []]
    reevaluate = bool(watch.get("reevaluate"))
    ctx = {
        "client_name": show(watch.get("name") or watch.get("client")),
        "client_id": show(watch.get("client")),
        "credit_code": show(watch.get("credit_code")),
        "version": show(version),
        "as_of": date_zh(as_of),
        "document_date": iso_date(version_date) or iso_date(as_of) or "1980-01-01",
        "evaluation_path": show(evaluation.get("path") or EVALUATION_PATH),
        "evaluation_issued_at": date_zh(iso_date(evaluation.get("issued_at") or issued.get("issued_at"))
                                        or evaluation.get("issued_at") or issued.get("issued_at")),
        "evaluation_issued_by": show(evaluation.get("issued_by") or issued.get("issued_by")),
        "evaluation_version": show(evaluation.get("version"), DASH),
        "changes": changes,
        "changes_total": len(changes),
        "changes_text": (f"签发后共有 {len(changes)} 个档案版本。" if changes else "签发后档案没有新的版本。"),
        "warnings": warning_rows(watch),
        "due": due_rows(watch),
        "reevaluate": "需要重新进行担保分析评价" if reevaluate else "暂不需要重新评价",
        "reevaluate_reasons": "\n".join(reasons) if reasons else ("无" if not reevaluate else DASH),
    }
    return clean(ctx)


#: Variables of 担保后监测报告.docx (name -> meaning), for ``reports.TEMPLATES``.
VARIABLES: dict[str, str] = {
    "client_name": "客户名称", "client_id": "档案编号", "credit_code": "统一社会信用代码",
    "version": "档案版本，如 v5", "as_of": "监测基准日，如 2026年10月12日",
    "document_date": "文档日期 YYYY-MM-DD（写入文档属性）",
    "evaluation_path": "已签发的分析评价报告（档案中的路径）", "evaluation_issued_at": "签发日期",
    "evaluation_issued_by": "签发人", "evaluation_version": "签发时的档案版本",
    "changes": "签发后的变化，每个档案版本一行", "changes.version": "档案版本", "changes.date": "日期",
    "changes.added": "新增文件，每行一个", "changes.retired": "被替换为历史的文件，每行一个",
    "changes.reasons": "变化说明（如法定代表人变更），每行一条", "changes_total": "签发后的版本数",
    "changes_text": "变化小结",
    "warnings": "当前预警信号，每条一行", "warnings.no": "序号", "warnings.level": "级别：关注/预警",
    "warnings.message": "信号说明", "warnings.year": "年度", "warnings.value": "数值", "warnings.threshold": "阈值",
    "warnings.measure": "数值（阈值 …）", "warnings.rule": "规则编号", "warnings.article": "所依据的条款",
    "warnings.basis": "规则编号和条款，两行", "warnings.evidence": "依据文件，每行一个",
    "due": "即将到期事项，每项一行", "due.name": "事项", "due.date": "到期日", "due.days_left": "剩余天数",
    "due.path": "依据文件",
    "reevaluate": "结论：需要重新进行担保分析评价 / 暂不需要重新评价", "reevaluate_reasons": "原因，每行一条",
}
