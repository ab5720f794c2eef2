"""The client archive: one OCFL object per client, with dossier semantics on top of ocfl."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from dossier.archive import ocfl
from dossier.archive.records import (
    DOCUMENTS,
    DOSSIER_JSON,
    HISTORY,
    NOTES,
    REPORTS,
    Batch,
    Snapshot,
    diff_states,
    digests_to_paths,
    document_from,
    dumps,
    extracted_path,
    extracted_record,
    field_changes,
    iso_utc,
    supersede_key,
    utc_now,
)
from dossier.config import Config
from dossier.errors import ClientNotFound, UsageError
from dossier.models import Outcome
from dossier.naming import client_id_for, name_key, safe_segment, unique_name
from dossier.rules import load_doctypes


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
            docs.append(document_from(path, ver.state[path], reader.first_version_of(path, ver.name), info, with_text))
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
        now = utc_now()
        with self.store.begin(client) as builder:
            meta = self._meta_for(builder, client, folder, batch)
            added = 0
            staged: dict[str, bytes] = {}  # digest -> bytes of records written in this version
            present = digests_to_paths(builder.state)  # kept up to date below: linear in the batch
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
                                    "fields": field_changes(old_fields, item.understanding.fields)})
                if key is not None:
                    current[key] = (logical, item.understanding.fields)
                extracted = extracted_path(logical)
                record = dumps(extracted_record(item, digest, now))
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
            docs.append(document_from(path, builder.state[path], first, info, with_text=False))
        return Snapshot(client=client, name=meta.get("name") or client, credit_code=meta.get("credit_code"),
                        version=builder.version_name, created=iso_utc(utc_now()), meta=meta, documents=tuple(docs))

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
                 f"客户：{meta.get('name')}（{meta.get('client')}）", f"时间：{iso_utc(now)}",
                 f"记录人：{self.config.operator}", ""]
        for change in changes:
            lines.append(f"{self.rules[change['type']].file_name}：新件 {change['new']}；旧件保留为 {change['old']}")
            lines += [f"  {c['label']}：{c['old'] if c['old'] is not None else '（无）'} → "
                      f"{c['new'] if c['new'] is not None else '（无）'}" for c in change["fields"]]
            if not change["fields"]:
                lines.append("  识别到的字段没有变化（可能是重新扫描或补交的同一份文件）")
        builder.add_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
        taken.add(name_key(path))
        meta.setdefault("changes", []).append({"at": iso_utc(now), "note": path, "changes": changes})
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
        now = utc_now()
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
            meta.setdefault("case_changes", []).append({"at": iso_utc(now), "by": self.config.operator,
                                                        "changes": [{"field": k, "old": a, "new": b}
                                                                    for k, a, b in diff]})
            return self._finish(builder, client, meta, {}, f"修改业务信息：{said}", now)

    # -- issued reports and amendments (rules 第十九条) ----------------------
    def issue_report(self, client: str, report: str) -> str:
        """Freeze a report: recorded in dossier.json; the pipeline never regenerates it in place."""
        now = utc_now()
        with self.store.begin(client) as builder:
            path = self._report_path(builder, client, report)
            meta = self._meta_in(builder, client)
            issued = meta.setdefault("issued", {})
            if path in issued:
                raise UsageError(f"报告 {path} 已于 {issued[path]['issued_at']} 签发，不能重复签发。"
                                 f"如需更改，请用 `dossier amend {client} {path} --file 新文件 --note 说明`。")
            issued[path] = {"sha512": builder.state[path], "issued_at": iso_utc(now),
                            "issued_by": self.config.operator}
            return self._finish(builder, client, meta, {}, f"签发报告 {path}", now)

    def amend_report(self, client: str, report: str, new_file: Path, note: str) -> tuple[str, str, str]:
        """Store an amended report beside the issued original, with a note. Returns (version, path, note)."""
        if not note or not note.strip():
            raise UsageError("修订已签发的报告必须附修订说明：请用 --note 写明修改了什么、为什么修改"
                             "（《客户经理工作职责》第十九条：不得在原稿上作原则性更改，如需更改应另附说明）。")
        if not new_file.is_file():
            raise UsageError(f"修订文件 {new_file} 不存在或不是文件。请检查路径。")
        now = utc_now()
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
                f"时间：{iso_utc(now)}\n"
                f"修改内容及原因：\n{note.strip()}\n"
            ).encode("utf-8"))
            amendments.append({"original": path, "amended": amended, "note": note_path, "sha512": digest,
                               "by": self.config.operator, "at": iso_utc(now), "reason": note.strip()})
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
