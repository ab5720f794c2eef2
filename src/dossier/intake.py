"""Inbox handling (design section 2): scan, settle detection, claim, release, quarantine, watch.

Events are hints; a full scan of the inbox decides. A file is claimed by a same-filesystem
rename into ``inbox/.dossier-work/<batch>/``; it is deleted only after the archive version
holding it is durable, and anything left there by a crash goes back to the inbox at start-up.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from .config import Config
from .models import Incoming
from .naming import decode_name, safe_segment, unique_name, name_key

log = logging.getLogger(__name__)

RESERVED_DIRS = ("_failed", "_unsorted")
RECEIPT_SUFFIX = ".回执.txt"
RECEIPT_NAME = "收件回执.txt"  # the latest receipt in each client folder; intake never takes it
_IGNORED_SUFFIXES = (".part", ".partial", ".crdownload", ".tmp", ".reason.txt", RECEIPT_SUFFIX)
_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", RECEIPT_NAME}


def ignored(name: str) -> bool:
    """Names intake never touches: hidden and temporary files, reason notes, receipts."""
    lower = name.lower()
    return (
        name.startswith(".")
        or name.startswith("~$")
        or lower in _IGNORED_NAMES or name in _IGNORED_NAMES
        or lower.endswith(_IGNORED_SUFFIXES)
    )


@dataclass(frozen=True)
class Entry:
    """One inbox entry. ``rel`` is the raw relative path (bytes-faithful), ``incoming.source`` the decoded one."""

    incoming: Incoming
    rel: str
    size: int
    mtime_ns: int
    ctime_ns: int
    is_link: bool = False

    @property
    def path(self) -> Path:
        return self.incoming.path


def scan(inbox: Path) -> list[Entry]:
    """Every candidate file under the inbox, never following symbolic links."""
    out: list[Entry] = []
    if not inbox.is_dir():
        return out

    def walk(folder: Path, rel_parts: tuple[str, ...]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            log.warning("cannot list %s: %s", folder, exc)
            return
        for de in entries:
            if ignored(de.name) or (not rel_parts and de.name in RESERVED_DIRS):
                continue
            parts = rel_parts + (de.name,)
            try:
                st = de.stat(follow_symlinks=False)
                is_link = de.is_symlink()
                if not is_link and de.is_dir(follow_symlinks=False):
                    walk(Path(de.path), parts)
                    continue
                if not is_link and not de.is_file(follow_symlinks=False):
                    continue  # sockets, fifos, devices
            except OSError:
                continue  # vanished while scanning
            decoded = [decode_name(p) for p in parts]
            folder_name = decoded[0] if len(parts) > 1 else None
            incoming = Incoming(path=Path(de.path), source="/".join(decoded), folder=folder_name)
            out.append(Entry(incoming, "/".join(parts), st.st_size, st.st_mtime_ns, st.st_ctime_ns, is_link))

    walk(inbox, ())
    return out


class SettleTracker:
    """Decides when a file is completely written.

    Ready when (size, mtime) has not changed for ``quiet`` seconds of observation, or when
    nothing has touched the inode for ``quiet`` seconds by its own clock (ctime cannot be
    set back by copy tools that preserve mtime).
    """

    def __init__(self, quiet: float, clock: Callable[[], float] = time.monotonic,
                 wallclock: Callable[[], float] = time.time):
        self.quiet = quiet
        self.clock = clock
        self.wallclock = wallclock
        self._seen: dict[str, tuple[tuple[int, int, int], float]] = {}

    def ready(self, entry: Entry) -> bool:
        signature = (entry.size, entry.mtime_ns, entry.ctime_ns)
        now = self.clock()
        seen = self._seen.get(entry.rel)
        if seen is None or seen[0] != signature:
            self._seen[entry.rel] = (signature, now)
            seen = self._seen[entry.rel]
        if now - seen[1] >= self.quiet:
            return True
        age = self.wallclock() - max(entry.mtime_ns, entry.ctime_ns) / 1e9
        return age >= self.quiet

    def unchanged_for(self, entry: Entry) -> float:
        seen = self._seen.get(entry.rel)
        observed = self.clock() - seen[1] if seen else 0.0
        age = self.wallclock() - max(entry.mtime_ns, entry.ctime_ns) / 1e9
        return max(observed, age)

    def prune(self, present: set[str]) -> None:
        for rel in list(self._seen):
            if rel not in present:
                del self._seen[rel]


# -- claim and release ------------------------------------------------------

def new_batch_dir(config: Config) -> Path:
    path = config.work / f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def claim(entry: Entry, batch_dir: Path) -> Path | None:
    """Atomically take the file out of the clerks' view. None if someone else took it first."""
    dest = batch_dir / entry.rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(entry.path, dest)
    except FileNotFoundError:
        return None
    return dest


