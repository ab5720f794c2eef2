"""Stage one new version of an object in private staging; commit by rename (crash-safe)."""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import shutil
import uuid
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dossier.errors import ArchiveError

from . import inventory
from .inventory import (
    DIGEST_ALGORITHM,
    INVENTORY_TYPE,
    OBJECT_DECLARATION,
    SIDECAR,
    check_logical,
    fsync_dir,
    fsync_tree,
    inventory_bytes,
    sidecar_bytes,
    utc_timestamp,
)
from .reader import ObjectReader

if TYPE_CHECKING:  # pragma: no cover
    from .store import StorageRoot
log = logging.getLogger(__name__)

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
        #: after commit(): a reader of the new head, built from the inventory just written
        self.committed: ObjectReader | None = None

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
        check_logical(logical)
        self._check_conflict(logical)
        if not hasattr(src, "read") and not Path(src).is_file():
            raise ArchiveError(f"源文件 {src} 不存在或不是普通文件，无法加入对象 {self.object_id}。请检查文件路径。")
        staged = self._work / "incoming" / uuid.uuid4().hex
        try:
            digest, _size = inventory.copy_and_hash(src, staged)
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
        check_logical(new)
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

    @property
    def base(self) -> ObjectReader | None:
        """The reader of the head this version is built on (None for a new object)."""
        return self._reader

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
        self.committed = self._store.remember(self.object_id, inv, self._inventory_digest, self._reader)
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
            # Versions are immutable and manifest entries are never rewritten: a copy of the two
            # mappings is enough (a deep copy costs as much as the whole history).
            old = self._reader.inventory
            inv = {**old, "manifest": dict(old["manifest"]), "versions": dict(old["versions"])}
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
        inv["versions"][name] = {"created": utc_timestamp(created), "message": message,
                                 "user": user, "state": state}
        return inv

    def _build(self, obj: Path, name: str, data: bytes) -> None:
        """Place staged content and write vN/inventory.json + sidecar under ``obj``."""
        for digest, content in self._placements.items():
            target = obj / content
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self._staged[digest], target)
        (obj / name).mkdir(parents=True, exist_ok=True)
        inventory.write_bytes(obj / name / "inventory.json", data)
        inventory.write_bytes(obj / name / SIDECAR, sidecar_bytes(data, self._inventory_digest))

    def _commit_new(self, name: str, inv: dict) -> None:
        data = inventory_bytes(inv)
        self._inventory_digest = hashlib.sha512(data).hexdigest()
        obj = self._work / "object"
        self._build(obj, name, data)
        inventory.write_bytes(obj / "inventory.json", data)
        inventory.write_bytes(obj / SIDECAR, sidecar_bytes(data, self._inventory_digest))
        inventory.write_bytes(obj / OBJECT_DECLARATION, b"ocfl_object_1.1\n")
        fsync_tree(obj)
        target = self._store.object_path(self.object_id)
        if target.exists():
            raise ArchiveError(f"对象目录 {target} 已存在，无法新建对象 {self.object_id}。请运行 recover 后重试。")
        os.rename(obj, target)
        fsync_dir(target.parent)

    def _commit_update(self, name: str, inv: dict) -> None:
        data = inventory_bytes(inv)
        self._inventory_digest = hashlib.sha512(data).hexdigest()
        obj = self._store.object_path(self.object_id)
        self._build(self._work, name, data)
        inventory.write_bytes(self._work / "new-inventory", data)
        inventory.write_bytes(self._work / "new-sidecar", sidecar_bytes(data, self._inventory_digest))
        for old in ("inventory.json", SIDECAR):  # kept for rollback; a hard link writes no data
            try:
                os.link(obj / old, self._work / f"old-{old}")
            except OSError:
                inventory.write_bytes(self._work / f"old-{old}", (obj / old).read_bytes())
        fsync_tree(self._work)
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
