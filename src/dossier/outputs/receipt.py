"""The clerk's receipt: what the last batch did, what still waits in the folder, and what the dossier
holds and lacks, in plain Chinese. Rewritten from the archive after every commit that touches the
client, so it is never out of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from dossier import timefmt
from dossier.archive import Snapshot
from dossier.codes import mask_id_numbers
from dossier.checks import STATUS_ZH
from dossier.checks.status import client_status, item_name
from dossier.models import Outcome

MARKS = {"archived": "已归档", "duplicate": "重复（已有相同文件，未重复保存）", "quarantined": "未收件",
         "pending": "待处理", "unsorted": "待分拣"}


@dataclass(frozen=True)
class Waiting:
    """A file still in the client folder: its name and what will happen to it (Chinese)."""

    name: str
    note: str


def receipt_text(snap: Snapshot | None, folder: str, outcomes: list[Outcome],
                 waiting: list[Waiting] | tuple[Waiting, ...] = (), tz: tzinfo | None = None) -> str:
    """Plain Chinese for the clerk: this batch's files, the files still waiting, the dossier's documents
    and what is still missing. Times in ``tz`` (the ``time_zone`` setting; None: the machine's zone)."""
    now = timefmt.human(datetime.now(timezone.utc), tz)
    lines = [f"收件回执：{folder}", f"时间：{now}", ""]
    if outcomes:
        lines.append("本次收件：")
        for o in outcomes:
            name = o.source.split("/", 1)[-1] if "/" in o.source else o.source
            origin = "" if o.source.startswith(f"{folder}/") else f"（来自收件箱 {o.source}）"
            where = f" → {o.path}" if o.outcome == "archived" and o.path else ""
            if o.client and snap is not None and o.client != snap.client:
                where = f" → 客户 {o.client} 的 {o.path}" if o.path else f" → 客户 {o.client}"
            why = f"：{o.reason}" if o.reason else ""
            lines.append(f"  [{MARKS.get(o.outcome, o.outcome)}] {name}{origin}{where}{why}")
    if waiting:
        lines += ["", "文件夹中尚在等待处理的文件："]
        lines += [f"  [等待] {w.name}：{w.note}" for w in waiting]
    if snap is not None:
        status = client_status(snap)
        client = snap.client
        lines += ["", f"档案：{status['name']}（{client}），当前版本 {status['version']}，核查基准日 {status['as_of']}"]
        current = [d for d in snap.documents if not d.path.startswith("documents/历史/")]
        if current:
            lines.append(f"档案中现有文件（{len(current)} 份）：")
            lines += [f"  · {d.path.removeprefix('documents/')}（{d.version} 收件）" for d in current]
        open_items = [i for i in status["items"] if i["status"] not in ("ok", "not_required")]
        if not open_items:
            lines.append("资料已齐全。")
        else:
            lines.append("还需补充或核对的资料：")
            for item in open_items:
                detail = "；".join(item["problems"])
                lines.append(f"  · {item_name(item['item'])}（{STATUS_ZH[item['status']]}）{'：' + detail if detail else ''}")
    lines += ["", "说明：本回执由系统自动生成，每次收件后按档案现状重写；收件程序不会处理本文件。"
              "身份证号码只显示前六位和后四位。"]
    return mask_id_numbers("\n".join(lines) + "\n")  # the receipt sits in the clerks' shared folder
