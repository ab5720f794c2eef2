"""OCFL constants, durable-file helpers, and inventory loading and checking."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import math
import os
import re
import unicodedata
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from dossier.errors import ArchiveError

log = logging.getLogger(__name__)


DIGEST_ALGORITHM = "sha512"
INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
OBJECT_DECLARATION = "0=ocfl_object_1.1"
ROOT_DECLARATION = "0=ocfl_1.1"
LAYOUT_EXTENSION = "0002-flat-direct-storage-layout"
SIDECAR = "inventory.json." + DIGEST_ALGORITHM
CHUNK_SIZE = 1 << 20
_ALGORITHMS = ("sha512", "sha256")  # the only values allowed for digestAlgorithm
VERSION_RE = re.compile(r"v(\d+)")
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


def write_bytes(path: Path, data: bytes) -> None:
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


def fsync_tree(top: Path) -> None:
    """fsync every directory below and including ``top`` (files are fsynced on write)."""
    for dirpath, _dirs, _files in os.walk(top, topdown=False):
        fsync_dir(Path(dirpath))


def file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def json_bytes(value: dict) -> bytes:
    """Canonical form of the small JSON files we write (the root's layout config)."""
    return (canonical_json(value) + "\n").encode("utf-8")


def inventory_bytes(inv: dict) -> bytes:
    """The text of an inventory we write: keys sorted, one entry per line, no indentation.

    The standard library encodes this with its C encoder; with ``indent`` it falls back to pure Python.
    An inventory holds one entry per file and version (2.6 MB indented for a dossier of 2,000 documents in
    two versions), so indenting cost four times as long as this and made the file 70% larger. One entry per
    line keeps it readable, greppable and diffable. Any JSON is valid OCFL; inventories written before
    (indented) are read alike, and each version's copy keeps the bytes it was written with.
    """
    return (json.dumps(inv, ensure_ascii=False, sort_keys=True, separators=(",\n", ": ")) + "\n").encode("utf-8")


def canonical_json(value) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)``, the same text, faster.

    With ``indent`` the standard library falls back to its pure-Python encoder; an inventory holds
    one entry per file and version, so that cost grew with the object. Strings, dicts with string
    keys and lists of strings (almost all of an inventory) are written here with the C string
    encoder; anything else goes to ``json.dumps`` itself.
    """
    out: list[str] = []
    _canonical(value, "\n", out)
    return "".join(out)


_encode_str = json.encoder.encode_basestring  # the C version when available, as json.dumps uses


def _canonical(value, newline: str, out: list[str]) -> None:
    if type(value) is str:
        out.append(_encode_str(value))
    elif type(value) is dict and all(type(k) is str for k in value):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        deeper = "," + inner + "  "
        parts = []
        for key, item in sorted(value.items()):
            kind = type(item)
            if kind is str:
                parts.append(_encode_str(key) + ": " + _encode_str(item))
            elif item is None:
                parts.append(_encode_str(key) + ": null")
            elif kind is int:
                parts.append(_encode_str(key) + ": " + int.__repr__(item))
            elif kind is bool:
                parts.append(_encode_str(key) + (": true" if item else ": false"))
            elif (kind is list and item and type(item[0]) is str
                  and (paths := _strings(item, deeper)) is not None):  # a digest: [paths]
                parts.append(_encode_str(key) + ": [" + deeper[1:] + paths + inner + "]")
            else:
                sub = [_encode_str(key), ": "]
                _canonical(item, inner, sub)
                parts.append("".join(sub))
        out.append("{" + inner + ("," + inner).join(parts) + newline + "}")
    elif type(value) is list:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        if all(type(v) is str for v in value):
            out.append("[" + inner + ("," + inner).join(map(_encode_str, value)) + newline + "]")
            return
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _canonical(item, inner, out)
            sep = "," + inner
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif type(value) is int:
        out.append(int.__repr__(value))
    elif type(value) is float and math.isfinite(value):
        out.append(float.__repr__(value))
    else:  # NaN, tuples, subclasses, exotic keys: exactly what json.dumps writes
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
        out.append(text.replace("\n", newline) if "\n" in text else text)


def _strings(items: list, separator: str) -> str | None:
    """The items encoded and joined, when every one is a string (the C encoder refuses anything else,
    and encodes a str subclass as json.dumps does); None otherwise."""
    try:
        return separator.join(map(_encode_str, items))
    except TypeError:
        return None


def sidecar_bytes(data: bytes, digest: str | None = None) -> bytes:
    """The sidecar of an inventory; ``digest``: its SHA-512 when already known."""
    return f"{digest or hashlib.sha512(data).hexdigest()} inventory.json\n".encode("ascii")


def utc_timestamp(created: datetime | None) -> str:
    when = created or datetime.now(timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # naive = local time


#: A path with an empty, "." or ".." segment (which includes a leading or trailing "/"), or a NUL.
_BAD_PATH = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\x00")


def path_error(path: str) -> str | None:
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


def check_logical(logical: str) -> None:
    problem = path_error(logical)
    if problem is None and not unicodedata.is_normalized("NFC", logical):
        problem = "文件名不是 NFC 规范形式"
    if problem is None and any(len(s.encode("utf-8")) > 255 for s in logical.split("/")):
        problem = "某一段文件名超过 255 字节"
    if problem:
        raise ArchiveError(f"逻辑路径 {logical!r} 无效：{problem}。请改用以“/”分隔的相对路径。")


def check_object_id(object_id: str) -> None:
    bad = (not isinstance(object_id, str) or object_id in ("", ".", "..", "extensions")
           or object_id.startswith(".") or any(c in object_id for c in "/\\\0")
           or len(object_id.encode("utf-8")) > 250)
    if bad:
        raise ArchiveError(f"对象标识 {object_id!r} 无效：它必须是一个普通目录名（不含“/”“\\”，"
                           "不以“.”开头，不是“extensions”）。请检查客户编号。")


def is_valid_id(name: str) -> bool:
    try:
        check_object_id(name)
    except ArchiveError:
        return False
    return True


def declaration(path: Path) -> str | None:
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

def check_inventory(inv: dict) -> list[str]:
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
    bad = _BAD_PATH.search  # path_error() is None exactly when a string has no match (one C call per path)
    if not isinstance(manifest, dict) or not all(
            type(v) is list and v and all(type(p) is str and bad(p) is None or path_error(p) is None for p in v)
            for v in manifest.values()):
        return errors + ["manifest 格式错误或含无效内容路径"]
    if not isinstance(versions, dict) or not versions:
        return errors + ["versions 为空或格式错误"]
    names = list(versions)
    if not all(VERSION_RE.fullmatch(n) for n in names):
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


def load_inventory(directory: Path) -> tuple[dict | None, bytes | None, list[tuple[str, str, str]]]:
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
    problems = [("inventory.json", "inventory", p) for p in check_inventory(inv)]
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
