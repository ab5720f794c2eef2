"""The clerk's receipt: what a batch did and what the dossier still lacks, in plain Chinese."""

from __future__ import annotations

import time

from dossier.archive import Snapshot
from dossier.checks import STATUS_ZH
from dossier.checks.status import client_status, item_name
from dossier.models import Outcome


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
