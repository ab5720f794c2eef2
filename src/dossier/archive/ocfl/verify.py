"""Fixity: re-hash every manifest file and check every inventory of an object."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class Problem:
    path: str
    kind: str  # "missing" | "damaged" | "extra" | "inventory"
    detail: str


def verify_object(path: Path) -> list[Problem]:
    """Re-hash every manifest file and check every inventory; [] means intact."""
    path = Path(path)
    inv, root_data, found = load_inventory(path)
    problems = [Problem(name, kind, detail) for name, kind, detail in found]
    if declaration(path) is None:
        problems.insert(0, Problem(OBJECT_DECLARATION, "missing", "对象声明文件缺失或内容错误"))
    if inv is None or check_inventory(inv):
        return problems
    algorithm = inv["digestAlgorithm"]
    cdir = inv.get("contentDirectory", "content")
    known = {p for paths in inv["manifest"].values() for p in paths}
    for name in inv["versions"]:
        v_inv, v_data, v_found = load_inventory(path / name)
        problems += [Problem(f"{name}/{f}", kind, detail) for f, kind, detail in v_found]
        if name == inv["head"] and v_data is not None and v_data != root_data:
            problems.append(Problem("inventory.json", "inventory",
                                    f"根清单与最新版本 {name} 的清单不一致（提交可能中断），请运行 recover"))
        content = path / name / cdir
        for dirpath, _dirs, files in os.walk(content):
            for f in files:
                rel = (Path(dirpath) / f).relative_to(path).as_posix()
                if rel not in known:
                    problems.append(Problem(rel, "extra", "内容目录中有清单未登记的文件，请将其移出对象目录"))
    allowed = {"inventory.json", f"inventory.json.{algorithm}", "logs", "extensions", *inv["versions"]}
    for entry in sorted(os.listdir(path)):
        if entry not in allowed and not entry.startswith("0=ocfl_object_"):
            hint = "（未完成的提交，请运行 recover）" if VERSION_RE.fullmatch(entry) else ""
            problems.append(Problem(entry, "extra", f"对象根目录中有不属于 OCFL 的条目{hint}"))
    for digest, paths in inv["manifest"].items():
        for rel in paths:
            try:
                actual = file_digest(path / rel, algorithm)
            except FileNotFoundError:
                problems.append(Problem(rel, "missing", "清单中登记的文件不存在，请从备份恢复该文件"))
                continue
            except OSError as e:
                problems.append(Problem(rel, "damaged", f"文件无法读取（{e.strerror}），请检查磁盘或从备份恢复"))
                continue
            if actual != digest.lower():
                problems.append(Problem(rel, "damaged", "文件内容与清单中的摘要不符（已损坏或被改动），请从备份恢复该文件"))
    return sorted(problems, key=lambda p: (p.path, p.kind))
