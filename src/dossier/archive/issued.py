"""Issued reports and amendments (rules 第十九条: 不得在原稿上作原则性更改，如需更改应另附说明).

Pure helpers for ``Archive.issue_report``, ``Archive.amend_report`` and the reports of every version:
what stays frozen, when an update copy is made, and what an amendment must be.

dossier.json keeps, per issued report path::

    "issued": {"reports/完整性核查表.docx": {
        "sha512": ..., "issued_at": ..., "issued_by": ...,
        "content": <fingerprint of the values it shows, or null when unknown>,
        "updates": [{"path": "reports/完整性核查表（签发后更新1）.docx", "version": "v7",
                     "sha512": ..., "content": ...}, ...]}}
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

from dossier.archive import ocfl
from dossier.archive.records import NOTES, REPORTS, iso_utc
from dossier.errors import AmendmentRefused
from dossier.naming import name_key, unique_name

#: An update copy of an issued report: ``reports/<name>（签发后更新N）.docx``, N = 1, 2, ...
UPDATE_COPY = "（签发后更新{n}）"
#: The parts every Word .docx (an Office Open XML WordprocessingML package) holds.
WORD_PARTS = ("[Content_Types].xml", "word/document.xml")


def place_reports(builder: ocfl.VersionBuilder, meta: dict, derived: dict[str, bytes], issuing: str | None) -> bool:
    """Put the fresh reports ``derived`` into the version being built. Returns whether ``meta`` changed.

    A report not issued is a draft, regenerated in every version. An issued report and its update
    copies are never written again: when what the report says changed since the last of them, the
    fresh render becomes a new file ``…（签发后更新N）.docx``, recorded under the report's ``updates``.
    Issuing a report changes nothing it says: the version that issues it (``issuing``) makes no copy.
    """
    issued = meta.get("issued") or {}
    taken: set[str] | None = None
    changed = False
    for path, data in derived.items():
        entry = issued.get(path)
        if entry is None:
            builder.add_bytes(path, data)
            continue
        if path == issuing or says_the_same(data, (entry.get("updates") or [entry])[-1]):
            continue
        updates = entry.setdefault("updates", [])
        if taken is None:
            taken = {name_key(p) for p in builder.state}
        stem, dot, ext = path.rpartition(".")
        copy = unique_name(f"{stem}{UPDATE_COPY.format(n=len(updates) + 1)}{dot}{ext}", taken)
        taken.add(name_key(copy))
        digest = builder.add_bytes(copy, data)
        updates.append({"path": copy, "version": builder.version_name, "sha512": digest.lower(),
                        "content": getattr(data, "content", None)})
        changed = True
    return changed


def says_the_same(data: bytes, last: dict) -> bool:
    """Whether a fresh render says what the last issued file (or update copy) ``last`` says.

    Both fingerprints known: they are compared (the values shown, the version header aside, so the
    template's styling and the versions of docxtpl and python-docx do not matter). Otherwise the bytes
    are: a fresh render then always differs (its version header), and the copy it makes has a
    fingerprint that later versions compare with.
    """
    content = getattr(data, "content", None)
    if content is not None and last.get("content"):
        return content == last["content"]
    return hashlib.sha512(data).hexdigest() == str(last.get("sha512", "")).lower()


def word_document_problem(data: bytes) -> str | None:
    """Why ``data`` is not a Word .docx (in Chinese), or None when it is one: a zip holding WORD_PARTS.
    The file's name is never trusted."""
    if not data:
        return "文件是空的"
    if not data.startswith(b"PK"):
        return "文件内容不是 Word 格式（可能是改了扩展名的 CSV、PDF、旧版 .doc 或文本文件）"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "文件是损坏的或不完整的压缩包（可能没有复制完整）"
    missing = [part for part in WORD_PARTS if part not in names]
    if missing:
        return f"压缩包中缺少 Word 文档必需的 {'、'.join(missing)}（可能是 Excel、PowerPoint 或其他压缩文件）"
    return None


def read_amendment(new_file: Path, path: str, meta: dict) -> tuple[bytes, str]:
    """The bytes and SHA-512 of an amendment of the issued report ``path``, read once (what is checked is
    what is stored). Raises AmendmentRefused for a file that cannot be read, is not a Word .docx, or is
    byte-identical to the issued report or to one of its earlier amendments."""
    try:
        data = new_file.read_bytes()
    except OSError as exc:
        raise AmendmentRefused(f"修订文件 {new_file} 无法读取（{exc.strerror or exc}）。"
                               "请检查文件权限，或先把文件复制到本机再提交。") from exc
    problem = word_document_problem(data)
    if problem:
        raise AmendmentRefused(f"修订文件 {new_file} 不是 Word 文档（.docx）：{problem}。扩展名不能说明文件格式；"
                               "请在 Word 或 WPS 中打开修订稿，用“另存为 → Word 文档（*.docx）”保存后再提交。")
    digest = hashlib.sha512(data).hexdigest()
    if digest == meta["issued"][path]["sha512"].lower():
        raise AmendmentRefused(f"修订文件 {new_file} 与已签发的原报告 {path} 完全相同（逐字节一致），没有任何修改，"
                               "未形成修订。请提交改过的修订稿；如果原报告无需更改，则不必修订。")
    same = next((a for a in meta.get("amendments") or []
                 if a["original"] == path and a["sha512"].lower() == digest), None)
    if same is not None:
        raise AmendmentRefused(f"修订文件 {new_file} 与 {same['at']} 已保存的修订稿 {same['amended']} 完全相同，"
                               "未重复保存。如需再次修订，请提交改过的文件。")
    return data, digest


def store_amendment(builder: ocfl.VersionBuilder, meta: dict, client: str, path: str, new_file: Path, note: str,
                    operator: str, now: datetime) -> tuple[str, str]:
    """Add an amendment of the issued report ``path`` (``reports/<name>_修订N.docx``) and its note
    (``notes/<date>_<name>_修订N说明.txt``) to the version being built, recorded under ``amendments``
    in ``meta``. Returns (amended path, note path). Raises AmendmentRefused (see ``read_amendment``)."""
    data, digest = read_amendment(new_file, path, meta)
    issued = meta["issued"][path]
    amendments = meta.setdefault("amendments", [])
    number = 1 + sum(1 for a in amendments if a["original"] == path)
    stem, dot, ext = path[len(REPORTS):].rpartition(".")
    amended = unique_name(f"{REPORTS}{stem}_修订{number}{dot}{ext}", {name_key(p) for p in builder.state})
    builder.add_bytes(amended, data)
    note_path = unique_name(f"{NOTES}{now:%Y%m%d}_{stem}_修订{number}说明.txt", {name_key(p) for p in builder.state})
    builder.add_bytes(note_path, (
        f"修订说明\n"
        f"客户：{meta.get('name') or client}（{client}）\n"
        f"原报告：{path}（{issued['issued_at']} 由 {issued['issued_by']} 签发，原件保持不变）\n"
        f"原报告 SHA-512：{issued['sha512']}\n"
        f"修订文件：{amended}\n"
        f"修订文件 SHA-512：{digest}\n"
        f"修订人：{operator}\n"
        f"时间：{iso_utc(now)}\n"
        f"修改内容及原因：\n{note}\n"
    ).encode("utf-8"))
    amendments.append({"original": path, "amended": amended, "note": note_path, "sha512": digest,
                       "by": operator, "at": iso_utc(now), "reason": note})
    return amended, note_path
