"""Claiming settled files into the work folder, releasing them, quarantine with a written reason, receipts."""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

from dossier.config import Config
from dossier.naming import name_key, safe_segment, unique_name

from .scan import RECEIPT_NAME, Entry


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

def write_receipt(folder: Path, text: str) -> Path:
    """Replace the client folder's receipt atomically (the temporary name is a dotfile intake ignores)."""
    target = folder / RECEIPT_NAME
    tmp = folder / f".{RECEIPT_NAME}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target
