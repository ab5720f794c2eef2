"""Crash-safe OCFL 1.1 storage root (flat direct layout), written from scratch.

Writing: a new version is built in a staging directory outside the storage root
(same filesystem), every file fsynced, then made visible by ``os.rename``. The
root inventory is replaced last (inventory, then its sidecar). ``recover``
rolls a half-finished commit forward or removes an unfinished version.
Reading: ``ObjectReader`` reads any valid OCFL 1.0/1.1 object.
"""

from __future__ import annotations

import copy
import errno
import fcntl
import hashlib
import io
import json
import logging
import os
import re
import shutil
import time
import unicodedata
import uuid
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from dossier.errors import ArchiveError, LockBusy

log = logging.getLogger(__name__)

DIGEST_ALGORITHM = "sha512"
INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
OBJECT_DECLARATION = "0=ocfl_object_1.1"
ROOT_DECLARATION = "0=ocfl_1.1"
LAYOUT_EXTENSION = "0002-flat-direct-storage-layout"
SIDECAR = "inventory.json." + DIGEST_ALGORITHM
CHUNK_SIZE = 1 << 20
_ALGORITHMS = ("sha512", "sha256")  # the only values allowed for digestAlgorithm
_VERSION_RE = re.compile(r"v(\d+)")
_SIDECAR_RE = re.compile(r"([0-9a-fA-F]+)[ \t]+inventory\.json[ \t]*\r?\n?")


# --- Low-level file helpers ------------------------------------------------

def copy_and_hash(src: BinaryIO | Path, dst: Path) -> tuple[str, int]:
    """Stream ``src`` into ``dst`` in 1 MiB chunks, hashing with SHA-512.

    ``dst`` is fsynced. Returns (lowercase hex digest, size). Every byte this
    module writes goes through here (fault-injection point for tests).
    """
    digest = hashlib.sha512()
    size = 0
    with ExitStack() as stack:
        fin = src if hasattr(src, "read") else stack.enter_context(open(src, "rb"))
        fout = stack.enter_context(open(dst, "wb"))
        while chunk := fin.read(CHUNK_SIZE):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest(), size


def _write_bytes(path: Path, data: bytes) -> None:
    copy_and_hash(io.BytesIO(data), path)


def fsync_dir(path: Path) -> None:
    """fsync a directory (makes renames in it durable); file systems that cannot are tolerated."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)


def _fsync_tree(top: Path) -> None:
    """fsync every directory below and including ``top`` (files are fsynced on write)."""
    for dirpath, _dirs, _files in os.walk(top, topdown=False):
        fsync_dir(Path(dirpath))


def _file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _json_bytes(value: dict) -> bytes:
    """Canonical form of every JSON file we write (inventories, root config)."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sidecar_bytes(data: bytes) -> bytes:
    return f"{hashlib.sha512(data).hexdigest()} inventory.json\n".encode("ascii")


