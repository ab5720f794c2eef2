"""The client archive: one OCFL object per client, with dossier semantics on top of ``ocfl``.

Inside an object (design section 3):
  documents/<name>          originals, byte for byte as dropped
  extracted/<name>.json     what the read stage learnt (source, media type, pages, text, fields)
  dossier.json              client id, name, credit code, inbox folders, case data
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import ocfl
from .config import Config
from .errors import ClientNotFound, UsageError
from .models import Incoming, Outcome, Reading
from .naming import client_id_for, name_key, safe_segment, unique_name

DOSSIER_JSON = "dossier.json"
DOCUMENTS = "documents/"
EXTRACTED = "extracted/"
REPORTS = "reports/"
NOTES = "notes/"


def dumps(data: Any) -> bytes:
    """Stable JSON bytes: unchanged data gives identical bytes, so nothing new is stored."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def extracted_path(document_path: str) -> str:
    return EXTRACTED + document_path[len(DOCUMENTS):] + ".json"


@dataclass(frozen=True)
class Document:
    path: str
    source: str
    sha512: str
    media_type: str | None
    pages: int | None
    version: str
    doc_type: str | None
    confidence: float | None
    fields: dict
    text: str = ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "source": self.source,
            "sha512": self.sha512,
            "media_type": self.media_type,
            "pages": self.pages,
            "version": self.version,
            "doc_type": self.doc_type,
            "confidence": self.confidence,
            "fields": self.fields,
        }


@dataclass(frozen=True)
class Snapshot:
    """A client's dossier at one version, as read from the archive alone."""

    client: str
    name: str
    credit_code: str | None
    version: str
    created: str
    meta: dict
    documents: tuple[Document, ...]
    versions: tuple[ocfl.Version, ...] = field(default=(), repr=False)

    def to_json(self) -> dict:
        return {
            "client": self.client,
            "name": self.name,
            "credit_code": self.credit_code,
            "version": self.version,
            "documents": [d.to_json() for d in self.documents],
        }


@dataclass
class Batch:
    """Files of one client to store in one version."""

    items: list[tuple[Incoming, Path, Reading]] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)


