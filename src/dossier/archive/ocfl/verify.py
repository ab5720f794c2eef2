"""Fixity: re-hash every manifest file and check every inventory of an object, against a consistent view.

A commit makes a new version visible in three renames (the version directory, the root inventory,
its sidecar), so a check that reads the root inventory and then lists the object can see a state no
commit ever leaves: a version directory the inventory does not name yet, or an inventory whose
sidecar is the previous one. Everything else a check looks at is immutable once committed (versions,
their inventories and content). So a check is made once without any lock; only when it finds what a
commit in flight could explain ("racy" problems) is it repeated, cheaply (what was hashed is not
hashed again), until it is made at a quiet moment: the object's lock free before and after, and the
root inventory unchanged in between. Only then are those problems reported as damage.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .inventory import (
    OBJECT_DECLARATION,
    VERSION_RE,
    check_inventory,
    declaration,
    file_digest,
    load_inventory,
)

#: How long a check waits for a quiet moment (no commit under way) before it reports what it saw.
PATIENCE = 300.0


@dataclass(frozen=True)
class Problem:
    path: str
    kind: str  # "missing" | "damaged" | "extra" | "inventory"
    detail: str


def verify_object(path: Path, busy: Callable[[], bool | None] | None = None,
                  patience: float = PATIENCE) -> list[Problem]:
    """Re-hash every manifest file and check every inventory; [] means intact.

    ``busy()`` says whether a commit of this object is under way now (True), not (False) or cannot
    tell (None); ``StorageRoot.verify`` gives one from the object's lock. Without it, a racy problem
    is reported only when a second look, with the same root inventory, sees it again.
    """
    path = Path(path)
    seen: dict = {}  # what this check already knows: immutable version checks and file hashes
    problems, racy = _examine(path, seen)
    deadline = time.monotonic() + patience
    delay = 0.02
    while racy:
        if busy is not None and busy() and time.monotonic() < deadline:
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            continue
        before = _identity(path)
        problems, racy = _examine(path, seen)
        quiet = busy is None or busy() is not True
        if not racy or (before == _identity(path) and quiet) \
                or time.monotonic() >= deadline:
            break
    return sorted(problems, key=lambda p: (p.path, p.kind))


def _identity(path: Path) -> tuple | None:
    """What changes whenever a commit (or recovery) replaces the root inventory or its sidecar."""
    try:
        a, b = os.stat(path / "inventory.json"), os.stat(path / "inventory.json.sha512")
    except OSError:
        return None
    return a.st_ino, a.st_size, a.st_mtime_ns, b.st_ino, b.st_size, b.st_mtime_ns


def _examine(path: Path, seen: dict) -> tuple[list[Problem], bool]:
    """One look at the object: (problems, whether some of them a commit in flight could explain)."""
    inv, root_data, found = load_inventory(path)
    problems = [Problem(name, kind, detail) for name, kind, detail in found]
    racy = bool(found) and path.is_dir()  # inventory and sidecar are replaced by two renames
    if declaration(path) is None:
        problems.insert(0, Problem(OBJECT_DECLARATION, "missing",
                                   "对象声明文件缺失或内容错误（档案已损坏：该客户仍列出，但不能再追加版本），"
                                   "请从备份恢复该文件"))
    if inv is None or check_inventory(inv):
        return problems, racy
    algorithm = inv["digestAlgorithm"]
    cdir = inv.get("contentDirectory", "content")
    known = {p for paths in inv["manifest"].values() for p in paths}
    versions = seen.setdefault("versions", {})  # version name -> (its inventory bytes, problems)
    for name in inv["versions"]:
        if name not in versions:
            versions[name] = _version_problems(path, name, cdir)
        v_data, v_found, content = versions[name]
        problems += v_found
        problems += [Problem(rel, "extra", "内容目录中有清单未登记的文件，请将其移出对象目录")
                     for rel in content if rel not in known]
        if name == inv["head"] and v_data is not None and v_data != root_data:
            problems.append(Problem("inventory.json", "inventory",
                                    f"根清单与最新版本 {name} 的清单不一致（提交可能中断），请运行 recover"))
    allowed = {"inventory.json", f"inventory.json.{algorithm}", "logs", "extensions", *inv["versions"]}
    head = int(inv["head"][1:])
    try:
        entries = sorted(os.listdir(path))
    except OSError as e:
        entries = []
        problems.append(Problem(".", "damaged", f"对象目录无法列出（{e.strerror}），请检查磁盘和权限"))
    for entry in entries:
        if entry not in allowed and not entry.startswith("0=ocfl_object_"):
            match = VERSION_RE.fullmatch(entry)
            hint = "（未完成的提交，请运行 recover）" if match else ""
            racy = racy or bool(match and int(match.group(1)) > head)  # a version made visible before its inventory
            problems.append(Problem(entry, "extra", f"对象根目录中有不属于 OCFL 的条目{hint}"))
    hashes = seen.setdefault("hashes", {})  # content path -> (digest it was checked against, problem or None)
    for digest, paths in inv["manifest"].items():
        for rel in paths:
            key = (rel, digest.lower(), algorithm)
            if key not in hashes:
                hashes[key] = _hash_problem(path, rel, digest.lower(), algorithm)
            if hashes[key] is not None:
                problems.append(hashes[key])
    return problems, racy


def _version_problems(path: Path, name: str, cdir: str) -> tuple[bytes | None, list[Problem], list[str]]:
    """A committed version never changes: its inventory's bytes and problems, and its content files."""
    _v_inv, v_data, v_found = load_inventory(path / name)
    found = [Problem(f"{name}/{f}", kind, detail) for f, kind, detail in v_found]
    content = []
    for dirpath, _dirs, files in os.walk(path / name / cdir):
        content += [(Path(dirpath) / f).relative_to(path).as_posix() for f in files]
    return v_data, found, content


def _hash_problem(path: Path, rel: str, digest: str, algorithm: str) -> Problem | None:
    try:
        actual = file_digest(path / rel, algorithm)
    except FileNotFoundError:
        return Problem(rel, "missing", "清单中登记的文件不存在，请从备份恢复该文件")
    except OSError as e:
        return Problem(rel, "damaged", f"文件无法读取（{e.strerror}），请检查磁盘或从备份恢复")
    if actual != digest:
        return Problem(rel, "damaged", "文件内容与清单中的摘要不符（已损坏或被改动），请从备份恢复该文件")
    return None
