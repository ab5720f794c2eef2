"""Access log: who pulled which dossier version, when and where to.

The truth is ``logs/access.jsonl`` inside the client's OCFL object: OCFL 1.1 allows a ``logs/``
directory at the object root, outside every version, which validators ignore. One JSON object per
line, appended under an exclusive ``flock`` and fsynced. The catalog keeps a copy (table
``access_log``) as a cache; ``sync_catalog`` rebuilds it for a client from the object.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import socket
from datetime import datetime
from pathlib import Path

from dossier.archive.ocfl import fsync_dir
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
            path.parent.mkdir()
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


__all__ = ["ACCESS_LOG", "LOG_DIR", "log_path", "now_iso", "os_user", "pull_entry", "read_log", "record",
           "sync_catalog"]