def _utc_timestamp(created: datetime | None) -> str:
    when = created or datetime.now(timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # naive = local time


def _path_error(path: str) -> str | None:
    """Why ``path`` is not a valid logical/content path, or None if it is."""
    if not isinstance(path, str) or not path:
        return "路径为空"
    if "\0" in path:
        return "路径包含 NUL 字符"
    if path.startswith("/") or path.endswith("/"):
        return "路径不能以“/”开头或结尾"
    if any(seg in ("", ".", "..") for seg in path.split("/")):
        return "路径不能包含空段、“.”或“..”"
    return None


def _check_logical(logical: str) -> None:
    problem = _path_error(logical)
    if problem is None and not unicodedata.is_normalized("NFC", logical):
        problem = "文件名不是 NFC 规范形式"
    if problem is None and any(len(s.encode("utf-8")) > 255 for s in logical.split("/")):
        problem = "某一段文件名超过 255 字节"
    if problem:
        raise ArchiveError(f"逻辑路径 {logical!r} 无效：{problem}。请改用以“/”分隔的相对路径。")


def _check_object_id(object_id: str) -> None:
    bad = (not isinstance(object_id, str) or object_id in ("", ".", "..", "extensions")
           or object_id.startswith(".") or any(c in object_id for c in "/\\\0")
           or len(object_id.encode("utf-8")) > 250)
    if bad:
        raise ArchiveError(f"对象标识 {object_id!r} 无效：它必须是一个普通目录名（不含“/”“\\”，"
                           "不以“.”开头，不是“extensions”）。请检查客户编号。")


def _is_valid_id(name: str) -> bool:
    try:
        _check_object_id(name)
    except ArchiveError:
        return False
    return True


def _declaration(path: Path) -> str | None:
    """The OCFL version ("1.0"/"1.1") declared by an object directory, else None."""
    for ver in ("1.1", "1.0"):
        decl = path / f"0=ocfl_object_{ver}"
        try:
            if decl.read_bytes() == f"ocfl_object_{ver}\n".encode():
                return ver
        except OSError:
            continue
    return None


# --- Inventory: loading and structural checks (shared by reader and verify) -

def _check_inventory(inv: dict) -> list[str]:
    """Structural problems of an inventory (Chinese); not a full validator."""
    errors = []
    for key in ("id", "type", "digestAlgorithm", "head", "manifest", "versions"):
        if key not in inv:
            errors.append(f"缺少必需字段“{key}”")
    if errors:
        return errors
    if not isinstance(inv["id"], str) or not inv["id"]:
        errors.append("id 必须是非空字符串")
    if inv["digestAlgorithm"] not in _ALGORITHMS:
        errors.append(f"不支持的摘要算法“{inv['digestAlgorithm']}”")
    cdir = inv.get("contentDirectory", "content")
    if not isinstance(cdir, str) or cdir in ("", ".", "..") or "/" in cdir:
        errors.append("contentDirectory 无效")
    manifest, versions = inv["manifest"], inv["versions"]
    if not isinstance(manifest, dict) or not all(
            isinstance(v, list) and v and all(isinstance(p, str) and _path_error(p) is None for p in v)
            for v in manifest.values()):
        return errors + ["manifest 格式错误或含无效内容路径"]
    if not isinstance(versions, dict) or not versions:
        return errors + ["versions 为空或格式错误"]
    names = list(versions)
    if not all(_VERSION_RE.fullmatch(n) for n in names):
        return errors + ["版本目录名格式错误"]
    numbers = sorted(int(n[1:]) for n in names)
    padded = any(n[1] == "0" for n in names)  # "v001" style: then every name has the same width
    if numbers != list(range(1, len(numbers) + 1)) or (padded and len({len(n) for n in names}) != 1):
        errors.append("版本编号不连续或补零方式不一致")
    if inv["head"] != max(names, key=lambda n: int(n[1:])):
        errors.append("head 不是最新版本")
    for name, block in versions.items():
        state = block.get("state") if isinstance(block, dict) else None
        if not isinstance(state, dict):
            errors.append(f"版本 {name} 缺少 state")
        elif any(d not in manifest or not isinstance(ps, list) for d, ps in state.items()):
            errors.append(f"版本 {name} 的 state 格式错误或引用了 manifest 中没有的摘要")
    return errors


def _load_inventory(directory: Path) -> tuple[dict | None, bytes | None, list[tuple[str, str, str]]]:
    """Read ``directory/inventory.json`` and check its sidecar.

    Returns (inventory or None, raw bytes or None, problems); each problem is
    (file name, kind, Chinese detail).
    """
    try:
        data = (directory / "inventory.json").read_bytes()
    except FileNotFoundError:
        return None, None, [("inventory.json", "missing", "清单文件不存在")]
    except OSError as e:
        return None, None, [("inventory.json", "inventory", f"清单文件无法读取（{e.strerror}）")]
    try:
        inv = json.loads(data.decode("utf-8"))
        if not isinstance(inv, dict):
            raise ValueError("top level is not an object")
    except ValueError as e:
        return None, data, [("inventory.json", "inventory", f"清单不是有效的 JSON（{e}）")]
    problems = [("inventory.json", "inventory", p) for p in _check_inventory(inv)]
    algorithm = inv.get("digestAlgorithm")
    if algorithm in _ALGORITHMS:
        side = f"inventory.json.{algorithm}"
        try:
            match = _SIDECAR_RE.fullmatch((directory / side).read_text("utf-8"))
        except FileNotFoundError:
            problems.append((side, "missing", "清单校验文件不存在"))
        except (OSError, ValueError):
            problems.append((side, "inventory", "清单校验文件无法读取"))
        else:
            if match is None:
                problems.append((side, "inventory", "清单校验文件格式错误"))
            elif match.group(1).lower() != hashlib.new(algorithm, data).hexdigest():
                problems.append((side, "inventory", "清单内容与校验文件中的摘要不符（清单已损坏或被改动）"))
    return inv, data, problems


# --- Reading ---------------------------------------------------------------

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

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_dir() or _declaration(self.path) is None:
            raise ArchiveError(f"{self.path} 不是 OCFL 对象（缺少或损坏的 0=ocfl_object_1.1 声明文件）。"
                               "请检查存档路径，或运行 verify 检查存档。")
        inv, _data, problems = _load_inventory(self.path)
        if problems:
            name, _kind, detail = problems[0]
            raise ArchiveError(f"无法读取 OCFL 对象 {self.path}：{name}：{detail}。"
                               "请运行 recover 或 verify 检查该对象，必要时从备份恢复。")
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
        match = _VERSION_RE.fullmatch(name or "")
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


# --- Verification ----------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: str
    kind: str  # "missing" | "damaged" | "extra" | "inventory"
    detail: str


def verify_object(path: Path) -> list[Problem]:
    """Re-hash every manifest file and check every inventory; [] means intact."""
    path = Path(path)
    inv, root_data, found = _load_inventory(path)
    problems = [Problem(name, kind, detail) for name, kind, detail in found]
    if _declaration(path) is None:
        problems.insert(0, Problem(OBJECT_DECLARATION, "missing", "对象声明文件缺失或内容错误"))
    if inv is None or _check_inventory(inv):
        return problems
    algorithm = inv["digestAlgorithm"]
    cdir = inv.get("contentDirectory", "content")
    known = {p for paths in inv["manifest"].values() for p in paths}
    for name in inv["versions"]:
        v_inv, v_data, v_found = _load_inventory(path / name)
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
            hint = "（未完成的提交，请运行 recover）" if _VERSION_RE.fullmatch(entry) else ""
            problems.append(Problem(entry, "extra", f"对象根目录中有不属于 OCFL 的条目{hint}"))
    for digest, paths in inv["manifest"].items():
        for rel in paths:
            try:
                actual = _file_digest(path / rel, algorithm)
            except FileNotFoundError:
                problems.append(Problem(rel, "missing", "清单中登记的文件不存在，请从备份恢复该文件"))
                continue
            except OSError as e:
                problems.append(Problem(rel, "damaged", f"文件无法读取（{e.strerror}），请检查磁盘或从备份恢复"))
                continue
            if actual != digest.lower():
                problems.append(Problem(rel, "damaged", "文件内容与清单中的摘要不符（已损坏或被改动），请从备份恢复该文件"))
    return sorted(problems, key=lambda p: (p.path, p.kind))


# --- Writing ---------------------------------------------------------------

class VersionBuilder:
    """Stages one new version of an object; holds the object lock until closed."""

    def __init__(self, store: StorageRoot, object_id: str, lock_fd: int, reader: ObjectReader | None):
        self.object_id = object_id
        self._store, self._lock_fd, self._reader = store, lock_fd, reader
        self.base_state: dict[str, str] = reader.state() if reader else {}
        self.state: dict[str, str] = dict(self.base_state)
        self._dirs: dict[str, int] = {}  # directory prefix -> number of state paths below it
        for logical in self.state:
            self._count_dirs(logical, 1)
        self._manifest = {d.lower(): d for d in reader.inventory["manifest"]} if reader else {}
        self._staged: dict[str, Path] = {}  # digest -> staged file (not yet in the object)
        self._work = store.staging_dir / object_id / uuid.uuid4().hex
        (self._work / "incoming").mkdir(parents=True)
        self._closed = False

    def __enter__(self) -> VersionBuilder:
        return self

    def __exit__(self, *exc) -> None:
        self.abort()

    def _check_open(self) -> None:
        if self._closed:
            raise ArchiveError(f"对象 {self.object_id} 的本次修改已经提交或放弃，不能继续使用。请重新调用 begin()。")

    def _count_dirs(self, logical: str, delta: int) -> None:
        parts = logical.split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i])
            self._dirs[prefix] = self._dirs.get(prefix, 0) + delta
            if not self._dirs[prefix]:
                del self._dirs[prefix]

    def _set(self, logical: str, digest: str) -> None:
        if logical not in self.state:
            self._count_dirs(logical, 1)
        self.state[logical] = digest

    def _unset(self, logical: str) -> str:
        self._count_dirs(logical, -1)
        return self.state.pop(logical)

    def _check_conflict(self, logical: str) -> None:
        """A path may not be both a file and a directory (E095); O(depth), not O(state)."""
        parts = logical.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts))]
        other = next((p for p in prefixes if p in self.state), None)
        if other is None and logical in self._dirs:
            other = next(p for p in self.state if p.startswith(logical + "/"))
        if other is not None:
            raise ArchiveError(f"对象 {self.object_id} 中“{logical}”与已有的“{other}”冲突"
                               "（同一路径不能既是文件又是目录）。请换一个文件名。")

    def _write_error(self, exc: BaseException, what: str) -> ArchiveError:
        reason = "磁盘空间已满" if getattr(exc, "errno", None) == errno.ENOSPC else "写入失败（磁盘或文件系统错误）"
        return ArchiveError(f"{reason}：写入对象 {self.object_id} 的 {what} 时出错（{exc}）。"
                            "对象保持原样未被修改；请清理暂存目录所在磁盘的空间或检查磁盘后重试。")

    def add_file(self, logical: str, src: Path | BinaryIO) -> str:
        self._check_open()
        _check_logical(logical)
        self._check_conflict(logical)
        if not hasattr(src, "read") and not Path(src).is_file():
            raise ArchiveError(f"源文件 {src} 不存在或不是普通文件，无法加入对象 {self.object_id}。请检查文件路径。")
        staged = self._work / "incoming" / uuid.uuid4().hex
        try:
            digest, _size = copy_and_hash(src, staged)
        except Exception as e:
            staged.unlink(missing_ok=True)
            if isinstance(e, OSError):
                raise self._write_error(e, f"文件“{logical}”") from e
            raise
        if digest in self._manifest or digest in self._staged:
            staged.unlink()  # same bytes already stored: reference them instead
            digest = self._manifest.get(digest, digest)
        else:
            self._staged[digest] = staged
        self._set(logical, digest)
        return digest

    def add_bytes(self, logical: str, data: bytes) -> str:
        return self.add_file(logical, io.BytesIO(data))

    def remove(self, logical: str) -> None:
        self._check_open()
        if logical not in self.state:
            raise ArchiveError(f"对象 {self.object_id} 中没有文件“{logical}”，无法删除。请检查文件名。")
        self._unset(logical)

    def rename(self, old: str, new: str) -> None:
        """Move ``old`` to ``new``; refuses to overwrite an existing ``new``."""
        self._check_open()
        _check_logical(new)
        if old not in self.state:
            raise ArchiveError(f"对象 {self.object_id} 中没有文件“{old}”，无法改名。请检查文件名。")
        if new == old:
            return
        if new in self.state:
            raise ArchiveError(f"对象 {self.object_id} 中已有文件“{new}”，不能把“{old}”改名为它。请先删除或换一个名字。")
        digest = self._unset(old)
        try:
            self._check_conflict(new)
        except ArchiveError:
            self._set(old, digest)
            raise
        self._set(new, digest)

    def has_digest(self, digest: str) -> bool:
        return digest.lower() in self._manifest or digest.lower() in self._staged

    @property
    def changed(self) -> bool:
        return self.state != self.base_state

    def commit(self, message: str, user_name: str, user_address: str | None = None,
               created: datetime | None = None) -> str:
        self._check_open()
        if not self.changed:
            raise ArchiveError(f"对象 {self.object_id} 没有任何变化，无需提交新版本。")
        if not isinstance(user_name, str) or not user_name:
            raise ArchiveError(f"提交对象 {self.object_id} 的新版本时必须给出操作人姓名（user_name）。")
        name = self._next_version()
        try:
            inv = self._new_inventory(name, message, user_name, user_address, created)
            if self._reader is None:
                self._commit_new(name, inv)
            else:
                self._commit_update(name, inv)
        except ArchiveError:
            self.abort()
            raise
        except Exception as e:
            self.abort()
            raise self._write_error(e, f"新版本 {name}") from e
        except BaseException:
            self.abort()
            raise
        self.abort()  # success: drop the (now empty) staging dir, release the lock
        return name

    def abort(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            shutil.rmtree(self._work, ignore_errors=True)
            with suppress(OSError):
                self._work.parent.rmdir()  # only if no other leftovers
        finally:
            self._store._release(self._lock_fd)

    @property
    def version_name(self) -> str:
        """The name the version being built will get ("v1" for a new object)."""
        return self._next_version()

    def _next_version(self) -> str:
        if self._reader is None:
            return "v1"
        return f"v{int(self._reader.head[1:]) + 1}"

    def _new_inventory(self, name: str, message: str, user_name: str,
                       user_address: str | None, created: datetime | None) -> dict:
        if self._reader is not None:
            inv = copy.deepcopy(self._reader.inventory)
        else:
            inv = {"id": self.object_id, "type": INVENTORY_TYPE,
                   "digestAlgorithm": DIGEST_ALGORITHM, "manifest": {}, "versions": {}}
        state: dict[str, list[str]] = {}
        for logical, digest in self.state.items():
            state.setdefault(digest, []).append(logical)
        self._placements = {}
        cdir = inv.get("contentDirectory", "content")
        for digest, paths in state.items():
            paths.sort()
            if digest not in inv["manifest"]:
                content = f"{name}/{cdir}/{paths[0]}"
                inv["manifest"][digest] = [content]
                self._placements[digest] = content
        user = {"name": user_name}
        if user_address is not None:
            user["address"] = user_address
        inv["head"] = name
        inv["versions"][name] = {"created": _utc_timestamp(created), "message": message,
                                 "user": user, "state": state}
        return inv

    def _build(self, obj: Path, name: str, data: bytes) -> None:
        """Place staged content and write vN/inventory.json + sidecar under ``obj``."""
        for digest, content in self._placements.items():
            target = obj / content
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self._staged[digest], target)
        (obj / name).mkdir(parents=True, exist_ok=True)
        _write_bytes(obj / name / "inventory.json", data)
        _write_bytes(obj / name / SIDECAR, _sidecar_bytes(data))

    def _commit_new(self, name: str, inv: dict) -> None:
        data = _json_bytes(inv)
        obj = self._work / "object"
        self._build(obj, name, data)
        _write_bytes(obj / "inventory.json", data)
        _write_bytes(obj / SIDECAR, _sidecar_bytes(data))
        _write_bytes(obj / OBJECT_DECLARATION, b"ocfl_object_1.1\n")
        _fsync_tree(obj)
        target = self._store.object_path(self.object_id)
        if target.exists():
            raise ArchiveError(f"对象目录 {target} 已存在，无法新建对象 {self.object_id}。请运行 recover 后重试。")
        os.rename(obj, target)
        fsync_dir(target.parent)

    def _commit_update(self, name: str, inv: dict) -> None:
        data = _json_bytes(inv)
        obj = self._store.object_path(self.object_id)
        self._build(self._work, name, data)
        _write_bytes(self._work / "new-inventory", data)
        _write_bytes(self._work / "new-sidecar", _sidecar_bytes(data))
        for old in ("inventory.json", SIDECAR):  # kept for rollback; a hard link writes no data
            try:
                os.link(obj / old, self._work / f"old-{old}")
            except OSError:
                _write_bytes(self._work / f"old-{old}", (obj / old).read_bytes())
        _fsync_tree(self._work)
        target = obj / name
        if target.exists():
            raise ArchiveError(f"对象 {self.object_id} 中已有版本目录 {name}。请运行 recover 后重试。")
        os.rename(self._work / name, target)  # the version becomes visible
        try:
            fsync_dir(obj)
            os.rename(self._work / "new-inventory", obj / "inventory.json")
            os.rename(self._work / "new-sidecar", obj / SIDECAR)  # sidecar last of all
            fsync_dir(obj)
        except BaseException:
            self._rollback(obj, target)
            raise

    def _rollback(self, obj: Path, version_dir: Path) -> None:
        """Undo a half-visible update; if this fails too, recover() rolls forward."""
        try:
            for old in ("inventory.json", SIDECAR):
                os.rename(self._work / f"old-{old}", obj / old)
            os.rename(version_dir, self._work / "rolled-back")
            fsync_dir(obj)
        except OSError:
            log.exception("rollback of %s failed; recover() will roll the object forward", self.object_id)


