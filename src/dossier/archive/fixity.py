"""Scheduled fixity: re-hash every stored file of every client, log the result, alert loudly on damage.

``verify_all`` appends one line to ``<state>/fixity.log.jsonl`` and writes (or clears)
``<state>/FIXITY-ALERT.txt``; ``Schedule`` runs it in a background thread every ``verify_hours``,
keeping the rhythm across restarts by the log's modification time.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

LOG_NAME = "fixity.log.jsonl"
ALERT_NAME = "FIXITY-ALERT.txt"


def verify_all(archive, state_dir: Path, stop: threading.Event | None = None) -> dict:
    """Re-hash every stored file of every client (``archive.verify``); damage is logged as an error."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    damaged: dict[str, list[str]] = {}
    checked = 0
    for client in archive.client_ids():
        if stop is not None and stop.is_set():
            break
        problems = archive.verify(client)
        checked += 1
        if problems:
            damaged[client] = [f"{p.path}（{p.detail}）" for p in problems]
    complete = not (stop is not None and stop.is_set())
    result = {"time": started, "clients": checked, "damaged": damaged, "complete": complete}
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    alert = state_dir / ALERT_NAME
    if damaged:
        lines = [f"{started} 固定性校验发现档案损坏，请立即从备份恢复下列文件并运行 `dossier verify` 复核："]
        lines += [f"  {client}: {item}" for client, items in damaged.items() for item in items]
        alert.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for line in lines:
            log.error("%s", line)
    else:
        alert.unlink(missing_ok=True)
        log.info("固定性校验完成：%d 个客户档案完好", checked)
    return result


class Schedule:
    """Runs ``verify_all`` in the background when ``verify_hours`` have passed since the last check."""

    def __init__(self, archive, state_dir: Path, verify_hours: float, stop: threading.Event):
        self.archive, self.state_dir, self.stop = archive, state_dir, stop
        self.period = verify_hours * 3600
        self.thread: threading.Thread | None = None

    def last_run(self) -> float:
        """When the last fixity check ended (its log's mtime), so restarts keep the schedule."""
        try:
            return (self.state_dir / LOG_NAME).stat().st_mtime
        except FileNotFoundError:
            return 0.0

    def tick(self) -> None:
        if self.period <= 0 or (self.thread is not None and self.thread.is_alive()):
            return
        if time.time() >= self.last_run() + self.period:
            self.thread = threading.Thread(target=self._run, name="dossier-fixity", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            verify_all(self.archive, self.state_dir, self.stop)
        except Exception:
            log.exception("scheduled fixity check failed")
