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
    dev: int = 0
    ino: int = 0
    too_deep: bool = False  # a folder nested deeper than MAX_DEPTH, not walked
    special: bool = False  # not a regular file: a FIFO, a device or a socket (never opened)

    def same_file(self, st: os.stat_result) -> bool:
        """``st`` (an fstat or lstat) is the file that settled: same inode, size and modification time."""
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == (self.dev, self.ino, self.size, self.mtime_ns)

    @property
    def path(self) -> Path:
        return self.incoming.path


#: Folders below the inbox deeper than this are not walked: the folder at the limit is set aside whole.
MAX_DEPTH = 12


def scan(inbox: Path) -> list[Entry]:
    """Every candidate file under the inbox, never following symbolic links.

    Iterative, so no nesting can exhaust the stack; a folder nested deeper than :data:`MAX_DEPTH`
    comes back as one entry with ``too_deep`` set, for the caller to set aside."""
    out: list[Entry] = []
    if not inbox.is_dir():
        return out
    stack: list[tuple[Path, tuple[str, ...]]] = [(inbox, ())]
    while stack:
        folder, rel_parts = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError as exc:
            log.warning("cannot list %s: %s", folder, exc)
            continue
        for de in entries:
            if ignored(de.name) or (not rel_parts and de.name in RESERVED_DIRS):
                continue
            parts = rel_parts + (de.name,)
            try:
                st = de.stat(follow_symlinks=False)
                is_link = de.is_symlink()
                too_deep = False
                if not is_link and de.is_dir(follow_symlinks=False):
                    if len(parts) < MAX_DEPTH:
                        stack.append((Path(de.path), parts))
                        continue
                    too_deep = True
                special = not is_link and not too_deep and not de.is_file(follow_symlinks=False)  # fifo, device
            except OSError:
                continue  # vanished while scanning
            decoded = [decode_name(p) for p in parts]
            folder_name = decoded[0] if len(parts) > 1 else None
            incoming = Incoming(path=Path(de.path), source="/".join(decoded), folder=folder_name)
            out.append(Entry(incoming, "/".join(parts), st.st_size, st.st_mtime_ns, st.st_ctime_ns, is_link,
                             st.st_dev, st.st_ino, too_deep, special))
    out.sort(key=lambda e: e.rel)
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