def release(claimed: Path, batch_dir: Path, inbox: Path) -> Path:
    """Put a claimed file back where it was dropped (beside a newer file of the same name if needed)."""
    rel = claimed.relative_to(batch_dir)
    target = inbox / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target = target.with_name(f"{target.stem}（恢复-{uuid.uuid4().hex[:6]}）{target.suffix}")
    os.rename(claimed, target)
    return target


def done(claimed: Path, batch_dir: Path) -> None:
    """The archive holds the file durably: drop the claimed copy."""
    claimed.unlink(missing_ok=True)
    _remove_empty_dirs(claimed.parent, stop=batch_dir.parent)


def recover_claims(config: Config) -> list[str]:
    """Start-up: every file a crashed run had claimed goes back to the inbox."""
    actions: list[str] = []
    if not config.work.is_dir():
        return actions
    for batch_dir in sorted(p for p in config.work.iterdir() if p.is_dir()):
        for dirpath, _dirnames, filenames in os.walk(batch_dir):
            for name in filenames:
                claimed = Path(dirpath) / name
                target = release(claimed, batch_dir, config.inbox)
                actions.append(f"已将未完成处理的文件放回收件箱：{target.relative_to(config.inbox)}")
        remove_batch_dir(batch_dir)
    return actions


def _remove_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def remove_batch_dir(root: Path) -> None:
    for dirpath, _dirnames, _filenames in sorted(os.walk(root), key=lambda t: -len(t[0])):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass


# -- quarantine ---------------------------------------------------------------

def set_aside(path: Path, entry: Entry, dest_root: Path, reason: str, title: str) -> Path:
    """Move a file (claimed copy or the inbox entry itself) under ``dest_root`` with a reason note.

    The note is written first: a crash between the two steps leaves a note without a file,
    never a file without its reason.
    """
    parts = [safe_segment(p) for p in entry.incoming.source.split("/")]
    folder = dest_root.joinpath(*parts[:-1])
    folder.mkdir(parents=True, exist_ok=True)
    taken = {name_key(p.name) for p in folder.iterdir()}
    name = unique_name(parts[-1], taken)
    dest = folder / name
    note = dest.with_name(name + ".reason.txt")
    note.write_text(
        f"{title}\n"
        f"文件：{entry.incoming.source}\n"
        f"时间：{datetime.now():%Y-%m-%d %H:%M:%S}\n"
        f"原因：{reason}\n"
        f"处理：修正后把文件放回收件箱的客户文件夹即可重新收件；本说明可删除。\n",
        encoding="utf-8",
    )
    os.rename(path, dest)
    return dest


# -- watching -------------------------------------------------------------------

class InboxEvents:
    """watchdog glue: any event under the inbox wakes the main loop. Never raises."""

    def __init__(self, inbox: Path, polling: bool, poll_seconds: float):
        self.inbox = inbox
        self.wake = threading.Event()
        self.polling = polling
        self.poll_seconds = poll_seconds
        self._observer = None

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        wake = self.wake

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # noqa: D401 - must never raise
                try:
                    wake.set()
                except Exception:  # pragma: no cover
                    pass

        observer = PollingObserver(timeout=self.poll_seconds) if self.polling else Observer()
        observer.schedule(Handler(), str(self.inbox), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def alive(self) -> bool:
        return self._observer is not None and self._observer.is_alive()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None


def write_receipt(folder: Path, text: str) -> Path:
    """Replace the client folder's receipt atomically (the temporary name is a dotfile intake ignores)."""
    target = folder / RECEIPT_NAME
    tmp = folder / f".{RECEIPT_NAME}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target
