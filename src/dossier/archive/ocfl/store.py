"""The OCFL 1.1 storage root (0002 flat direct layout): init, locks, begin, recover, verify."""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from dossier.errors import ArchiveError, LockBusy

from . import inventory
from .builder import VersionBuilder
from .inventory import (
    DIGEST_ALGORITHM,
    INVENTORY_TYPE,
    LAYOUT_EXTENSION,
    OBJECT_DECLARATION,
    ROOT_DECLARATION,
    SIDECAR as SIDECAR_SHA512,
    VERSION_RE,
    check_object_id,
    declaration,
    fsync_dir,
    is_valid_id,
    json_bytes,
    load_inventory,
)
from .reader import ObjectReader
from .verify import Problem, verify_object

log = logging.getLogger(__name__)


class StorageRoot:
    """An OCFL 1.1 storage root using the 0002 flat direct layout."""

    def __init__(self, root: Path, staging_dir: Path, lock_dir: Path):
        self.root, self.staging_dir, self.lock_dir = Path(root), Path(staging_dir), Path(lock_dir)
        # object id -> (identity of its inventory files on disk, reader): an inventory is only ever
        # replaced by a rename (new inode) with its sidecar, so an unchanged identity means the same bytes.
        self._readers: dict[str, tuple[tuple, ObjectReader]] = {}

    def _identity(self, object_id: str) -> tuple | None:
        obj = self.object_path(object_id)
        try:
            st = os.stat(obj / "inventory.json")
            side = os.stat(obj / SIDECAR_SHA512)
            return (st.st_ino, st.st_size, st.st_mtime_ns, side.st_ino, side.st_size, side.st_mtime_ns,
                    (obj / SIDECAR_SHA512).read_bytes())
        except OSError:
            return None

    def _cached_reader(self, object_id: str) -> ObjectReader:
        """A reader of the object's head: the cached one while its inventory files are unchanged."""
        key = self._identity(object_id)
        cached = self._readers.get(object_id)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        reader = ObjectReader(self.object_path(object_id), require_declaration=False)
        if key is not None and self._identity(object_id) == key:
            self._readers[object_id] = (key, reader)
        return reader

    def _known_consistent(self, object_id: str, highest: str) -> bool:
        """The recovery check for an object whose head this process has read or written, without parsing
        its inventory again: same inventory files as then, their version is the highest directory, and
        that version's copy of the inventory is byte for byte the root one."""
        cached = self._readers.get(object_id)
        if cached is None or cached[1].head != highest or cached[1].id != object_id:
            return False
        obj = self.object_path(object_id)
        key = self._identity(object_id)
        if key is None or key != cached[0]:
            return False
        try:
            return (obj / highest / "inventory.json").read_bytes() == (obj / "inventory.json").read_bytes() \
                and self._identity(object_id) == key
        except OSError:
            return False

    def remember(self, object_id: str, inv: dict, digest: str, base: ObjectReader | None) -> ObjectReader:
        """Called by a builder after its commit: the new head's reader, from the inventory in memory."""
        reader = ObjectReader(self.object_path(object_id), inventory=inv, digest=digest)
        if base is not None:
            reader.adopt_versions(base)
        key = self._identity(object_id)
        if key is not None and key[-1].split(b" ", 1)[0].decode("ascii", "replace").lower() == digest:
            self._readers[object_id] = (key, reader)
        return reader

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
                 ("ocfl_layout.json", json_bytes(layout))]
        for rel, data in files:
            target = root / rel
            if target.exists():
                if rel == ROOT_DECLARATION and target.read_bytes() != data:
                    raise ArchiveError(f"存储根声明文件 {target} 内容错误。请确认该目录是本程序的存档。")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.staging_dir / f".root-{uuid.uuid4().hex}.tmp"
            inventory.write_bytes(tmp, data)
            os.rename(tmp, target)
            fsync_dir(target.parent)
        fsync_dir(root)

    def is_initialized(self) -> bool:
        return (self.root / ROOT_DECLARATION).is_file()

    def object_ids(self) -> list[str]:
        """Every object of the root, damaged ones included: a folder that holds an object declaration or
        a root inventory. One whose declaration was deleted stays listed (and readable while its inventory
        is intact); ``verify`` names the damage."""
        return [name for name in self.object_dirs() if self.exists(name)]

    def object_dirs(self) -> list[str]:
        """Every folder directly under the root but ``extensions`` (and hidden ones): with the flat layout
        each must be an object, so fixity checks them all, even one that no longer looks like an object."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.name != "extensions" and is_valid_id(p.name) and p.is_dir())

    def object_path(self, object_id: str) -> Path:
        check_object_id(object_id)
        return self.root / object_id

    def exists(self, object_id: str) -> bool:
        obj = self.object_path(object_id)
        return declaration(obj) is not None or os.path.lexists(obj / "inventory.json")

    def committing(self, object_id: str) -> bool | None:
        """Whether a commit (or recovery) of the object holds its lock now; None when that cannot be told.

        A probe, never a wait: a shared lock tried without blocking and dropped at once (a writer that
        meets it retries within 50 ms). Readers never take the lock otherwise."""
        try:
            fd = os.open(self.lock_dir / f"{object_id}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return False  # never locked since the lock folder was made
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return None
        finally:
            os.close(fd)  # also drops the shared lock
        return False

    def reader(self, object_id: str) -> ObjectReader:
        if not self.exists(object_id):
            raise ArchiveError(f"存档中没有对象 {object_id}（{self.object_path(object_id)}）。请检查客户编号。")
        # A reader never waits on a commit: it reads the root inventory as last committed and checks it
        # against its sidecar. When they disagree, a commit is between its last two renames (or replaced
        # them between our reads): the root inventory is then the head version's own copy, checked by that
        # copy's sidecar, written before either rename. Failing that, it reads again: at once if the files
        # changed meanwhile, else after a short pause.
        for attempt in range(4):
            before = self._identity(object_id)
            try:
                return self._cached_reader(object_id)
            except ArchiveError:
                reader = self._head_copy_reader(object_id)
                if reader is not None:
                    return reader
                if attempt == 3:
                    raise
                if self._identity(object_id) == before:
                    time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _head_copy_reader(self, object_id: str) -> ObjectReader | None:
        """A reader of the root inventory when the head version's inventory is byte for byte the same and
        that copy agrees with its own sidecar (the moment between a commit's two final renames); else None."""
        obj = self.object_path(object_id)
        try:
            data = (obj / "inventory.json").read_bytes()
            inv = json.loads(data.decode("utf-8"))
            head = inv["head"] if isinstance(inv, dict) else None
        except (OSError, ValueError, KeyError):
            return None
        if not isinstance(head, str) or not VERSION_RE.fullmatch(head) or inventory.check_inventory(inv):
            return None
        v_inv, v_data, v_problems = load_inventory(obj / head)
        if v_problems or v_data != data or v_inv.get("id") != object_id:
            return None
        return ObjectReader(obj, inventory=inv, digest=hashlib.new(inv["digestAlgorithm"], data).hexdigest())

    def _acquire(self, object_id: str, timeout: float) -> int:
        check_object_id(object_id)
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
                reader = self._cached_reader(object_id)
                inv = reader.inventory
                if declaration(reader.path) is None:
                    raise ArchiveError(f"对象 {object_id} 缺少声明文件 {reader.path / OBJECT_DECLARATION}（档案已损坏），"
                                       "不能追加版本。请运行 `dossier verify` 检查，并从备份恢复该文件。")
                if (inv["digestAlgorithm"] != DIGEST_ALGORITHM or inv["type"] != INVENTORY_TYPE
                        or reader.id != object_id or declaration(reader.path) != "1.1"
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
                    elif is_valid_id(entry.name):
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
        if declaration(obj) is None:
            return actions
        while True:
            numbered = sorted((int(m.group(1)), p.name) for p in obj.iterdir()
                              if p.is_dir() and (m := VERSION_RE.fullmatch(p.name)))
            if not numbered:
                return actions
            k, name = numbered[-1]
            if self._known_consistent(object_id, name):
                return actions
            key = self._identity(object_id)
            root = root_inv, root_data, root_problems = load_inventory(obj)
            root_head = None
            if root_inv is not None and not root_problems:
                root_head = int(root_inv["head"][1:])
            v_inv, v_data, v_problems = _head_inventory(obj, name, root)
            v_ok = (v_inv is not None and not v_problems and v_inv["head"] == name
                    and v_inv["id"] == object_id)
            if v_ok and root_head == k and root_data == v_data:
                if key is not None and self._identity(object_id) == key and declaration(obj) == "1.1":
                    # checked just now: keep its reader (the next begin() or reader() need not parse it again)
                    digest = hashlib.new(root_inv["digestAlgorithm"], root_data).hexdigest()
                    self._readers[object_id] = (key, ObjectReader(obj, inventory=root_inv, digest=digest))
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
            inventory.write_bytes(work / "inventory.json", data)
            inventory.write_bytes(work / side, (obj / name / side).read_bytes())
            fsync_dir(work)
            os.rename(work / "inventory.json", obj / "inventory.json")
            os.rename(work / side, obj / side)  # sidecar last
            fsync_dir(obj)
        finally:
            shutil.rmtree(work.parent, ignore_errors=True)

    def verify(self, object_id: str) -> list[Problem]:
        """Fixity of one object against a consistent view (``verify.verify_object``), taking no lock:
        what a commit in flight could explain is looked at again once the object's lock is free."""
        obj = self.object_path(object_id)
        if not obj.is_dir():
            raise ArchiveError(f"存档中没有对象 {object_id}（{obj}）。请检查客户编号。")
        return verify_object(obj, busy=lambda: self.committing(object_id))


def _head_inventory(obj: Path, name: str, root: tuple) -> tuple:
    """``load_inventory`` of the version directory ``name``: the root's own result when its inventory and
    sidecar hold the root's bytes (a consistent object: parsed and checked once), else read afresh."""
    inv, data, _problems = root
    algorithm = inv.get("digestAlgorithm") if inv is not None else None
    if data is not None and algorithm in inventory._ALGORITHMS:
        side = f"inventory.json.{algorithm}"
        try:
            if ((obj / name / "inventory.json").read_bytes() == data
                    and (obj / name / side).read_bytes() == (obj / side).read_bytes()):
                return root
        except OSError:  # missing or unreadable: load_inventory says which
            pass
    return load_inventory(obj / name)
