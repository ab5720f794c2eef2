"""Daily watch of every client (rules 第二十一条, 第二十七条（五）): due dates and warnings, an alert file.

``watch_all`` gives ``checks.monitor.client_watch`` for every client; ``due_across`` the dated obligations
of all of them, sorted by date; ``write_alert`` writes ``<state>/DUE-ALERT.txt`` (what falls due within
``[due] within_days`` of warnings.toml, or is overdue, and every 预警) and appends a line to
``<state>/due.log.jsonl``, or removes the alert when nothing is due. ``Daily`` runs it once a day in the
watcher, keeping the rhythm across restarts by the log's modification time (like the fixity check).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import date
from pathlib import Path
from typing import Iterable

from dossier.archive import Archive
from dossier.checks.monitor import client_watch
from dossier.periodic import Periodic

log = logging.getLogger(__name__)

ALERT_NAME = "DUE-ALERT.txt"
LOG_NAME = "due.log.jsonl"


def watch_all(archive, today: date, ids: Iterable[str] | None = None, stop: threading.Event | None = None) -> list[dict]:
    """``client_watch`` of each client (``ids``, default every client of the archive), in id order."""
    out = []
    for client in sorted(ids if ids is not None else archive.client_ids()):
        if stop is not None and stop.is_set():
            break
        out.append(client_watch(archive.snapshot(client), today))
    return out


def due_across(watches: Iterable[dict], within: int | None = None) -> list[dict]:
    """Every client's obligations in one list, earliest first: each entry with ``client`` and
    ``client_name``; only those due within ``within`` days (overdue ones included) when given."""
    rows = [{"client": w["client"], "client_name": w["name"], **e} for w in watches for e in w["due"]]
    if within is not None:
        rows = [r for r in rows if r["days_left"] <= within]
    return sorted(rows, key=lambda r: (r["date"], r["client"], r["item"], r["path"] or ""))


def _days(n: int) -> str:
    return f"已逾期 {-n} 天" if n < 0 else "今天到期" if n == 0 else f"还有 {n} 天"


def alert_lines(watches: list[dict], today: date, within: int) -> list[str]:
    """The alert text: empty when nothing needs doing."""
    due = due_across(watches, within)
    alarms = [(w, x) for w in watches for x in w["warnings"] if x["level"] == "预警"]
    again = [w for w in watches if w["reevaluate"]]
    if not (due or alarms or again):
        return []
    lines = [f"{today.isoformat()} 客户监测提醒（《客户经理工作职责》第二十、二十一条；对预警信号须及时采取措施，第二十七条）"]
    if due:
        lines.append(f"一、{within} 天内到期或已逾期的事项（{len(due)} 项）：")
        lines += [f"  {r['date']}（{_days(r['days_left'])}）  {r['client']} {r['client_name']}：{r['name']}"
                  + (f"（{r['path']}）" if r["path"] else "") for r in due]
    if alarms:
        lines.append(f"二、预警信号（{len(alarms)} 项，运行 `dossier warnings 客户` 查看依据）：")
        lines += [f"  {w['client']} {w['name']}：{x['message']}" for w, x in alarms]
    if again:
        lines.append(f"三、需要重新评估的客户（{len(again)} 个，第二十条）：")
        lines += [f"  {w['client']} {w['name']}：{'；'.join(w['reevaluate_reasons'])}" for w in again]
    return lines


def write_alert(state_dir: Path, watches: list[dict], today: date, within: int) -> Path | None:
    """Write (or clear) the alert file and log the run. Returns the alert's path when one was written."""
    state_dir.mkdir(parents=True, exist_ok=True)
    lines = alert_lines(watches, today, within)
    alert = state_dir / ALERT_NAME
    if lines:
        tmp = state_dir / f".{ALERT_NAME}.{os.getpid()}.tmp"
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, alert)
        # business news for account managers, not a fault of the service: logged as information
        log.info("客户监测：%d 项到期或逾期、%d 条预警、%d 个客户需重新评估，见 %s", len(due_across(watches, within)),
                 sum(1 for w in watches for x in w["warnings"] if x["level"] == "预警"),
                 sum(1 for w in watches if w["reevaluate"]), alert)
    else:
        alert.unlink(missing_ok=True)
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "date": today.isoformat(), "clients": len(watches),
              "due": len(due_across(watches, within)),
              "warnings": sum(1 for w in watches for x in w["warnings"] if x["level"] == "预警"),
              "reevaluate": [w["client"] for w in watches if w["reevaluate"]]}
    with open(state_dir / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return alert if lines else None


class Daily(Periodic):
    """Runs the watch of every client and writes the alert once a day, in a background thread."""

    def __init__(self, archive, state_dir: Path, stop: threading.Event, within: int):
        super().__init__("dossier-due", 24 * 3600, state_dir / LOG_NAME, self._check)
        self.archive, self.state_dir, self.stop, self.within = archive, state_dir, stop, within

    def _check(self) -> None:
        today = date.today()
        # an archive of its own in this thread: the pipeline's shares caches and a SQLite connection
        # (the catalog recalls records) with the thread that ingests; reading needs neither
        reader = Archive(self.archive.config)
        watches = watch_all(reader, today, stop=self.stop)
        if not self.stop.is_set():
            write_alert(self.state_dir, watches, today, self.within)
