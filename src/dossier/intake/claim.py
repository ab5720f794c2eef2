"""Claiming settled files into the work folder, releasing them, quarantine with a written reason, receipts."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dossier.codes import mask_id_numbers
from dossier.config import Config
from dossier.naming import name_key, safe_segment, unique_name

from .scan import RECEIPT_NAME, Entry

log = logging.getLogger(__name__)

#: What dossier writes into the clerks' share stays readable there (dossier's own umask is private).
SHARED_FILE, SHARED_DIR = 0o664, 0o775


def new_batch_dir(config: Config) -> Path:
    """A private folder for one group's copies, under the state folder (outside the clerks' share)."""
    config.work.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = config.work / f"{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir(mode=0o700)
    return path


def _alive(batch: Path) -> bool:
    """The process that made a batch folder is still running (its pid is in the name)."""
    parts = batch.name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Refused:
    """A file that cannot be claimed, with the reason (Chinese) it is set aside."""

    reason: str


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


def claim(entry: Entry, batch_dir: Path, max_bytes: int = 0) -> Path | Refused | None:
    """Copy the file that settled into private staging, and return the copy: the only thing read later.

    The inbox file is opened without following links and without blocking (a FIFO swapped in cannot
    hang us), refused unless it is a regular file, and compared with what settled (device, inode,
    size, modification time) before and after the copy; a file over ``max_bytes`` (0: no limit) is
    refused before anything is copied. None: it changed or vanished since it
    settled (the next pass looks again). The inbox original stays where it is until the archive
    holds it (``done``), so a crash loses nothing and there is nothing to move back."""
    try:
        fd = os.open(entry.path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Refused("文件在收件过程中被替换为符号链接，系统不会跟随链接读取其他位置的文件。请把文件本身复制到收件箱。")
        return Refused(f"无法打开文件（{exc.strerror or exc}），请检查文件权限后重新放入收件箱。")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Refused("这不是普通文件（可能是管道、设备或文件夹），系统不处理。请放入文件本身。")
        if not entry.same_file(st):
            return None
        if max_bytes and st.st_size > max_bytes:  # never copied nor read (a 10 GB sparse "PDF")
            return Refused(f"文件过大（{st.st_size / (1 << 20):,.0f} MB），超过收件上限 {max_bytes >> 20} MB"
                           "（设置 max_file_mb）。请确认文件无误：扫描件可降低分辨率或分册后重新放入收件箱，"
                           "确需收件时请管理员调高 max_file_mb。")
        dest = batch_dir / f"{uuid.uuid4().hex}{Path(entry.rel).suffix.lower()[:12]}"
        with os.fdopen(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600), "wb") as out:
            while chunk := os.read(fd, _CHUNK):
                out.write(chunk)
        if not entry.same_file(os.fstat(fd)):  # written to while we copied: not settled after all
            dest.unlink(missing_ok=True)
            return None
        return dest
    except OSError as exc:
        return Refused(f"读取文件时出错（{exc.strerror or exc}），请检查文件后重新放入收件箱。")
    finally:
        os.close(fd)


def release(claimed: Path, batch_dir: Path, inbox: Path) -> None:
    """Give up a claim: the copy goes; the original never left the inbox."""
    claimed.unlink(missing_ok=True)


def done(claimed: Path, entry: Entry) -> None:
    """The archive holds the file durably: drop the copy, and the inbox original if it is still the
    file that was claimed (a file a clerk put in its place meanwhile is a new drop, left alone)."""
    claimed.unlink(missing_ok=True)
    try:
        if entry.same_file(os.lstat(entry.path)):
            os.unlink(entry.path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("已归档，但无法从收件箱删除 %s：%s", entry.incoming.source, exc)


def recover_claims(config: Config) -> list[str]:
    """Start-up (the writer only): copies a crashed run left in staging are deleted (their originals are
    still in the inbox and are taken again). A work folder of the old layout inside the inbox
    (``inbox/.dossier-work``) gives its files back, if it is a real folder; a link there is removed."""
    actions: list[str] = []
    if config.work.is_dir() and not config.work.is_symlink():
        for batch_dir in sorted(config.work.iterdir()):
            if _alive(batch_dir):
                continue  # another process's batch in progress
            if batch_dir.is_dir() and not batch_dir.is_symlink():
                shutil.rmtree(batch_dir, ignore_errors=True)
            else:
                batch_dir.unlink(missing_ok=True)
    legacy = config.inbox / ".dossier-work"
    if legacy.is_symlink() or (legacy.exists() and not legacy.is_dir()):
        legacy.unlink()
        actions.append("已删除收件箱中的异常 .dossier-work（不是文件夹），未跟随其链接")
    elif legacy.is_dir():
        for dirpath, dirnames, filenames in os.walk(legacy):  # os.walk does not follow links
            for name in filenames:
                claimed = Path(dirpath) / name
                if claimed.is_symlink() or not claimed.is_file():
                    claimed.unlink(missing_ok=True)
                    continue
                rel = claimed.relative_to(legacy).parts[1:]  # <batch>/<rel>
                if not rel:
                    claimed.unlink(missing_ok=True)
                    continue
                target = config.inbox.joinpath(*rel)
                if target.exists() or target.is_symlink():
                    target = target.with_name(f"{target.stem}（恢复-{uuid.uuid4().hex[:6]}）{target.suffix}")
                safe_folder(config.inbox, rel[:-1])
                os.rename(claimed, target)
                actions.append(f"已将未完成处理的文件放回收件箱：{target.relative_to(config.inbox)}")
        shutil.rmtree(legacy, ignore_errors=True)
    return actions


def remove_batch_dir(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


def safe_folder(root: Path, parts: tuple[str, ...] | list[str]) -> Path:
    """``root/parts...`` as real folders: each step is lstat-checked, and one that is a symbolic link or
    a file (planted in the clerks' share) is moved out of the way, never followed."""
    folder = root
    for part in parts:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            folder.mkdir()
            os.chmod(folder, SHARED_DIR)
            continue
        if stat.S_ISDIR(st.st_mode):
            continue
        aside = folder.with_name(f"{folder.name}.异常-{uuid.uuid4().hex[:6]}")
        os.rename(folder, aside)  # rename moves the link itself, never its target
        log.warning("收件箱中的 %s 不是文件夹（%s），已改名为 %s 并重建", folder,
                    "符号链接" if stat.S_ISLNK(st.st_mode) else "文件", aside.name)
        folder.mkdir()
        os.chmod(folder, SHARED_DIR)
    return folder


# -- quarantine ---------------------------------------------------------------

def set_aside(entry: Entry, dest_root: Path, reason: str, title: str, claimed: Path | None = None) -> Path:
    """Move the inbox file ``entry`` (the original: a claimed copy is only deleted) under ``dest_root``
    (``_failed`` or ``_unsorted``) with a reason note. Every folder on the way is a real folder
    (``safe_folder``), so a link planted there cannot send the file elsewhere.

    The note is written first: a crash between the two steps leaves a note without a file, never a
    file without its reason. A file that changed since it was claimed is left in place (it is a new
    drop); the returned path is then the inbox path."""
    if claimed is not None:
        claimed.unlink(missing_ok=True)
    try:
        st = os.lstat(entry.path)
    except FileNotFoundError:
        return entry.path
    if claimed is not None and not entry.same_file(st):
        return entry.path
    parts = [safe_segment(p) for p in entry.incoming.source.split("/")]
    folder = safe_folder(dest_root.parent, (dest_root.name, *parts[:-1]))
    taken = {name_key(p.name) for p in folder.iterdir()}
    name = unique_name(parts[-1], taken)
    dest = folder / name
    note = dest.with_name(name + ".reason.txt")  # names are capped well under the 255-byte limit
    fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, SHARED_FILE)
    os.fchmod(fd, SHARED_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(mask_id_numbers(  # the note sits in the clerks' share
            f"{title}\n"
            f"文件：{entry.incoming.source}\n"
            f"时间：{datetime.now():%Y-%m-%d %H:%M:%S}\n"
            f"原因：{reason}\n"
            f"处理：修正后把文件放回收件箱的客户文件夹即可重新收件；本说明可删除。\n"))
    os.rename(entry.path, dest)
    return dest


# -- watching -------------------------------------------------------------------

def write_receipt(folder: Path, text: str) -> Path:
    """Replace the client folder's receipt atomically (the temporary name is a dotfile intake ignores)."""
    target = folder / RECEIPT_NAME
    tmp = folder / f".{RECEIPT_NAME}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, SHARED_FILE)  # for the clerks, whatever dossier's own umask
    os.replace(tmp, target)
    return target
