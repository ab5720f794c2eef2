"""The folders of a home, checked before the writer starts (issue 11: data apart from state).

The inbox is the clerks' share; the archive and the state folder (catalog, staging, locks, private
copies) must never overlap it in a way that lets one be reached through the other, must be real
folders (a symbolic link there would let the share redirect where dossier writes), and must belong to
the service's user. Each problem is a Chinese message naming the folder and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from dossier.config import Config
from dossier.errors import UsageError


def _inside(a: Path, b: Path) -> bool:
    return a == b or b in a.parents


def folder_problems(config: Config) -> list[str]:
    folders = {"收件箱（inbox_dir）": config.inbox, "档案库（archive_dir）": config.archive,
               "状态目录（.dossier，档案库旁）": config.state_dir}
    out: list[str] = []
    for label, path in folders.items():
        if path.is_symlink():
            out.append(f"{label} {path} 是符号链接。请在设置中直接写出它指向的真实路径，"
                       "不要让收件箱、档案库或状态目录经由链接到达。")
    real = {label: path.resolve() for label, path in folders.items()}
    inbox = real["收件箱（inbox_dir）"]
    for label in ("档案库（archive_dir）", "状态目录（.dossier，档案库旁）"):
        if _inside(real[label], inbox) or _inside(inbox, real[label]):
            out.append(f"{label} {real[label]} 与收件箱 {inbox} 互相包含：文员可写的共享目录不能包含档案或状态，"
                       "反之亦然。请把收件箱和档案库设为互不包含的两个目录。")
    uid = os.geteuid()
    for label in ("档案库（archive_dir）", "状态目录（.dossier，档案库旁）"):
        try:
            owner = os.stat(real[label]).st_uid
        except FileNotFoundError:
            continue
        if owner != uid:
            out.append(f"{label} {real[label]} 的所有者（uid {owner}）不是运行 dossier 的用户（uid {uid}）。"
                       "请用服务用户运行，或把目录的所有者改为服务用户（chown）。")
    return out


def check_folders(config: Config) -> None:
    """``UsageError`` (exit code 2) listing every problem, before anything is written."""
    problems = folder_problems(config)
    if problems:
        raise UsageError("主目录的文件夹设置不安全，收件服务未启动：\n" + "\n".join(f"  · {p}" for p in problems))
