"""What the clerks' share holds, for people to look at (the web workplace's intake page) and a safe
way to put a file into it (uploads).

Everything here reads only inside the inbox, never follows a symbolic link (``lstat``, ``O_NOFOLLOW``)
and reads only regular files, a bounded number of bytes each. Folder names come from listing the
inbox, never from a caller's string joined onto a path: ``client_folders`` is the list a caller
resolves a name against.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dossier.codes import mask_id_numbers
from dossier.naming import name_key, safe_segment, unique_name

from .claim import SHARED_FILE, safe_folder
from .scan import RECEIPT_NAME, RESERVED_DIRS, ignored, scan

#: How much of a note or receipt is read (they are a few lines; a planted huge file is cut).
MAX_TEXT = 64 * 1024
REASON_SUFFIX = ".reason.txt"


@dataclass(frozen=True)
class Waiting:
    """A file in a client folder (or the inbox root: ``folder`` None) that intake has not taken yet."""

    folder: str | None
    name: str  # below the folder, "/" between sub-folders
    size: int
    mtime: float
    regular: bool = True  # False: a link, a device, a folder too deep: intake sets it aside


@dataclass(frozen=True)
class SetAside:
    """A file in ``_failed/`` or ``_unsorted/`` with the reason intake wrote beside it."""

    folder: str | None  # the client folder it came from (the first part of its path), None at the root
    name: str  # its path below ``_failed/`` / ``_unsorted/``
    size: int | None  # None: the note is there but the file is not (removed by someone)
    mtime: float
    reason: str


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_dir(root: Path, parts: tuple[str, ...] | list[str] = ()) -> int:
    """A descriptor of ``root/parts...``, each step opened without following a link (a folder
    swapped for a link meanwhile fails with ELOOP/ENOTDIR instead of leading elsewhere)."""
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts:
            if part in ("", ".", "..") or "/" in part:
                raise OSError(errno.EINVAL, "not a single name", part)
            nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_text(root: Path, parts: tuple[str, ...] | list[str], limit: int = MAX_TEXT) -> str | None:
    """The text (UTF-8, at most ``limit`` bytes) of the regular file ``root/parts...``, never through
    a symbolic link at any step; None when it is absent, a link or not a regular file."""
    *folders, name = parts
    try:
        dfd = _open_dir(root, folders)
    except OSError:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return None
    finally:
        os.close(dfd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit)
    finally:
        os.close(fd)
    return data.decode("utf-8", errors="replace")


def client_folders(inbox: Path) -> list[str]:
    """The real folders at the inbox's top level that hold clients' files (not ``_failed``,
    ``_unsorted``, hidden or linked ones), sorted."""
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return []
    return sorted(e.name for e in entries if e.is_dir(follow_symlinks=False) and not ignored(e.name)
                  and e.name not in RESERVED_DIRS)


def waiting(inbox: Path) -> list[Waiting]:
    """Every file intake would look at, as ``scan`` sees it (no link followed)."""
    out = []
    for entry in scan(inbox):
        folder, _, rest = entry.incoming.source.partition("/")
        if entry.incoming.folder is None:
            folder, rest = None, entry.incoming.source
        regular = not (entry.is_link or entry.special or entry.too_deep)
        out.append(Waiting(folder, rest, entry.size, entry.mtime_ns / 1e9, regular))
    return out


def set_aside(root: Path) -> list[SetAside]:
    """The files under ``root`` (``inbox/_failed`` or ``inbox/_unsorted``) with their reason notes,
    newest first. A note whose file is gone is listed too (size None); a link is never followed."""
    found: dict[str, dict] = {}
    try:
        if not stat.S_ISDIR(os.lstat(root).st_mode):
            return []
    except OSError:
        return []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            rel = prefix + e.name
            if e.is_dir(follow_symlinks=False):
                if rel.count("/") < 12:
                    stack.append((Path(e.path), rel + "/"))
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if e.name.endswith(REASON_SUFFIX):
                item = found.setdefault(rel[: -len(REASON_SUFFIX)], {})
                item["reason"] = mask_id_numbers((read_text(root, rel.split("/")) or "").strip())
                item.setdefault("mtime", st.st_mtime)
            else:
                item = found.setdefault(rel, {})
                item.update(size=st.st_size, mtime=st.st_mtime)
    out = []
    for rel, item in found.items():
        folder = rel.split("/", 1)[0] if "/" in rel else None
        out.append(SetAside(folder, rel, item.get("size"), item.get("mtime", 0.0), item.get("reason", "")))
    out.sort(key=lambda s: (-s.mtime, s.name))
    return out


def receipt(inbox: Path, folder: str) -> str | None:
    """The receipt (``收件回执.txt``) of a client folder, ``folder`` being one of ``client_folders``."""
    if folder not in client_folders(inbox):
        return None
    return read_text(inbox, (folder, RECEIPT_NAME))


def intake_log(state_dir: Path, limit: int = 200) -> list[dict]:
    """The last ``limit`` outcomes of ``.dossier/intake.log.jsonl`` (written by every ingestion),
    newest first; reasons with identity numbers masked."""
    path = state_dir / "intake.log.jsonl"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return []
    try:
        size = os.fstat(fd).st_size
        start = max(0, size - max(limit, 1) * 2048)
        os.lseek(fd, start, os.SEEK_SET)
        data = b""
        while chunk := os.read(fd, 1 << 20):
            data += chunk
    finally:
        os.close(fd)
    lines = data.split(b"\n")
    if start:
        lines = lines[1:]  # the first may be cut
    out = []
    for raw in reversed(lines):
        if len(out) >= limit:
            break
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entry["reason"] = mask_id_numbers(str(entry.get("reason") or ""))
            out.append(entry)
    return out


# -- putting a file into the share (uploads) ------------------------------------------------------

def acceptable_name(name: str) -> str | None:
    """The name a file is stored under in a client folder (``safe_segment`` of its last part), or
    None when intake would ignore it (hidden, temporary, a receipt or a reason note)."""
    base = safe_segment(name.replace("\\", "/").rsplit("/", 1)[-1], fallback="上传文件")
    return None if ignored(base) else base


def deposit(inbox: Path, folder: str, name: str, chunks: Iterable[bytes]) -> str:
    """Write one file into ``inbox/folder`` atomically and return the name it got: its bytes go to a
    dotfile in the same folder (intake ignores dotfiles), are flushed to disk, then linked under a
    unique safe name (never overwriting anything) and the dotfile removed, so intake sees the whole
    file at once and takes it its normal way. ``folder`` must be a safe single segment."""
    if folder != safe_segment(folder) or folder in RESERVED_DIRS or ignored(folder):
        raise ValueError(folder)
    wanted = acceptable_name(name)
    if wanted is None:
        raise ValueError(name)
    safe_folder(inbox, (folder,))  # made if new; a link or file planted there is moved aside
    dfd = _open_dir(inbox, (folder,))  # from here on by descriptor: a swapped-in link cannot redirect
    tmp = f".upload-{uuid.uuid4().hex}.part"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, SHARED_FILE,
                     dir_fd=dfd)
        try:
            try:
                os.fchmod(fd, SHARED_FILE)
                for chunk in chunks:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            for _ in range(1000):
                final = unique_name(wanted, {name_key(n) for n in os.listdir(dfd)})
                try:
                    os.link(tmp, final, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
                    break
                except FileExistsError:
                    continue  # someone took the name meanwhile
            else:  # pragma: no cover - a thousand races
                raise OSError(errno.EEXIST, "no free name", wanted)
        finally:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except FileNotFoundError:
                pass
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return final

__all__ = ["MAX_TEXT", "SetAside", "Waiting", "acceptable_name", "client_folders", "deposit", "intake_log",
           "read_text", "receipt", "set_aside", "waiting"]