class StorageRoot:
    """An OCFL 1.1 storage root using the 0002 flat direct layout."""

    def __init__(self, root: Path, staging_dir: Path, lock_dir: Path):
        self.root, self.staging_dir, self.lock_dir = Path(root), Path(staging_dir), Path(lock_dir)

    def init(self) -> None:
        root = self.root.resolve()
        for other in (self.staging_dir.resolve(), self.lock_dir.resolve()):
            if other == root or root in other.parents:
                raise ArchiveError(f"目录 {other} 位于存储根 {root} 之内。暂存目录和锁目录必须放在存储根之外。")
        # Hidden files (a VCS placeholder such as .gitkeep) do not make a folder foreign:
        # the spec allows other files as direct children of the storage root.
        if (root.is_dir() and any(not p.name.startswith(".") for p in root.iterdir())
                and not (root / ROOT_DECLARATION).exists()):
            raise ArchiveError(f"目录 {root} 不是空目录，也不是 OCFL 存储根（缺少 {ROOT_DECLARATION}）。"
                               "请指定一个空目录或已有的存档目录。")
        for d in (root, self.staging_dir, self.lock_dir):
            d.mkdir(parents=True, exist_ok=True)
        if os.stat(root).st_dev != os.stat(self.staging_dir).st_dev:
            raise ArchiveError(f"暂存目录 {self.staging_dir} 与存储根 {root} 不在同一个文件系统上，"
                               "无法原子地提交版本。请把暂存目录放到同一磁盘分区。")
        layout = {"description": "Flat direct storage layout: the object id is the name of "
                                 "the object directory directly under the storage root.",
                  "extension": LAYOUT_EXTENSION}
        # 0002 has no parameters, so no extensions/.../config.json (ocfl-py 2.1 crashes on one).
        files = [(ROOT_DECLARATION, b"ocfl_1.1\n"),  # first, so a partial init is resumable
                 ("ocfl_layout.json", _json_bytes(layout))]
        for rel, data in files:
            target = root / rel
            if target.exists():
                if rel == ROOT_DECLARATION and target.read_bytes() != data:
                    raise ArchiveError(f"存储根声明文件 {target} 内容错误。请确认该目录是本程序的存档。")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.staging_dir / f".root-{uuid.uuid4().hex}.tmp"
            _write_bytes(tmp, data)
            os.rename(tmp, target)
            fsync_dir(target.parent)
        fsync_dir(root)

    def is_initialized(self) -> bool:
        return (self.root / ROOT_DECLARATION).is_file()

    def object_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and p.name != "extensions" and any(p.glob("0=ocfl_object_*")))

    def object_path(self, object_id: str) -> Path:
        _check_object_id(object_id)
        return self.root / object_id

    def exists(self, object_id: str) -> bool:
        return _declaration(self.object_path(object_id)) is not None

    def reader(self, object_id: str) -> ObjectReader:
        if not self.exists(object_id):
            raise ArchiveError(f"存档中没有对象 {object_id}（{self.object_path(object_id)}）。请检查客户编号。")
        for attempt in range(3):  # a reader may race the final two renames of a commit
            try:
                return ObjectReader(self.object_path(object_id))
            except ArchiveError:
                if attempt == 2:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def _acquire(self, object_id: str, timeout: float) -> int:
        _check_object_id(object_id)
        self.lock_dir.mkdir(parents=True, exist_ok=True)
        lock_path = self.lock_dir / f"{object_id}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    os.close(fd)
                    raise LockBusy(f"对象 {object_id} 正被另一个 dossier 进程修改（锁文件 {lock_path}），"
                                   f"等待 {timeout:g} 秒后仍未释放。请等该进程结束后重试。") from None
                time.sleep(min(0.05, remaining))

    @staticmethod
    def _release(fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextmanager
    def lock(self, object_id: str, timeout: float = 30.0) -> Iterator[None]:
        fd = self._acquire(object_id, timeout)
        try:
            yield
        finally:
            self._release(fd)

    def begin(self, object_id: str, timeout: float = 30.0) -> VersionBuilder:
        if not self.is_initialized():
            raise ArchiveError(f"存储根 {self.root} 尚未初始化。请先运行 init。")
        fd = self._acquire(object_id, timeout)
        try:
            for action in self._recover_locked(object_id):
                log.warning("%s", action)
            reader = None
            if self.exists(object_id):
                reader = ObjectReader(self.object_path(object_id))
                inv = reader.inventory
                if (inv["digestAlgorithm"] != DIGEST_ALGORITHM or inv["type"] != INVENTORY_TYPE
                        or reader.id != object_id or _declaration(reader.path) != "1.1"
                        or reader.head.startswith("v0")):
                    raise ArchiveError(f"对象 {object_id} 不是本程序写入的格式（需要 OCFL 1.1、sha512、"
                                       "id 与目录名相同、版本号不补零），不能追加版本。")
            return VersionBuilder(self, object_id, fd, reader)
        except BaseException:
            self._release(fd)
            raise

    def recover(self, object_id: str | None = None) -> list[str]:
        if object_id is not None:
            ids = [object_id]
        else:
            ids = set(self.object_ids())
            if self.staging_dir.is_dir():
                for entry in self.staging_dir.iterdir():
                    if entry.name.startswith(".root-"):
                        entry.unlink(missing_ok=True)  # leftover of an interrupted init()
                    elif _is_valid_id(entry.name):
                        ids.add(entry.name)
            ids = sorted(ids)
        actions: list[str] = []
        for oid in ids:
            with self.lock(oid):
                actions += self._recover_locked(oid)
        return actions

    def _recover_locked(self, object_id: str) -> list[str]:
        actions = []
        stage = self.staging_dir / object_id
        if stage.exists():
            shutil.rmtree(stage)
            actions.append(f"对象 {object_id}：已删除残留的暂存目录 {stage}")
        obj = self.object_path(object_id)
        if _declaration(obj) is None:
            return actions
        while True:
            numbered = sorted((int(m.group(1)), p.name) for p in obj.iterdir()
                              if p.is_dir() and (m := _VERSION_RE.fullmatch(p.name)))
            if not numbered:
                return actions
            k, name = numbered[-1]
            root_inv, root_data, root_problems = _load_inventory(obj)
            root_head = None
            if root_inv is not None and not root_problems:
                root_head = int(root_inv["head"][1:])
            v_inv, v_data, v_problems = _load_inventory(obj / name)
            v_ok = (v_inv is not None and not v_problems and v_inv["head"] == name
                    and v_inv["id"] == object_id)
            if v_ok and root_head == k and root_data == v_data:
                return actions  # consistent
            if v_ok and root_head in (None, k - 1, k):
                self._roll_forward(obj, name, v_data, v_inv["digestAlgorithm"])
                actions.append(f"对象 {object_id}：版本 {name} 已完整写入但根清单未更新，已将根清单前滚到 {name}")
                return actions
            if not v_ok and root_head is not None and root_head < k:
                trash = self.staging_dir / object_id / f"trash-{uuid.uuid4().hex}"
                trash.parent.mkdir(parents=True, exist_ok=True)
                os.rename(obj / name, trash)
                fsync_dir(obj)
                shutil.rmtree(trash.parent)
                actions.append(f"对象 {object_id}：已删除未完成的版本目录 {name}")
                continue
            if not (root_head == k and not v_ok):  # a head without inventory is allowed (W010)
                actions.append(f"对象 {object_id}：状态异常，无法自动恢复（最高版本目录 {name}）。"
                               "请运行 verify 检查，并从备份恢复该对象。")
            return actions

    def _roll_forward(self, obj: Path, name: str, data: bytes, algorithm: str) -> None:
        work = self.staging_dir / obj.name / f"recover-{uuid.uuid4().hex}"
        work.mkdir(parents=True)
        try:
            side = f"inventory.json.{algorithm}"
            _write_bytes(work / "inventory.json", data)
            _write_bytes(work / side, (obj / name / side).read_bytes())
            fsync_dir(work)
            os.rename(work / "inventory.json", obj / "inventory.json")
            os.rename(work / side, obj / side)  # sidecar last
            fsync_dir(obj)
        finally:
            shutil.rmtree(work.parent, ignore_errors=True)

    def verify(self, object_id: str) -> list[Problem]:
        if not self.exists(object_id):
            raise ArchiveError(f"存档中没有对象 {object_id}（{self.object_path(object_id)}）。请检查客户编号。")
        return verify_object(self.object_path(object_id))

