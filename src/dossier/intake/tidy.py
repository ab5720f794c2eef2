"""Keep the inbox looking as it is: what the system leaves or ignores does not pile up silently.

- Files an operating system writes by itself (``Thumbs.db``, ``desktop.ini``, ``.DS_Store``, ``._*``
  AppleDouble files) are deleted once settled: nobody dropped them, nothing in them is a client's.
- A reason note (``<name>.reason.txt``) whose file is gone (the clerk took it away) is deleted.
- An emptied sub-folder inside a client folder is removed once it has been empty for a while.
- Temporary files (``*.tmp``, ``*.part`` ...) are never deleted (one may be a copy in progress):
  once old, they are reported, so a clerk can see why the folder is not empty.

Never follows symbolic links; never touches the reserved folders or dot-folders, nor goes deeper than
the scan does (``MAX_DEPTH``: a deeper folder is the scan's to set aside).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .scan import MAX_DEPTH, RESERVED_DIRS

log = logging.getLogger(__name__)

OS_JUNK = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"})
TEMPORARY = (".tmp", ".temp", ".part", ".partial", ".crdownload")
REASON_SUFFIX = ".reason.txt"


@dataclass
class Tidied:
    removed: list[str] = field(default_factory=list)  # inbox-relative paths deleted
    reported: dict[str, str] = field(default_factory=dict)  # inbox-relative path -> note for the receipt


def _junk(name: str) -> bool:
    lower = name.lower()
    return lower in OS_JUNK or name.startswith("._")


def tidy(inbox: Path, quiet: float, stale: float, now: float | None = None) -> Tidied:
    """One tidy pass over the inbox (see the module doc). ``quiet``: seconds a junk file or an empty
    folder must have been left alone; ``stale``: age after which a temporary file is reported."""
    now = time.time() if now is None else now
    out = Tidied()
    if not inbox.is_dir():
        return out

    def walk(folder: Path, rel: tuple[str, ...], depth: int) -> bool:
        """Tidy ``folder``; True when it is empty afterwards."""
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        names = {e.name for e in entries}
        left = 0
        for de in entries:
            parts = rel + (de.name,)
            where = "/".join(parts)
            try:
                st = de.stat(follow_symlinks=False)
                if de.is_dir(follow_symlinks=False):
                    if de.name.startswith(".") or (depth == 0 and de.name in RESERVED_DIRS) or depth + 1 >= MAX_DEPTH:
                        left += 1
                        continue
                    if walk(Path(de.path), parts, depth + 1) and depth >= 1 and now - st.st_mtime >= quiet:
                        os.rmdir(de.path)  # fails harmlessly if something arrived meanwhile
                        out.removed.append(where + "/")
                        continue
                    left += 1
                    continue
                if not de.is_file(follow_symlinks=False) or de.is_symlink():
                    left += 1
                    continue
                settled = now - st.st_mtime >= quiet
                if _junk(de.name) and settled:
                    os.unlink(de.path)
                    out.removed.append(where)
                    continue
                if de.name.endswith(REASON_SUFFIX) and settled \
                        and de.name[: -len(REASON_SUFFIX)] not in names:
                    os.unlink(de.path)  # the note of a file the clerk has taken away
                    out.removed.append(where)
                    continue
                if de.name.lower().endswith(TEMPORARY) and now - st.st_mtime >= stale:
                    out.reported[where] = "临时文件，系统不会收件；如是未完成的复制请重新复制，不需要请删除"
            except OSError as exc:  # vanished, or not ours to remove: leave it
                log.debug("tidy: %s: %s", where, exc)
            left += 1
        return left == 0

    walk(inbox, (), 0)
    return out
