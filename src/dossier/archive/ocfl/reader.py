"""Read-only access to one OCFL 1.0/1.1 object: versions, states, content."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dossier.errors import ArchiveError

from .inventory import (
    VERSION_RE,
    declaration,
    load_inventory,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Version:
    name: str
    number: int
    created: str
    message: str
    user_name: str | None
    user_address: str | None
    state: dict[str, str]


class ObjectReader:
    """Read-only access to one OCFL 1.0/1.1 object."""

    def __init__(self, path: Path, inventory: dict | None = None, digest: str | None = None,
                 require_declaration: bool = True):
        """Read the object at ``path``; or, given ``inventory`` (and its ``digest``), wrap an inventory
        this process has just written there, without reading it back. With ``require_declaration``
        False, an object whose declaration was deleted is still read by its intact inventory (a storage
        root keeps showing a damaged client; verify names the damage)."""
        self.path = Path(path)
        if inventory is not None:
            inv = inventory
        else:
            declared = self.path.is_dir() and declaration(self.path) is not None
            if not declared and (require_declaration or not (self.path / "inventory.json").is_file()):
                raise ArchiveError(f"{self.path} 不是 OCFL 对象（缺少或损坏的 0=ocfl_object_1.1 声明文件）。"
                                   "请检查存档路径，或运行 verify 检查存档。")
            inv, data, problems = load_inventory(self.path)
            if not declared and not problems:  # damage, but the inventory still says what the object holds
                log.warning("OCFL 对象 %s 缺少声明文件 0=ocfl_object_1.1（档案已损坏）：仍按其清单读取，"
                            "但不能再追加版本。请运行 `dossier verify` 检查，并从备份恢复该文件。", self.path)
            if problems:
                name, _kind, detail = problems[0]
                raise ArchiveError(f"无法读取 OCFL 对象 {self.path}：{name}：{detail}。"
                                   "请运行 recover 或 verify 检查该对象，必要时从备份恢复。")
            digest = hashlib.new(inv["digestAlgorithm"], data).hexdigest()
        #: digest of the inventory's bytes (what its sidecar holds): identifies this state of the object
        self.digest: str | None = digest
        self.inventory: dict = inv
        self.id: str = inv["id"]
        self.head: str = inv["head"]
        self.digest_algorithm: str = inv["digestAlgorithm"]
        self.content_directory: str = inv.get("contentDirectory", "content")
        self._names = {int(n[1:]): n for n in inv["versions"]}
        self._digests = {d.lower(): d for d in inv["manifest"]}
        self._versions: dict[str, Version] = {}

    def _name(self, name: str | None) -> str:
        if name is None:
            return self.head
        if name in self.inventory["versions"]:
            return name
        match = VERSION_RE.fullmatch(name or "")
        if match and int(match.group(1)) in self._names:
            return self._names[int(match.group(1))]
        raise ArchiveError(f"对象 {self.id}（{self.path}）没有版本“{name}”。现有版本：v1 至 {self.head}。")

    def version(self, name: str | None = None) -> Version:
        """The version (head if None). Cached: the inventory never changes under a reader,
        so callers must treat ``Version.state`` as read-only."""
        name = self._name(name)
        cached = self._versions.get(name)
        if cached is not None:
            return cached
        self._versions[name] = self._make_version(name)
        return self._versions[name]

    def _make_version(self, name: str) -> Version:
        block = self.inventory["versions"][name]
        user = block.get("user") or {}
        state = {p: d for d, paths in block["state"].items() for p in paths}
        return Version(name=name, number=int(name[1:]), created=block.get("created", ""),
                       message=block.get("message", ""), user_name=user.get("name"),
                       user_address=user.get("address"), state=state)

    def adopt_versions(self, other: "ObjectReader") -> None:
        """Reuse the versions ``other`` has already built (versions are immutable; same object only)."""
        if other.id == self.id:
            for name, ver in other._versions.items():
                if self.inventory["versions"].get(name) is other.inventory["versions"].get(name):
                    self._versions.setdefault(name, ver)

    def versions(self) -> list[Version]:
        return [self.version(self._names[n]) for n in sorted(self._names)]

    def state(self, version: str | None = None) -> dict[str, str]:
        return self.version(version).state

    def content_path(self, digest: str) -> Path:
        key = digest if digest in self.inventory["manifest"] else self._digests.get(digest.lower())
        if key is None:
            raise ArchiveError(f"对象 {self.id}（{self.path}）的清单中没有摘要 {digest}。请运行 verify 检查该对象。")
        return self.path / self.inventory["manifest"][key][0]

    def file_path(self, logical: str, version: str | None = None) -> Path:
        state = self.state(version)
        if logical not in state:
            raise ArchiveError(f"对象 {self.id} 的版本 {self._name(version)} 中没有文件“{logical}”。请检查文件名或版本号。")
        return self.content_path(state[logical])

    def open(self, logical: str, version: str | None = None) -> BinaryIO:
        return open(self.file_path(logical, version), "rb")

    def read_bytes(self, logical: str, version: str | None = None) -> bytes:
        return self.file_path(logical, version).read_bytes()

    def first_version_of(self, logical: str, version: str | None = None) -> str:
        target = self.version(version)
        if logical not in target.state:
            raise ArchiveError(f"对象 {self.id} 的版本 {target.name} 中没有文件“{logical}”。请检查文件名或版本号。")
        digest, first = target.state[logical].lower(), target.name
        for number in range(target.number - 1, 0, -1):
            previous = self.state(self._names[number]).get(logical)
            if previous is None or previous.lower() != digest:
                break
            first = self._names[number]
        return first
