"""What is in the inbox and whether it has settled: names intake ignores, one entry per file, the settle tracker."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dossier.models import Incoming
from dossier.naming import decode_name

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
