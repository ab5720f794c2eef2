"""The client archive: one OCFL object per client, with dossier semantics on top of ocfl."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from dossier.archive import ocfl
from dossier.archive.issued import place_reports, store_amendment
from dossier.archive.revision import Revision, retire
from dossier.archive.records import (
    DOCUMENTS,
    Document,
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
    first_versions,
    iso_utc,
    record_info,
    record_text,
    supersede_key,
    utc_now,
)
from dossier.config import Config
from dossier.errors import ClientNotFound, UsageError
from dossier.models import Outcome
from dossier.naming import client_id_for, name_key, safe_segment, unique_name
from dossier.rules import load_doctypes

log = logging.getLogger(__name__)

#: Text layers of records written by this process kept for the catalog's update (the latest ones).
TEXTS_KEPT = 256
#: Memory caches stay bounded in a long-running watcher: heads of the clients used last, parsed records.
HEADS_KEPT = 64
INFOS_KEPT = 50_000


class Archive:
    def __init__(self, config: Config):
        self.config = config
        self.store = ocfl.StorageRoot(config.archive, config.staging, config.locks)
        self.rules = load_doctypes()
        # Files derived from a dossier state (reports), set by the pipeline: Snapshot -> {path: bytes}.
        self.derive: Callable[[Snapshot], dict[str, bytes]] | None = None
        # Records a cache outside the archive already holds (the catalog), set by the pipeline:
        # client -> {sha512 of an extracted record: record_info}. Records are content-addressed, so
        # what it gives can never be stale; it only spares parsing them again.
        self.recall: Callable[[str], dict[str, dict]] | None = None
        self._infos: dict[str, dict] = {}  # sha512 of an extracted record -> record_info
        self._texts: dict[str, str] = {}  # sha512 of a record written lately -> its text (TEXTS_KEPT)
        self._heads: dict[str, tuple[str | None, Snapshot]] = {}  # client -> (inventory digest, head)

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
        if not with_text and ver.name == reader.head:
            cached = self._heads.pop(client, None)
            if cached is not None and cached[0] is not None and cached[0] == reader.digest:
                self._heads[client] = cached  # the most recently used last
                return cached[1]
        meta = self._meta(reader, ver.name)
        paths = sorted(p for p in ver.state if p.startswith(DOCUMENTS))
        firsts = first_versions(reader, ver.name, paths)
        if with_text:
            docs = []
            for path in paths:
                extracted = extracted_path(path)
                info = json.loads(reader.read_bytes(extracted, ver.name)) if extracted in ver.state else {}
                docs.append(document_from(path, ver.state[path], firsts[path], info, True,
                                          ver.state.get(extracted, "").lower()))
        else:
            docs = self._documents(client, ver.state, paths, firsts.__getitem__,
                                   lambda digest: reader.content_path(digest).read_bytes(), {})
        snap = Snapshot(
            client=reader.id,
            name=meta.get("name") or reader.id,
            credit_code=meta.get("credit_code"),
            version=ver.name,
            created=ver.created,
            meta=meta,
            documents=tuple(docs),
            versions=tuple(reader.versions()),
        )
        if ver.name == reader.head:
            self._keep_head(client, (reader.digest, replace(snap, documents=tuple(replace(d, text="") for d in docs))
                                     if with_text else snap))
        return snap

    def _keep_head(self, client: str, entry: tuple[str | None, Snapshot]) -> None:
        self._heads.pop(client, None)
        self._heads[client] = entry
        while len(self._heads) > HEADS_KEPT:  # the least recently used first
            del self._heads[next(iter(self._heads))]
        if len(self._infos) > INFOS_KEPT:  # a cache: dropping it costs a re-parse, never a wrong answer
            self._infos.clear()

    def head(self, client: str) -> Snapshot:
        """The head snapshot (no text), from memory when this process wrote or read that head last."""
        return self.snapshot(client)

    def text_of(self, client: str, doc: Document) -> str:
        """The text layer of a document (kept in memory for the records this process wrote lately)."""
        if not doc.record:
            return ""
        text = self._texts.get(doc.record.lower())
        if text is None:
            text = record_text(json.loads(self.store.reader(client).content_path(doc.record).read_bytes()))
        return text

    def _documents(self, client: str, state: dict[str, str], paths: list[str], first_of: Callable[[str], str],
                   read: Callable[[str], bytes], staged: dict[str, bytes]) -> list[Document]:
        """The documents of a state, from records already known (this process, the catalog) where possible.
        ``read(digest)`` gives a stored record's bytes, ``staged`` those written in this version."""
        records = {p: state[extracted_path(p)].lower() for p in paths if extracted_path(p) in state}
        missing = {d for d in records.values() if d not in self._infos and d not in staged}
        if missing and self.recall is not None:
            try:
                known = self.recall(client)
            except Exception:  # a cache, nothing more: the archive answers instead
                log.exception("recalling the records of %s failed", client)
                known = {}
            self._infos.update((d.lower(), info) for d, info in known.items() if d.lower() in missing)
        docs = []
        for path in paths:
            record = records.get(path)
            info = {}
            if record is not None:
                info = self._infos.get(record)
                if info is None:
                    data = staged.get(record)
                    if data is None:
                        data = read(record)
                    parsed = json.loads(data)
                    info = self._infos[record] = record_info(parsed)
                    if record in staged:
                        self._texts[record] = record_text(parsed)
                        while len(self._texts) > TEXTS_KEPT:  # the oldest first
                            del self._texts[next(iter(self._texts))]
            docs.append(document_from(path, state[path], first_of(path), info, False, record or ""))
        return docs

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
            base = self._base_documents(client, builder)  # path -> Document of the head built upon
            current = self._current_documents(base)  # supersede key -> (path, fields)
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
                    history = retire(builder, old_path, taken,
                                     base[old_path].version if old_path in builder.base_state else "本批")
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
                staged[builder.add_bytes(extracted, record).lower()] = record
                present[digest.lower()] = logical
                taken.update((name_key(logical), name_key(extracted)))
                added += 1
                outcomes.append(Outcome(incoming.source, "archived", "", client, logical, None, digest))
            note = self._change_note(builder, meta, changes, now, taken) if changes else None
            message = f"收件 {added} 份" + (f"（来自 {folder}）" if folder else "") if added else "更新客户信息"
            if note:
                kinds = "、".join(dict.fromkeys(self.rules[c["type"]].file_name for c in changes))
                message += f"；{kinds}已更新，旧件移入 {HISTORY}，变更说明见 {note}"
            version = self._finish(builder, client, meta, staged, message, now, base)
        return [replace(o, version=version) if o.outcome == "archived" else o for o in outcomes]

    def _finish(self, builder: "ocfl.VersionBuilder", client: str, meta: dict, staged: dict[str, bytes],
                message: str, now: datetime, base: dict[str, Document] | None = None,
                issuing: str | None = None, user: str | None = None) -> str | None:
        """Write dossier.json and the derived files (reports) of the new state, then commit.

        Returns the new version, or None when nothing changed (nothing is written then).
        An issued report is never regenerated in place (see ``issued.place_reports``); ``issuing`` is the
        report this version issues. The new head's snapshot is built from memory (the documents of the
        head built upon and the records staged here) and kept: ``head(client)`` then returns it without
        reading anything back.
        """
        data = dumps(meta)
        staged[builder.add_bytes(DOSSIER_JSON, data).lower()] = data
        if not builder.changed:  # derived files alone never make a version
            builder.abort()
            return None
        if base is None:
            base = self._base_documents(client, builder)
        docs = self._working_documents(client, builder, staged, base)
        if self.derive is not None:
            derived = self._derive(client, meta, docs, builder.version_name, builder.base)
            if place_reports(builder, meta, derived, issuing):
                builder.add_bytes(DOSSIER_JSON, dumps(meta))  # it records the update copies made
        version = builder.commit(message, user or self.config.operator, self.config.operator_address, created=now)
        reader = builder.committed
        if reader is not None:
            head = reader.version()
            self._keep_head(client, (reader.digest, Snapshot(
                client=reader.id, name=meta.get("name") or reader.id, credit_code=meta.get("credit_code"),
                version=head.name, created=head.created, meta=meta, documents=tuple(docs),
                versions=tuple(reader.versions()))))
        return version

    def _base_documents(self, client: str, builder: "ocfl.VersionBuilder") -> dict[str, Document]:
        """The documents of the head a version is built on, by path (from memory when possible)."""
        if builder.base is None:
            return {}
        return {d.path: d for d in self.snapshot(client).documents}

    def _working_documents(self, client: str, builder: "ocfl.VersionBuilder", staged: dict[str, bytes],
                           base: dict[str, Document]) -> list[Document]:
        """The documents of the state being built (with their records), for derived files and the new head.
        A document whose bytes and record are those of the head is the head's Document, unchanged."""
        reader = builder.base
        state, base_state = builder.state, builder.base_state
        paths = sorted(p for p in state if p.startswith(DOCUMENTS))
        unchanged = {}
        for path in paths:
            old = base.get(path)
            if old is not None and base_state.get(path) == state[path] \
                    and old.record.lower() == state.get(extracted_path(path), "").lower():
                unchanged[path] = old
        todo = [p for p in paths if p not in unchanged]

        def first(path: str) -> str:
            old = base.get(path)
            return old.version if old is not None and base_state.get(path) == state[path] else builder.version_name

        fresh = iter(self._documents(client, state, todo, first, lambda d: reader.content_path(d).read_bytes(),
                                     staged))
        return [unchanged[p] if p in unchanged else next(fresh) for p in paths]

    # -- superseded documents (rules 第十二条) -------------------------------
    def _current_documents(self, base: dict[str, Document]) -> dict[tuple, tuple[str, dict]]:
        """Documents in force (not history), by supersede key, as the head of the object has them."""
        current: dict[tuple, tuple[str, dict]] = {}
        for path in sorted(base):
            doc = base[path]
            if path.startswith(HISTORY) or not doc.record:
                continue
            key = supersede_key(doc.doc_type, doc.fields, self.rules)
            if key is not None:
                current[key] = (path, doc.fields)
        return current

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
        if DOSSIER_JSON not in builder.base_state:
            meta.setdefault("opened", iso_utc(utc_now()))  # since when the checklist's requests stand
            if folder:
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

    def revise(self, client: str, decide: Callable[[Revision], str], by: str | None = None) -> str | None:
        """A person's decision as one new version: ``decide(revision)`` makes its changes and returns
        the version message. ``by``: who decides (default: the operator). Returns the new version, or
        None when nothing changed."""
        if not self.store.exists(client):
            raise ClientNotFound(f"档案库中没有客户 {client}。")
        now = utc_now()
        with self.store.begin(client) as builder:
            rev = Revision(client, builder, self._meta_in(builder, client),
                           self._base_documents(client, builder), now, by or self.config.operator)
            message = decide(rev)
            return self._finish(builder, client, rev.meta, rev.staged, message, now, rev.base, user=rev.by)

    # -- the case (product, amount, term, date, agent) ------------------------
    CASE_LABELS = {"product": "担保品种", "amount": "金额", "term_months": "期限（月）",
                   "application_date": "申请日期", "agent": "经办人（授权委托人）"}

    def set_case(self, client: str, changes: dict, by: str | None = None) -> str | None:
        """Set or correct case data (dossier.json "case"): a new version whose message lists the change.
        ``by``: who (the web user; default: the operator), here and in ``issue_report``/``amend_report``."""
        by = by or self.config.operator
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
            meta.setdefault("case_changes", []).append({"at": iso_utc(now), "by": by,
                                                        "changes": [{"field": k, "old": a, "new": b}
                                                                    for k, a, b in diff]})
            return self._finish(builder, client, meta, {}, f"修改业务信息：{said}", now, user=by)

    # -- issued reports and amendments (rules 第十九条) ----------------------
    def _derive(self, client: str, meta: dict, docs: list[Document], version: str, base=None) -> dict[str, bytes]:
        """The derived files (reports) of a state, as the version ``version`` shows them; the versions before
        it only where a report was issued (the monitoring report dates what changed since, version by version)."""
        versions = tuple(base.versions()) if base is not None and meta.get("issued") else ()
        snap = Snapshot(client=client, name=meta.get("name") or client, credit_code=meta.get("credit_code"),
                        version=version, created=iso_utc(utc_now()), meta=meta, documents=tuple(docs),
                        versions=versions)
        return self.derive(snap)

    def _issued_content(self, client: str, builder: "ocfl.VersionBuilder", meta: dict, path: str) -> str | None:
        """The fingerprint of what the report at ``path`` of the head says, when a render of the head
        gives exactly its bytes (else None: a report rendered from another state, or written by hand)."""
        if self.derive is None or builder.base is None:
            return None
        docs = self._working_documents(client, builder, {}, self._base_documents(client, builder))
        try:
            data = self._derive(client, meta, docs, builder.base.head, builder.base).get(path)
        except Exception:  # the fingerprint is an optimisation: unknown means "compare the bytes"
            log.exception("rendering the head of %s to fingerprint %s failed", client, path)
            return None
        if data is None or hashlib.sha512(data).hexdigest() != builder.state[path].lower():
            return None
        return getattr(data, "content", None)

    def issue_report(self, client: str, report: str, by: str | None = None) -> str:
        """Freeze a report: recorded in dossier.json; the pipeline never regenerates it in place."""
        now, by = utc_now(), by or self.config.operator
        with self.store.begin(client) as builder:
            path = self._report_path(builder, client, report)
            meta = self._meta_in(builder, client)
            issued = meta.setdefault("issued", {})
            if path in issued:
                raise UsageError(f"报告 {path} 已于 {issued[path]['issued_at']} 签发，不能重复签发。"
                                 f"如需更改，请用 `dossier amend {client} {path} --file 新文件 --note 说明`。")
            content = self._issued_content(client, builder, meta, path)
            issued[path] = {"sha512": builder.state[path].lower(), "issued_at": iso_utc(now), "issued_by": by,
                            "version": builder.version_name, "content": content, "updates": []}
            return self._finish(builder, client, meta, {}, f"签发报告 {path}", now, issuing=path, user=by)

    def amend_report(self, client: str, report: str, new_file: Path, note: str,
                     by: str | None = None) -> tuple[str, str, str]:
        """Store an amended report beside the issued original, with a note. Returns (version, path, note).

        Refused (AmendmentRefused): a file that is not a Word .docx (by its content, never its name),
        and a file byte-identical to the issued original or to one of its earlier amendments."""
        if not note or not note.strip():
            raise UsageError("修订已签发的报告必须附修订说明：请用 --note 写明修改了什么、为什么修改"
                             "（《客户经理工作职责》第十九条：不得在原稿上作原则性更改，如需更改应另附说明）。")
        if not new_file.is_file():
            raise UsageError(f"修订文件 {new_file} 不存在或不是文件。请检查路径。")
        now, by = utc_now(), by or self.config.operator
        with self.store.begin(client) as builder:
            path = self._report_path(builder, client, report)
            meta = self._meta_in(builder, client)
            if path not in meta.get("issued", {}):
                raise UsageError(f"报告 {path} 尚未签发，无需走修订流程。签发请用 `dossier issue {client} {path}`。")
            amended, note_path = store_amendment(builder, meta, client, path, new_file, note.strip(), by, now)
            version = self._finish(builder, client, meta, {}, f"修订报告 {path}（附说明 {note_path}）", now, user=by)
        return version, amended, note_path

    def _report_path(self, builder: "ocfl.VersionBuilder", client: str, report: str) -> str:
        path = report if report.startswith(REPORTS) else REPORTS + report
        if path not in builder.state:
            known = "、".join(sorted(p for p in builder.state if p.startswith(REPORTS))) or "（暂无报告）"
            raise UsageError(f"客户 {client} 的档案中没有报告 {path}。现有报告：{known}")
        return path

    def _meta_in(self, builder: "ocfl.VersionBuilder", client: str) -> dict:
        if DOSSIER_JSON in builder.base_state:
            return json.loads(builder.base.read_bytes(DOSSIER_JSON))
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