class Archive:
    def __init__(self, config: Config):
        self.config = config
        self.store = ocfl.StorageRoot(config.archive, config.staging, config.locks)

    # -- set-up and recovery ---------------------------------------------
    def init(self) -> None:
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        self.store.init()

    def recover(self) -> list[str]:
        if not self.store.is_initialized():
            return []
        return self.store.recover()

    def client_ids(self) -> list[str]:
        if not self.store.is_initialized():
            return []
        return self.store.object_ids()

    def exists(self, client: str) -> bool:
        return self.store.exists(client)

    # -- reading ---------------------------------------------------------
    def meta(self, client: str, version: str | None = None) -> dict:
        reader = self.store.reader(client)
        return self._meta(reader, version)

    @staticmethod
    def _meta(reader: ocfl.ObjectReader, version: str | None) -> dict:
        if DOSSIER_JSON not in reader.state(version):
            return {"client": reader.id, "name": reader.id, "credit_code": None}
        return json.loads(reader.read_bytes(DOSSIER_JSON, version))

    def snapshot(self, client: str, version: str | None = None, with_text: bool = False) -> Snapshot:
        if not self.store.exists(client):
            raise ClientNotFound(f"档案库中没有客户 {client}。用 `dossier show` 前请先确认客户名称或代码。")
        reader = self.store.reader(client)
        ver = reader.version(version)
        meta = self._meta(reader, ver.name)
        docs = []
        for path in sorted(p for p in ver.state if p.startswith(DOCUMENTS)):
            extracted = extracted_path(path)
            info = json.loads(reader.read_bytes(extracted, ver.name)) if extracted in ver.state else {}
            docs.append(
                Document(
                    path=path,
                    source=info.get("source", ""),
                    sha512=ver.state[path],
                    media_type=info.get("media_type"),
                    pages=info.get("pages"),
                    version=reader.first_version_of(path, ver.name),
                    doc_type=info.get("doc_type"),
                    confidence=info.get("confidence"),
                    fields=info.get("fields") or {},
                    text="\n".join(info.get("text") or []) if with_text else "",
                )
            )
        return Snapshot(
            client=reader.id,
            name=meta.get("name") or reader.id,
            credit_code=meta.get("credit_code"),
            version=ver.name,
            created=ver.created,
            meta=meta,
            documents=tuple(docs),
            versions=tuple(reader.versions()),
        )

    # -- writing ---------------------------------------------------------
    def new_client_id(self, folder: str) -> str:
        base = client_id_for(folder)
        taken = {name_key(c) for c in self.client_ids()}
        return unique_name(base, taken)

    def store_batch(self, client: str, folder: str | None, batch: Batch) -> list[Outcome]:
        """Store a batch as one new version. Returns one outcome per item.

        Same bytes already in the dossier are recorded as duplicates and stored nowhere.
        Raises ArchiveError when the version could not be committed (nothing is then changed).
        """
        outcomes: list[Outcome] = []
        now = _now()
        with self.store.begin(client) as builder:
            meta = self._meta_for(builder, client, folder, batch)
            added = 0
            present = _digests_to_paths(builder.state)  # kept up to date below: linear in the batch
            taken = {name_key(p) for p in builder.state}
            for incoming, claimed, reading in batch.items:
                logical = unique_name(DOCUMENTS + safe_segment(Path(incoming.source).name), taken)
                digest = builder.add_file(logical, claimed)
                if digest.lower() in present:
                    builder.remove(logical)
                    earlier = present[digest.lower()]
                    outcomes.append(Outcome(incoming.source, "duplicate", f"与已归档文件 {earlier} 内容相同，未重复保存",
                                            client, earlier, None, digest))
                    continue
                extracted = extracted_path(logical)
                builder.add_bytes(extracted, dumps(_extracted(incoming, reading, digest, now)))
                present[digest.lower()] = logical
                taken.update((name_key(logical), name_key(extracted)))
                added += 1
                outcomes.append(Outcome(incoming.source, "archived", "", client, logical, None, digest))
            builder.add_bytes(DOSSIER_JSON, dumps(meta))
            if not builder.changed:
                builder.abort()
                return outcomes
            message = f"收件 {added} 份" + (f"（来自 {folder}）" if folder else "") if added else "更新客户信息"
            version = builder.commit(message, self.config.operator, self.config.operator_address, created=now)
        return [replace(o, version=version) if o.outcome == "archived" else o for o in outcomes]

    def _meta_for(self, builder: "ocfl.VersionBuilder", client: str, folder: str | None, batch: Batch) -> dict:
        meta = self._meta_in(builder, client)
        if DOSSIER_JSON not in builder.base_state and folder:
            meta["name"] = folder
        folders = list(meta.get("folders") or [])
        if folder and folder not in folders:
            folders.append(folder)
        meta["folders"] = folders
        codes = sorted(set(batch.credit_codes))
        if not meta.get("credit_code") and len(codes) == 1:
            meta["credit_code"] = codes[0]
        return meta

    # -- issued reports and amendments (rules 第十九条) ----------------------
    def issue_report(self, client: str, report: str) -> str:
        """Freeze a report: recorded in dossier.json; the pipeline never regenerates it in place."""
        now = _now()
        with self.store.begin(client) as builder:
            path = self._report_path(builder, client, report)
            meta = self._meta_in(builder, client)
            issued = meta.setdefault("issued", {})
            if path in issued:
                raise UsageError(f"报告 {path} 已于 {issued[path]['issued_at']} 签发，不能重复签发。"
                                 f"如需更改，请用 `dossier amend {client} {path} --file 新文件 --note 说明`。")
            issued[path] = {"sha512": builder.state[path], "issued_at": _iso(now),
                            "issued_by": self.config.operator}
            builder.add_bytes(DOSSIER_JSON, dumps(meta))
            return builder.commit(f"签发报告 {path}", self.config.operator, self.config.operator_address,
                                  created=now)

    def amend_report(self, client: str, report: str, new_file: Path, note: str) -> tuple[str, str, str]:
        """Store an amended report beside the issued original, with a note. Returns (version, path, note)."""
        if not note or not note.strip():
            raise UsageError("修订已签发的报告必须附修订说明：请用 --note 写明修改了什么、为什么修改"
                             "（《客户经理工作职责》第十九条：不得在原稿上作原则性更改，如需更改应另附说明）。")
        if not new_file.is_file():
            raise UsageError(f"修订文件 {new_file} 不存在或不是文件。请检查路径。")
        now = _now()
        with self.store.begin(client) as builder:
            path = self._report_path(builder, client, report)
            meta = self._meta_in(builder, client)
            if path not in meta.get("issued", {}):
                raise UsageError(f"报告 {path} 尚未签发，无需走修订流程。签发请用 `dossier issue {client} {path}`。")
            amendments = meta.setdefault("amendments", [])
            number = 1 + sum(1 for a in amendments if a["original"] == path)
            stem, dot, ext = path[len(REPORTS):].rpartition(".")
            amended = unique_name(f"{REPORTS}{stem}_修订{number}{dot}{ext}", {name_key(p) for p in builder.state})
            digest = builder.add_file(amended, new_file)
            note_path = unique_name(f"{NOTES}{now:%Y%m%d}_{stem}_修订{number}说明.txt",
                                    {name_key(p) for p in builder.state})
            issued = meta["issued"][path]
            builder.add_bytes(note_path, (
                f"修订说明\n"
                f"客户：{meta.get('name') or client}（{client}）\n"
                f"原报告：{path}（{issued['issued_at']} 由 {issued['issued_by']} 签发，原件保持不变）\n"
                f"原报告 SHA-512：{issued['sha512']}\n"
                f"修订文件：{amended}\n"
                f"修订文件 SHA-512：{digest}\n"
                f"修订人：{self.config.operator}\n"
                f"时间：{_iso(now)}\n"
                f"修改内容及原因：\n{note.strip()}\n"
            ).encode("utf-8"))
            amendments.append({"original": path, "amended": amended, "note": note_path, "sha512": digest,
                               "by": self.config.operator, "at": _iso(now), "reason": note.strip()})
            builder.add_bytes(DOSSIER_JSON, dumps(meta))
            version = builder.commit(f"修订报告 {path}（附说明 {note_path}）", self.config.operator,
                                     self.config.operator_address, created=now)
        return version, amended, note_path

    def _report_path(self, builder: "ocfl.VersionBuilder", client: str, report: str) -> str:
        path = report if report.startswith(REPORTS) else REPORTS + report
        if path not in builder.state:
            known = "、".join(sorted(p for p in builder.state if p.startswith(REPORTS))) or "（暂无报告）"
            raise UsageError(f"客户 {client} 的档案中没有报告 {path}。现有报告：{known}")
        return path

    def _meta_in(self, builder: "ocfl.VersionBuilder", client: str) -> dict:
        if DOSSIER_JSON in builder.base_state:
            return json.loads(self.store.reader(client).read_bytes(DOSSIER_JSON))
        return {"client": client, "name": client, "credit_code": None, "folders": [], "case": {}}

    # -- history and fixity ----------------------------------------------
    def history(self, client: str) -> list[dict]:
        reader = self.store.reader(client)
        out: list[dict] = []
        previous: dict[str, str] = {}
        for ver in reader.versions():
            out.append({
                "version": ver.name,
                "created": ver.created,
                "user": ver.user_name,
                "message": ver.message,
                **diff_states(previous, ver.state),
            })
            previous = ver.state
        return out

    def verify(self, client: str) -> list[ocfl.Problem]:
        return self.store.verify(client)

    def object_path(self, client: str) -> Path:
        return self.store.object_path(client)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digests_to_paths(state: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, digest in sorted(state.items()):
        if path.startswith(DOCUMENTS):
            out.setdefault(digest.lower(), path)
    return out


def _extracted(incoming: Incoming, reading: Reading, digest: str, received: datetime) -> dict:
    return {
        "source": incoming.source,
        "sha512": digest,
        "received": _iso(received),
        "media_type": reading.media_type,
        "pages": reading.pages,
        "text": list(reading.pages_text),
        "notes": list(reading.notes),
        "doc_type": None,
        "confidence": None,
        "fields": {},
    }


def diff_states(old: dict[str, str], new: dict[str, str]) -> dict[str, list]:
    removed = {p: d for p, d in old.items() if p not in new}
    added = {p: d for p, d in new.items() if p not in old}
    changed = sorted(p for p in new if p in old and new[p] != old[p])
    renamed = []
    for path, digest in sorted(removed.items()):
        target = next((p for p, d in sorted(added.items()) if d == digest), None)
        if target:
            renamed.append({"from": path, "to": target})
            del added[target]
    gone = sorted(p for p in removed if p not in {r["from"] for r in renamed})
    return {"added": sorted(added), "changed": changed, "renamed": renamed, "removed": gone}
