"""Scheduled fixity: re-hash every stored file of every client, log the result, alert loudly on damage.

``verify_all`` appends one line to ``<state>/fixity.log.jsonl`` and writes (or clears)
``<state>/FIXITY-ALERT.txt``; ``Schedule`` runs it in a background thread every ``verify_hours``,
keeping the rhythm across restarts by the log's modification time.

What is checked (``check``), for every folder of the storage root (``StorageRoot.object_dirs``: one
whose object declaration was deleted is damage, named, never left out):

- the object, against a consistent view taken without a lock (``ocfl.verify_object``): a commit in
  flight never raises a false alert;
- its access log ``logs/access.jsonl`` (``accesslog.check``): every line a record, and only growth
  since the last scheduled check, whose marks (length and SHA-512 per client) are kept in
  ``<state>/fixity-access.json``. Only the scheduled check (the watcher, the home's writer) moves the
  marks on; ``dossier verify`` compares with them and writes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from dossier.archive import accesslog
from dossier.archive.ocfl import Problem
from dossier.errors import ArchiveError
from dossier.periodic import Periodic

log = logging.getLogger(__name__)

LOG_NAME = "fixity.log.jsonl"
ALERT_NAME = "FIXITY-ALERT.txt"
MARKS_NAME = "fixity-access.json"


def client_ids(archive) -> list[str]:
    """Every folder of the storage root, objects that lost their declaration included."""
    if not archive.store.is_initialized():
        return []
    return archive.store.object_dirs()


def load_marks(state_dir: Path) -> dict[str, dict]:
    """The access-log marks the last scheduled check kept ({} when none, or unreadable: then every
    log is checked line by line only, and the next scheduled check writes fresh marks)."""
    try:
        marks = json.loads((state_dir / MARKS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


def save_marks(state_dir: Path, marks: dict[str, dict]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / f".{MARKS_NAME}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(marks, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, state_dir / MARKS_NAME)


def check(archive, client: str, marks: dict[str, dict] | None = None) -> list[Problem]:
    """Fixity of one client: its object and its access log. ``marks`` (from ``load_marks``) is updated
    in place with the access log's new mark when given."""
    try:
        problems = list(archive.verify(client))
    except ArchiveError as e:  # the folder vanished meanwhile, or cannot be read at all
        problems = [Problem(".", "missing", e.message)]
    known = marks or {}
    found, mark = accesslog.check(archive, client, known.get(client))
    if marks is not None:
        if mark is None:
            marks.pop(client, None)
        else:
            marks[client] = mark
    return sorted(problems + found, key=lambda p: (p.path, p.kind))


def verify_all(archive, state_dir: Path, stop: threading.Event | None = None) -> dict:
    """Re-hash every stored file of every client (``check``); damage is logged as an error."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    damaged: dict[str, list[str]] = {}
    checked = 0
    marks = load_marks(state_dir)
    ids = client_ids(archive)
    for client in ids:
        if stop is not None and stop.is_set():
            break
        problems = check(archive, client, marks)
        checked += 1
        if problems:
            damaged[client] = [f"{p.path}（{p.detail}）" for p in problems]
    complete = not (stop is not None and stop.is_set())
    if complete:
        marks = {c: m for c, m in marks.items() if c in ids}
    state_dir.mkdir(parents=True, exist_ok=True)
    save_marks(state_dir, marks)
    result = {"time": started, "clients": checked, "damaged": damaged, "complete": complete}
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


class Schedule(Periodic):
    """Runs ``verify_all`` in the background when ``verify_hours`` have passed since the last check."""

    def __init__(self, archive, state_dir: Path, verify_hours: float, stop: threading.Event):
        super().__init__("dossier-fixity", verify_hours * 3600, state_dir / LOG_NAME,
                         lambda: verify_all(archive, state_dir, stop))
