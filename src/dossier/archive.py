"""The client archive: one OCFL object per client, with dossier semantics on top of ``ocfl``.

Inside an object (design section 3):
  documents/<name>          originals, byte for byte as dropped
  extracted/<name>.json     what the read stage learnt (source, media type, pages, text, fields)
  dossier.json              client id, name, credit code, inbox folders, case data
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from . import ocfl
from .config import Config
from .errors import ClientNotFound, UsageError
from .models import Incoming, Outcome, Reading, Understanding
from .fields import FIELD_ZH
from .naming import client_id_for, name_key, safe_segment, unique_name
from .rules import DocTypeRules, load_doctypes

DOSSIER_JSON = "dossier.json"
DOCUMENTS = "documents/"
EXTRACTED = "extracted/"
HISTORY = "documents/历史/"
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
    review: bool = False
    problems: tuple[str, ...] = ()

    @property
    def in_force(self) -> bool:
        """False for a superseded document kept under documents/历史/."""
        return not self.path.startswith(HISTORY)

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


@dataclass(frozen=True)
class Item:
    """One file to store: where it came from, the claimed copy, what was read and understood."""

    incoming: Incoming
    path: Path
    reading: Reading
    understanding: Understanding = Understanding()
    name: str = ""  # archive file name (without documents/); the source name when empty


@dataclass
class Batch:
    """Files of one client to store in one version."""

    items: list[Item] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)


class Archive:
    def __init__(self, config: Config):
        self.config = config
        self.store = ocfl.StorageRoot(config.archive, config.staging, config.locks)
        self.rules = load_doctypes()
        # Files derived from a dossier state (reports), set by the pipeline: Snapshot -> {path: bytes}.
        self.derive: Callable[[Snapshot], dict[str, bytes]] | None = None

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
            docs.append(_document(path, ver.state[path], reader.first_version_of(path, ver.name), info, with_text))
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
            staged: dict[str, bytes] = {}  # digest -> bytes of records written in this version
            present = _digests_to_paths(builder.state)  # kept up to date below: linear in the batch
            taken = {name_key(p) for p in builder.state}
            current = self._current_documents(client, builder)  # supersede key -> (path, fields)
            changes: list[dict] = []
            for item in batch.items:
                incoming = item.incoming
                wanted = DOCUMENTS + (item.name or safe_segment(Path(incoming.source).name))
                logical = unique_name(wanted, taken)
                digest = builder.add_file(logical, item.path)
                if digest.lower() in present:
                    builder.remove(logical)
                    earlier = present[digest.lower()]
                    outcomes.append(Outcome(incoming.source, "duplicate", f"与已归档文件 {earlier} 内容相同，未重复保存",
                                            client, earlier, None, digest))
                    continue
                key = supersede_key(item.understanding.doc_type, item.understanding.fields, self.rules)
                if key is not None and key in current:  # rules 第十二条: the old one stays, as history
                    old_path, old_fields = current[key]
                    history = self._retire(builder, old_path, taken)
                    old_digest = builder.state[history].lower()
                    if present.get(old_digest) == old_path:
                        present[old_digest] = history
                    if name_key(wanted) not in taken:
                        builder.rename(logical, wanted)
                        taken.discard(name_key(logical))
                        logical = wanted
                    changes.append({"type": item.understanding.doc_type, "old": history, "new": logical,
                                    "fields": _field_changes(old_fields, item.understanding.fields)})
                if key is not None:
                    current[key] = (logical, item.understanding.fields)
                extracted = extracted_path(logical)
                record = dumps(_extracted(item, digest, now))
                staged[builder.add_bytes(extracted, record)] = record
                present[digest.lower()] = logical
                taken.update((name_key(logical), name_key(extracted)))
                added += 1
                outcomes.append(Outcome(incoming.source, "archived", "", client, logical, None, digest))
            note = self._change_note(builder, meta, changes, now, taken) if changes else None
            message = f"收件 {added} 份" + (f"（来自 {folder}）" if folder else "") if added else "更新客户信息"
            if note:
                kinds = "、".join(dict.fromkeys(self.rules[c["type"]].file_name for c in changes))
                message += f"；{kinds}已更新，旧件移入 {HISTORY}，变更说明见 {note}"
            version = self._finish(builder, client, meta, staged, message, now)
        return [replace(o, version=version) if o.outcome == "archived" else o for o in outcomes]

    def _finish(self, builder: "ocfl.VersionBuilder", client: str, meta: dict, staged: dict[str, bytes],
                message: str, now: datetime) -> str | None:
        """Write dossier.json and the derived files (reports) of the new state, then commit.

        Returns the new version, or None when nothing changed (nothing is written then).
        An issued report is never regenerated in place: its fresh render goes beside it.
        """
        staged[builder.add_bytes(DOSSIER_JSON, dumps(meta))] = dumps(meta)
        if not builder.changed:  # derived files alone never make a version
            builder.abort()
            return None
        if self.derive is not None:
            snap = self._working_snapshot(client, builder, meta, staged)
            issued = meta.get("issued") or {}
            for path, data in self.derive(snap).items():
                if path in issued:
                    if hashlib.sha512(data).hexdigest() == issued[path]["sha512"]:
                        continue
                    stem, dot, ext = path.rpartition(".")
                    path = f"{stem}（签发后更新）.{ext}"
                builder.add_bytes(path, data)
        return builder.commit(message, self.config.operator, self.config.operator_address, created=now)

    def _working_snapshot(self, client: str, builder: "ocfl.VersionBuilder", meta: dict,
                          staged: dict[str, bytes]) -> Snapshot:
        """The state being built, as a Snapshot (documents with their records), for derived files."""
        reader = self.store.reader(client) if builder.base_state else None

        def load(logical: str) -> dict:
            digest = builder.state[logical]
            data = staged.get(digest)
            if data is None:
                data = reader.content_path(digest).read_bytes()
            return json.loads(data)

        docs = []
        for path in sorted(p for p in builder.state if p.startswith(DOCUMENTS)):
            info = load(extracted_path(path)) if extracted_path(path) in builder.state else {}
            first = reader.first_version_of(path) if reader and builder.base_state.get(path) == builder.state[path] \
                else builder.version_name
            docs.append(_document(path, builder.state[path], first, info, with_text=False))
        return Snapshot(client=client, name=meta.get("name") or client, credit_code=meta.get("credit_code"),
                        version=builder.version_name, created=_iso(_now()), meta=meta, documents=tuple(docs))

    # -- superseded documents (rules 第十二条) -------------------------------
    def _current_documents(self, client: str, builder: "ocfl.VersionBuilder") -> dict[tuple, tuple[str, dict]]:
        """Documents in force (not history), by supersede key, as the head of the object has them."""
        current: dict[tuple, tuple[str, dict]] = {}
        if not builder.base_state:
            return current
        reader = self.store.reader(client)
        for path in sorted(builder.base_state):
            if not path.startswith(DOCUMENTS) or path.startswith(HISTORY) or extracted_path(path) not in builder.base_state:
                continue
            info = json.loads(reader.read_bytes(extracted_path(path)))
            key = supersede_key(info.get("doc_type"), info.get("fields") or {}, self.rules)
            if key is not None:
                current[key] = (path, info.get("fields") or {})
        return current

    def _retire(self, builder: "ocfl.VersionBuilder", path: str, taken: set[str]) -> str:
        """Move a superseded document (and its extracted record) under documents/历史/."""
        stem, dot, ext = path[len(DOCUMENTS):].rpartition(".")
        if not dot:
            stem, ext = path[len(DOCUMENTS):], ""
        since = self.store.reader(builder.object_id).first_version_of(path) if path in builder.base_state else "本批"
        history = unique_name(f"{HISTORY}{stem}_{since}{dot}{ext}", taken)
        builder.rename(path, history)
        if extracted_path(path) in builder.state:
            builder.rename(extracted_path(path), extracted_path(history))
            taken.add(name_key(extracted_path(history)))
        taken.add(name_key(history))
        taken.discard(name_key(path))
        taken.discard(name_key(extracted_path(path)))
        return history

    def _change_note(self, builder: "ocfl.VersionBuilder", meta: dict, changes: list[dict], now: datetime,
                     taken: set[str]) -> str:
        path = unique_name(f"{NOTES}{now:%Y%m%d}_资料变更说明.txt", taken)
        lines = ["资料变更说明（《客户经理工作职责》第十二条：客户资料如有变动，应核实后在档案中重新记载）",
                 f"客户：{meta.get('name')}（{meta.get('client')}）", f"时间：{_iso(now)}",
                 f"记录人：{self.config.operator}", ""]
        for change in changes:
            lines.append(f"{self.rules[change['type']].file_name}：新件 {change['new']}；旧件保留为 {change['old']}")
            lines += [f"  {c['label']}：{c['old'] if c['old'] is not None else '（无）'} → "
                      f"{c['new'] if c['new'] is not None else '（无）'}" for c in change["fields"]]
            if not change["fields"]:
                lines.append("  识别到的字段没有变化（可能是重新扫描或补交的同一份文件）")
        builder.add_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
        taken.add(name_key(path))
        meta.setdefault("changes", []).append({"at": _iso(now), "note": path, "changes": changes})
        return path

    def _meta_for(self, builder: "ocfl.VersionBuilder", client: str, folder: str | None, batch: Batch) -> dict:
        meta = self._meta_in(builder, client)
        if DOSSIER_JSON not in builder.base_state and folder:
            meta["name"] = folder
        folders = list(meta.get("folders") or [])
        if folder and folder not in folders:
            folders.append(folder)
        meta["folders"] = folders
        licences = [i.understanding.fields for i in batch.items
                    if i.understanding.doc_type == "business_licence" and i.understanding.fields.get("credit_code")
                    and not i.understanding.review]
        if licences:  # the licence is the authority on who the client is
            licence = licences[-1]
            meta.setdefault("credit_code", None)
            meta["credit_code"] = meta["credit_code"] or licence["credit_code"]
            if meta["credit_code"] == licence["credit_code"] and licence.get("company_name"):
                meta["name"] = licence["company_name"]
        codes = sorted(set(batch.credit_codes))
        if not meta.get("credit_code") and len(codes) == 1:
            meta["credit_code"] = codes[0]
        return meta

    # -- the case (product, amount, term, date, agent) ------------------------
    CASE_LABELS = {"product": "担保品种", "amount": "金额", "term_months": "期限（月）",
                   "application_date": "申请日期", "agent": "经办人（授权委托人）"}

    def set_case(self, client: str, changes: dict) -> str | None:
        """Set or correct case data (dossier.json "case"): a new version whose message lists the change."""
        now = _now()
        with self.store.begin(client) as builder:
            meta = self._meta_in(builder, client)
            case = dict(meta.get("case") or {})
            diff = [(k, case.get(k), v) for k, v in changes.items() if case.get(k) != v]
            if not diff:
                return None
            case.update(changes)
            meta["case"] = case
            said = "；".join(f"{self.CASE_LABELS.get(k, k)}：{'（空）' if a is None else a} → {'（空）' if b is None else b}"
                            for k, a, b in diff)
            meta.setdefault("case_changes", []).append({"at": _iso(now), "by": self.config.operator,
                                                        "changes": [{"field": k, "old": a, "new": b}
                                                                    for k, a, b in diff]})
            return self._finish(builder, client, meta, {}, f"修改业务信息：{said}", now)

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
            return self._finish(builder, client, meta, {}, f"签发报告 {path}", now)

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
            version = self._finish(builder, client, meta, {}, f"修订报告 {path}（附说明 {note_path}）", now)
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


def _document(path: str, digest: str, version: str, info: dict, with_text: bool) -> Document:
    return Document(
        path=path,
        source=info.get("source", ""),
        sha512=digest,
        media_type=info.get("media_type"),
        pages=info.get("pages"),
        version=version,
        doc_type=info.get("doc_type"),
        confidence=info.get("confidence"),
        fields=info.get("fields") or {},
        text="\n".join(info.get("text") or []) if with_text else "",
        review=bool(info.get("review")),
        problems=tuple(info.get("problems") or ()),
    )


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def supersede_key(doc_type: str | None, fields: dict, rules: DocTypeRules) -> tuple | None:
    """Documents with equal keys replace one another (the newer stays in force); None: never."""
    if not doc_type or doc_type not in rules or rules[doc_type].supersede_by is None:
        return None
    values = tuple(fields.get(name) for name in rules[doc_type].supersede_by)
    return None if any(v is None for v in values) else (doc_type, *values)


def _field_changes(old: dict, new: dict) -> list[dict]:
    return [{"field": name, "label": FIELD_ZH.get(name, name), "old": old.get(name), "new": new.get(name)}
            for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]


def _digests_to_paths(state: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, digest in sorted(state.items()):
        if path.startswith(DOCUMENTS):
            out.setdefault(digest.lower(), path)
    return out


def _extracted(item: Item, digest: str, received: datetime) -> dict:
    reading, found = item.reading, item.understanding
    return {
        "source": item.incoming.source,
        "sha512": digest,
        "received": _iso(received),
        "media_type": reading.media_type,
        "pages": reading.pages,
        "page_methods": [{"page": p.number, "method": p.method, "confidence": p.confidence,
                          "rotation": p.rotation} for p in reading.page_texts],
        "text": list(reading.pages_text),
        "notes": list(reading.notes),
        "doc_type": found.doc_type,
        "confidence": found.confidence,
        "fields": found.fields,
        "field_confidence": found.field_confidence,
        "problems": list(found.problems),
        "review": found.review,
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
