"""Pull a client's dossier out of the archive as a BagIt 1.0 bag (RFC 8493): a folder or a .zip.

The payload (``data/``) is the logical state of one OCFL version, byte for byte, under its readable
logical paths. ``manifest-sha512.txt`` carries the digests of the OCFL inventory (never recomputed
from the copies); every byte copied is still streamed through SHA-512 and compared with them, so a
damaged stored file stops the pull, naming it. The bag is built in a hidden sibling of the
destination and renamed into place at the end: a destination that exists is complete.

Tag files besides the required ones: ``archive-index.txt``, a plain index of the version (序号,
逻辑路径, 来源, 版本, 页数, SHA-512 前 16 位) so a pulled dossier explains itself; it is a tag file,
not payload, because the payload must equal the archive state.

Path encoding: RFC 8493 asks for CR, LF and "%" in manifest paths to be percent-encoded. Logical
paths never hold CR or LF (``naming.safe_segment``); "%" is written as is, like bagit-python,
bagit-java and every other known implementation do (bagit-python issue #157) — encoding it would
make bagit-python reject the bag.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

from dossier.archive import (
    DOCUMENTS,
    DOSSIER_JSON,
    EXTRACTED,
    NOTES,
    REPORTS,
    Archive,
    accesslog,
    extracted_path,
    ocfl,
)
from dossier.archive.ocfl import fsync_dir
from dossier.errors import ArchiveError, ClientNotFound, UsageError
from dossier.models import Progress

BAGIT_VERSION = "1.0"
INDEX_FILE = "archive-index.txt"
CHUNK = 1 << 20
# Formats that are compressed already: stored as is in a zip (deflating them wastes time for nothing).
STORED_SUFFIXES = frozenset({
    ".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff", ".jp2",
    ".zip", ".7z", ".rar", ".gz", ".bz2", ".xz", ".docx", ".xlsx", ".pptx", ".mp3", ".mp4", ".mov",
})


@dataclass(frozen=True)
class PullResult:
    path: Path  # the bag folder or .zip, absolute
    format: str  # "folder" | "zip"
    client: str
    name: str
    credit_code: str | None
    version: str
    version_created: str  # as stored in the inventory (UTC, ISO 8601)
    files: int  # payload files
    bytes: int  # payload bytes
    log_entry: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"path": str(self.path), "format": self.format, "client": self.client, "name": self.name,
                "credit_code": self.credit_code, "version": self.version,
                "version_created": self.version_created, "files": self.files, "bytes": self.bytes}


@dataclass(frozen=True)
class _Item:
    logical: str
    digest: str  # lowercase hex, from the inventory
    source: Path  # content file in the object
    size: int


# --- choosing the version --------------------------------------------------

def parse_created(value: str) -> datetime | None:
    """An inventory ``created`` value as an aware datetime (naive values are taken as UTC)."""
    try:
        when = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def pick_version(reader: ocfl.ObjectReader, version: str | None = None,
                 as_of: date | datetime | None = None) -> ocfl.Version:
    """The version asked for: by name, or the last one created at or before ``as_of``.

    A ``date`` means the end of that day in the machine's local time zone; a naive ``datetime`` is
    local time too. Versions store their creation time in UTC.
    """
    if version is not None and as_of is not None:
        raise UsageError("--version 和 --as-of 只能指定其中一个。")
    if as_of is None:
        try:
            return reader.version(version)
        except ArchiveError as e:  # no such version: the user's request, not the archive, is wrong
            raise UsageError(e.message + "（版本列表见 `dossier history`）") from None
    if isinstance(as_of, datetime):
        cutoff = as_of if as_of.tzinfo else as_of.astimezone()
        inclusive, shown = True, _local(cutoff)
    else:
        cutoff = datetime.combine(as_of + timedelta(days=1), time.min).astimezone()
        inclusive, shown = False, f"{as_of.isoformat()} 当天结束时（本机时区 {cutoff.strftime('%z')}）"
    chosen = None
    for ver in reader.versions():
        created = parse_created(ver.created)
        if created is None:
            raise ArchiveError(f"对象 {reader.id} 的版本 {ver.name} 的创建时间“{ver.created}”无法解析，"
                               f"无法按日期选择版本。请改用 --version 指定版本（清单：{reader.path / 'inventory.json'}）。")
        if (created <= cutoff) if inclusive else (created < cutoff):
            chosen = ver  # versions are in order: the last match is the highest number
    if chosen is None:
        first = reader.versions()[0]
        first_at = parse_created(first.created)
        raise UsageError(f"客户 {reader.id} 在 {shown}之前没有任何版本：最早的版本 {first.name} "
                         f"创建于 {_local(first_at) if first_at else first.created}。"
                         "请换一个更晚的日期，或用 --version 指定版本（版本列表见 `dossier history`）。")
    return chosen


# --- the bag's text files --------------------------------------------------

def _json_or_empty(reader: ocfl.ObjectReader, digest: str | None) -> dict:
    """Best-effort metadata for the index; damage is reported by the verifying copy instead."""
    if digest is None:
        return {}
    try:
        data = json.loads(reader.content_path(digest).read_bytes())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError, ArchiveError):
        return {}


def _first_versions(versions: list[ocfl.Version], upto: ocfl.Version) -> dict[str, str]:
    """For each path of ``upto``: the version where its current content first appeared there.

    Same answer as ``ObjectReader.first_version_of``, in one pass over the versions (that method
    rebuilds a version's state on every call, quadratic over a whole dossier).
    """
    first: dict[str, str] = {}
    for logical, digest in upto.state.items():
        found = upto.name
        for ver in reversed(versions[: upto.number - 1]):
            previous = ver.state.get(logical)
            if previous is None or previous.lower() != digest.lower():
                break
            found = ver.name
        first[logical] = found
    return first


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _tag_text(pairs: Iterable[tuple[str, str]]) -> bytes:
    return "".join(f"{k}: {_one_line(v)}\n" for k, v in pairs).encode("utf-8")


def _manifest_line(digest: str, rel: str) -> str:
    return f"{digest} {rel.replace(chr(13), '%0D').replace(chr(10), '%0A')}\n"


def _software() -> str:
    try:
        from importlib.metadata import version as dist_version
        return f"dossier {dist_version('dossier')}"
    except Exception:
        return "dossier"


def _describe(logical: str, meta_of: dict[str, dict]) -> tuple[str, str]:
    """(来源, 页数) for the index."""
    if logical.startswith(DOCUMENTS):
        info = meta_of.get(logical, {})
        pages = info.get("pages")
        return info.get("source") or "（未记录）", str(pages) if pages is not None else "—"
    if logical.startswith(EXTRACTED):
        return "程序读取结果（文本层、类型、字段）", "—"
    if logical == DOSSIER_JSON:
        return "客户信息", "—"
    if logical.startswith(REPORTS):
        return "生成的报告", "—"
    if logical.startswith(NOTES):
        return "修订说明", "—"
    return "—", "—"


def _index_text(reader: ocfl.ObjectReader, ver: ocfl.Version, versions: list[ocfl.Version], meta: dict,
                items: list[_Item], total: int) -> bytes:
    meta_of = {p: _json_or_empty(reader, ver.state.get(extracted_path(p)))
               for p in ver.state if p.startswith(DOCUMENTS)}
    first_of = _first_versions(versions, ver)
    created = parse_created(ver.created)
    lines = [
        "档案目录（archive index）",
        f"客户档案编号：{reader.id}",
        f"公司名称：{_one_line(meta.get('name') or reader.id)}",
        f"统一社会信用代码：{meta.get('credit_code') or '未识别'}",
        f"版本：{ver.name}，创建于 {ver.created}（本地时间 {_local(created) if created else '未知'}），"
        f"操作人 {_one_line(ver.user_name or '未记录')}，说明：{_one_line(ver.message or '无')}",
        f"文件：{len(items)} 个，共 {total} 字节",
        "data/ 中的文件与档案库中该版本的逻辑内容逐字节相同；完整的 SHA-512 见 manifest-sha512.txt。",
        "“版本”列是该文件当前内容首次出现的版本。",
        "",
        "序号\t逻辑路径\t来源\t版本\t页数\tSHA-512 前 16 位",
    ]
    for n, item in enumerate(items, 1):
        source, pages = _describe(item.logical, meta_of)
        lines.append(f"{n}\t{item.logical}\t{_one_line(source)}\t{first_of[item.logical]}\t{pages}"
                     f"\t{item.digest[:16]}")
    lines += ["", "版本历史（至本版本）", "版本\t创建时间（UTC）\t操作人\t说明"]
    for v in versions[: ver.number]:
        lines.append(f"{v.name}\t{v.created}\t{_one_line(v.user_name or '')}\t{_one_line(v.message or '')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tag_files(reader: ocfl.ObjectReader, ver: ocfl.Version, versions: list[ocfl.Version], meta: dict,
               items: list[_Item], user: str) -> list[tuple[str, bytes]]:
    total = sum(i.size for i in items)
    name = _one_line(meta.get("name") or reader.id)
    info = [
        ("Source-Organization", f"dossier 档案库（主机 {socket.gethostname() or 'localhost'}）"),
        ("Contact-Name", user),
        ("External-Identifier", reader.id),
        ("External-Description", f"{name} 客户档案，版本 {ver.name}（{ver.created}）"),
        ("Internal-Sender-Identifier", f"{reader.id}/{ver.name}"),
        ("Internal-Sender-Description", f"OCFL 对象 {reader.path}"),
        ("Dossier-Company-Name", name),
        ("Dossier-Credit-Code", meta.get("credit_code") or ""),
        ("Dossier-Version", ver.name),
        ("Dossier-Version-Date", ver.created),
        ("Dossier-Version-Message", ver.message or ""),
        ("Bagging-Date", date.today().isoformat()),
        ("Bag-Software-Agent", _software()),
        ("Bag-Size", _human_size(total)),
        ("Payload-Oxum", f"{total}.{len(items)}"),
    ]
    bagit_txt = f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode("ascii")
    manifest = "".join(_manifest_line(i.digest, "data/" + i.logical) for i in items).encode("utf-8")
    tags = [("bagit.txt", bagit_txt), ("bag-info.txt", _tag_text(info)),
            (INDEX_FILE, _index_text(reader, ver, versions, meta, items, total)),
            ("manifest-sha512.txt", manifest)]
    tagmanifest = "".join(_manifest_line(hashlib.sha512(data).hexdigest(), rel) for rel, data in tags)
    return tags + [("tagmanifest-sha512.txt", tagmanifest.encode("utf-8"))]


# --- copying ---------------------------------------------------------------

def _rel(reader: ocfl.ObjectReader, item: _Item) -> str:
    return item.source.relative_to(reader.path).as_posix()


def _stream_verified(reader: ocfl.ObjectReader, item: _Item, version: str, write: Callable[[bytes], object]) -> None:
    """Copy one stored file through SHA-512; read problems become ArchiveError naming the file.

    Errors raised by ``write`` (the destination) propagate unchanged.
    """
    digest = hashlib.sha512()
    where = f"客户 {reader.id} 版本 {version} 的文件“{item.logical}”（存储位置 {item.source}）"
    try:
        fin = open(item.source, "rb")
    except FileNotFoundError:
        raise ArchiveError(f"档案库中缺少{where}，导出已中止，未生成任何文件。"
                           f"请运行 `dossier verify {reader.id}` 检查，并从备份恢复 {_rel(reader, item)}。") from None
    except OSError as e:
        raise ArchiveError(f"无法打开{where}（{e.strerror}），导出已中止，未生成任何文件。"
                           "请检查档案库的磁盘和权限。") from None
    with fin:
        while True:
            try:
                chunk = fin.read(CHUNK)
            except OSError as e:
                raise ArchiveError(f"读取{where}时出错（{e.strerror}），导出已中止，未生成任何文件。"
                                   f"请检查磁盘，或从备份恢复 {_rel(reader, item)}。") from None
            if not chunk:
                break
            digest.update(chunk)
            write(chunk)
    if digest.hexdigest() != item.digest:
        raise ArchiveError(f"{where}已损坏：内容与清单中的 SHA-512 不符。导出已中止，未生成任何文件。"
                           f"请运行 `dossier verify {reader.id}` 查看全部损坏，并从备份恢复 {_rel(reader, item)}。")


def _write_folder(tmp: Path, reader: ocfl.ObjectReader, version: str, tags: list[tuple[str, bytes]],
                  items: list[_Item], step: Callable[[str], None]) -> None:
    tmp.mkdir()
    (tmp / "data").mkdir()
    dirs = {tmp, tmp / "data"}
    for rel, data in tags:
        with open(tmp / rel, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    for item in items:
        step(item.logical)
        target = tmp / "data" / item.logical
        if target.parent not in dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            parent = target.parent
            while parent not in dirs:
                dirs.add(parent)
                parent = parent.parent
        with open(target, "xb") as fout:
            _stream_verified(reader, item, version, fout.write)
            fout.flush()
            os.fsync(fout.fileno())
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        fsync_dir(d)


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    when = parse_created(created)
    local = when.astimezone() if when else datetime(1980, 1, 1)
    return max(local.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _zip_info(name: str, stamp: tuple, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = (zipfile.ZIP_STORED if os.path.splitext(name)[1].lower() in STORED_SUFFIXES
                          else zipfile.ZIP_DEFLATED)
    info.external_attr = 0o644 << 16
    info.file_size = size  # lets zipfile choose ZIP64 headers up front for files over 2 GiB
    return info


def _write_zip(tmp: Path, top: str, reader: ocfl.ObjectReader, ver: ocfl.Version,
               tags: list[tuple[str, bytes]], items: list[_Item], step: Callable[[str], None]) -> None:
    """One top-level folder named like the zip; tag files first, then the payload in path order."""
    stamp = _zip_time(ver.created)
    with open(tmp, "xb") as raw:
        with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for rel, data in tags:
                zf.writestr(_zip_info(f"{top}/{rel}", stamp, len(data)), data)
            if not items:  # keep data/ in an empty bag: it is required
                zf.writestr(_zip_info(f"{top}/data/", stamp, 0), b"")
            for item in items:
                step(item.logical)
                with zf.open(_zip_info(f"{top}/data/{item.logical}", stamp, item.size), "w") as dst:
                    _stream_verified(reader, item, ver.name, dst.write)
        raw.flush()
        os.fsync(raw.fileno())


# --- destination -----------------------------------------------------------

def _check_destination(out: Path, archive: Archive) -> None:
    root = archive.config.archive.resolve()
    state = archive.config.state_dir.resolve()
    real = out.resolve()  # through symbolic links
    for inside in (root, state):
        if real == inside or inside in real.parents:
            raise UsageError(f"导出位置 {out} 位于档案库或其工作目录 {inside} 之内，这会破坏档案库。"
                             "请换一个档案库以外的位置（如 U 盘或共享文件夹）。")
    if out.is_symlink() or (out.exists() and not out.is_dir() and not out.is_file()):
        raise UsageError(f"导出位置 {out} 已存在且不是普通文件夹或文件。请换一个新的位置。")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"导出位置 {out} 已存在且不是空文件夹，为避免覆盖已有文件，导出已取消。"
                         "请换一个新的文件夹名，或先移走其中的文件。")
    if out.is_file() and out.stat().st_size > 0:
        raise UsageError(f"导出位置 {out} 已存在且不是空文件，为避免覆盖，导出已取消。请换一个新的文件名。")
    if out.suffix.lower() == ".zip" and out.is_dir():
        raise UsageError(f"导出位置 {out} 是一个文件夹，不能写成 zip 文件。请换一个文件名。")
    if out.suffix.lower() != ".zip" and out.is_file():
        raise UsageError(f"导出位置 {out} 是一个文件。导出为文件夹请给出新的文件夹名，导出为 zip 请以 .zip 结尾。")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# --- the entry point -------------------------------------------------------

def pull(archive: Archive, client: str, out: Path, version: str | None = None,
         as_of: date | datetime | None = None, *, user: str,
         progress: Callable[[Progress], None] | None = None, catalog=None,
         context: dict | None = None) -> PullResult:
    """Write ``client``'s dossier at one version to ``out`` as a BagIt bag and log the pull.

    ``out`` ending in ``.zip`` gives a zip file, anything else a folder. Raises UsageError for a bad
    request (existing destination, no such version/date) and ArchiveError when a stored file is
    missing or damaged; nothing is left at ``out`` or beside it then. The pull is appended to the
    object's ``logs/access.jsonl`` (and to ``catalog``'s cache when given); ``context`` adds to that
    entry where the request came from (the web workplace: ``via``, ``address``).
    """
    if not archive.exists(client):
        raise ClientNotFound(f"档案库中没有客户 {client}。请用 `dossier list` 查看现有客户。")
    out = Path(os.path.abspath(Path(out).expanduser()))
    as_zip = out.suffix.lower() == ".zip"
    _check_destination(out, archive)
    reader = archive.store.reader(client)
    ver = pick_version(reader, version, as_of)
    meta = _json_or_empty(reader, ver.state.get(DOSSIER_JSON))
    items = []
    for logical in sorted(ver.state):
        src = reader.content_path(ver.state[logical])
        try:
            size = src.stat().st_size
        except OSError:
            size = 0  # reported by the verifying copy, with the file's name
        items.append(_Item(logical, ver.state[logical].lower(), src, size))
    tags = _tag_files(reader, ver, reader.versions(), meta, items, user)
    counter = Progress(total=len(items))

    def step(current: str) -> None:
        counter.current = current
        if progress:
            progress(counter)
        counter.done += 1

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"无法创建导出位置的上级文件夹 {out.parent}（{e.strerror}）。请检查路径和权限。") from None
    tmp = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:12]}"
    try:
        if as_zip:
            _write_zip(tmp, out.stem, reader, ver, tags, items, step)
        else:
            _write_folder(tmp, reader, ver.name, tags, items, step)
        os.rename(tmp, out)  # replaces only an empty folder or file (checked above)
    except ArchiveError:
        _remove(tmp)
        raise
    except OSError as e:
        _remove(tmp)
        raise ArchiveError(f"写入导出位置 {out} 失败（{e.strerror or e}），导出已中止，未留下任何文件。"
                           "请检查目标磁盘的空间和权限后重试。") from None
    except BaseException:
        _remove(tmp)
        raise
    try:
        fsync_dir(out.parent)  # make the rename durable
    except OSError as e:
        _remove(out)
        raise ArchiveError(f"写入导出位置 {out} 失败（{e.strerror or e}），导出已撤销。请检查目标磁盘后重试。") from None
    total = sum(i.size for i in items)
    entry = accesslog.pull_entry(client=client, version=ver.name, version_created=ver.created,
                                 destination=str(out), fmt="zip" if as_zip else "folder",
                                 files=len(items), size=total, user=user,
                                 as_of=as_of.isoformat() if as_of is not None else None)
    entry.update({k: v for k, v in (context or {}).items() if k not in entry})
    try:
        accesslog.record(archive, entry, catalog=catalog)
    except BaseException:
        _remove(out)  # an unrecorded pull is not allowed to exist
        raise
    return PullResult(path=out, format="zip" if as_zip else "folder", client=client,
                      name=meta.get("name") or client, credit_code=meta.get("credit_code"),
                      version=ver.name, version_created=ver.created, files=len(items), bytes=total,
                      log_entry=entry)


__all__ = ["PullResult", "pick_version", "pull", "parse_created", "INDEX_FILE"]
