"""Access log: who pulled which dossier version, when and where to.

The truth is ``logs/access.jsonl`` inside the client's OCFL object: OCFL 1.1 allows a ``logs/``
directory at the object root, outside every version, which validators ignore. One JSON object per
line, appended under an exclusive ``flock`` and fsynced. The catalog keeps a copy (table
``access_log``) as a cache; ``sync_catalog`` rebuilds it for a client from the object.

Fixity of the log (``check``): the log lives outside versions, so no inventory holds its digest.
It is *intact* when (1) every complete line is a JSON object with a ``time``, an ``event`` and this
client's id, and (2) it only ever grew: the scheduled fixity check keeps, in the state folder, the
length and SHA-512 of the log as it last saw it (a *mark*), and the log must still begin with exactly
those bytes. A last line without its newline is an append in flight and is left for the next check.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import logging
import os
import socket
from datetime import datetime
from pathlib import Path

from dossier.archive.ocfl import Problem, fsync_dir
from dossier.errors import ArchiveError

log = logging.getLogger(__name__)

LOG_DIR = "logs"
ACCESS_LOG = "access.jsonl"


def os_user() -> str:
    """The operating-system account running this process (not the configurable operator name)."""
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return str(os.getuid())


def now_iso() -> str:
    """Local time, ISO 8601 with its UTC offset, e.g. 2026-11-29T09:12:03+08:00."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def log_path(archive, client: str) -> Path:
    return archive.object_path(client) / LOG_DIR / ACCESS_LOG


def pull_entry(*, client: str, version: str, version_created: str, destination: str, fmt: str,
               files: int, size: int, user: str | None = None, as_of: str | None = None) -> dict:
    return {
        "time": now_iso(),
        "event": "pull",
        "user": user or os_user(),
        "host": socket.gethostname() or "localhost",
        "client": client,
        "version": version,
        "version_created": version_created,
        "as_of": as_of,
        "destination": destination,
        "format": fmt,
        "files": files,
        "bytes": size,
    }


def record(archive, entry: dict, catalog=None) -> Path:
    """Append ``entry`` to the object's access log (durably), then to the catalog cache.

    Raises ArchiveError (naming the log file) when the archive copy cannot be written; a catalog
    failure is only logged, the archive being the truth.
    """
    client = entry["client"]
    path = log_path(archive, client)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(exist_ok=True)  # two first pulls at once: both go on
            fsync_dir(path.parent.parent)
        created = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)  # also releases the flock
        if created:
            fsync_dir(path.parent)
    except OSError as e:
        raise ArchiveError(f"无法写入调阅记录 {path}（{e.strerror or e}），本次导出已撤销。"
                           "请检查档案库所在磁盘的空间和该文件夹的写权限后重试。") from None
    if catalog is not None:
        try:
            catalog.record_access(entry)
        except Exception:
            log.exception("catalog: recording the access of %s failed (the archive has it)", client)
    return path


def read_log(archive, client: str) -> list[dict]:
    """Every entry of the object's access log, oldest first ([] when nothing was ever pulled).

    A line that is not JSON (e.g. edited by hand) is skipped with a warning naming it.
    """
    path = log_path(archive, client)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as e:
        raise ArchiveError(f"无法读取调阅记录 {path}（{e.strerror}）。请检查该文件的权限。") from None
    entries = []
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError:
            log.warning("调阅记录 %s 第 %d 行不是有效的 JSON，已跳过。", path, number)
            continue
        entries.append(entry)
    return entries


def sync_catalog(archive, catalog, client: str) -> list[dict]:
    """Read the object's log and make the catalog's cache of it equal. Returns the entries."""
    entries = read_log(archive, client)
    catalog.replace_access_log(client, entries)
    return entries


#: Lines named one by one in a fixity report before the rest are counted.
BAD_LINES_SHOWN = 5


def check(archive, client: str, mark: dict | None = None) -> tuple[list[Problem], dict | None]:
    """Fixity of the object's access log (see the module's doc): (problems, the mark to keep).

    ``mark`` is what the last scheduled check kept (``{"bytes": n, "sha512": hex}``) or None. The mark
    returned covers every complete line when the log is intact; when it is not, the old mark stays,
    so the damage is reported again until the file is restored.
    """
    rel = f"{LOG_DIR}/{ACCESS_LOG}"
    path = log_path(archive, client)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if mark and mark.get("bytes"):
            return [Problem(rel, "missing", f"调阅记录文件不见了（上次校验时有 {mark['bytes']} 字节）。"
                                            "调阅记录只能追加，请从备份恢复该文件")], mark
        return [], None
    except OSError as e:
        return [Problem(rel, "damaged", f"调阅记录无法读取（{e.strerror}），请检查磁盘和该文件的权限")], mark
    complete = data[:data.rfind(b"\n") + 1]
    problems = []
    if mark:
        size, digest = int(mark.get("bytes", 0)), str(mark.get("sha512", ""))
        if len(complete) < size or hashlib.sha512(complete[:size]).hexdigest() != digest:
            problems.append(Problem(rel, "damaged", f"调阅记录只能追加，但上次校验时已有的前 {size} 字节被改动或截短"
                                                    "（记录被删改），请从备份恢复该文件"))
    bad = []
    for number, raw in enumerate(complete.splitlines(), 1):
        try:
            entry = json.loads(raw.decode("utf-8"))
            ok = (isinstance(entry, dict) and isinstance(entry.get("time"), str)
                  and isinstance(entry.get("event"), str) and entry.get("client") == client)
        except ValueError:
            ok = False
        if not ok:
            bad.append(number)
    if bad:
        shown = "、".join(str(n) for n in bad[:BAD_LINES_SHOWN]) + (f" 等 {len(bad)} 行" if len(bad) > BAD_LINES_SHOWN else " 行")
        problems.append(Problem(rel, "damaged", f"调阅记录第 {shown}不是有效的记录（应为含 time、event 和本客户编号的 JSON），"
                                                "请从备份恢复该文件"))
    if problems:
        return problems, mark
    return [], {"bytes": len(complete), "sha512": hashlib.sha512(complete).hexdigest()}


__all__ = ["ACCESS_LOG", "LOG_DIR", "check", "log_path", "now_iso", "os_user", "pull_entry", "read_log", "record",
           "sync_catalog"]
