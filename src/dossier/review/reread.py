"""Read stored originals again with today's rules and engine (after a rules change or an OCR upgrade).

``reread(pipe, client, path, dry_run)`` reads the originals in force of one client (or every
client), understands them with the rules now in force, and compares with their records. Where the
result changed, the record is replaced in one new version per client, with a note listing every
change; where nothing changed, no version is made. What people decided is kept and still wins
(``archive.decisions.merge_reread``). ``dry_run`` only says what would change.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from dossier.archive import Item, Revision, decisions
from dossier.archive.records import HISTORY, extracted_record, utc_now
from dossier.errors import ReadError, UsageError
from dossier.models import Incoming, Understanding
from dossier.reading import document_name, read_batch, sandbox, understand
from dossier.rules import FIELD_ZH, load_doctypes

from .settle import _superseded_lines, note_header, sync_catalog, value_text

log = logging.getLogger(__name__)


@dataclass
class Reread:
    """What a re-read found for one document: its changes (``decisions.differences``)."""

    client: str
    path: str
    changes: list[dict]
    error: str | None = None
    new_path: str | None = None
    record: dict = field(default_factory=dict, repr=False)
    was: str = ""  # the sha512 of the record it replaces

    def to_json(self) -> dict:
        return {"client": self.client, "path": self.path, "new_path": self.new_path or self.path,
                "changes": self.changes, "error": self.error}


def plan(pipe, client: str, path: str | None = None) -> list[Reread]:
    """Read again, compare, change nothing."""
    snap = pipe.archive.head(client)
    docs = [d for d in snap.documents if d.in_force and d.record]
    if path is not None:
        wanted = path if path.startswith("documents/") else "documents/" + path
        docs = [d for d in docs if d.path == wanted]
        if not docs:
            raise UsageError(f"客户 {client} 的有效文件中没有 {wanted}（可用 `dossier show {client}` 查看）。")
    if not docs:
        return []
    reader = pipe.archive.store.reader(client)
    originals = [reader.content_path(d.sha512) for d in docs]
    with sandbox.active(pipe.sandbox):
        readings = read_batch(originals, pipe.read_settings, pipe.ocr, pipe.read_cache, sandbox=pipe.sandbox)
        out = []
        for doc, original, reading in zip(docs, originals, readings):
            if reading is None or isinstance(reading, ReadError):
                why = reading.message if isinstance(reading, ReadError) else "读取被中断"
                out.append(Reread(client, doc.path, [], why))
                continue
            old = json.loads(reader.content_path(doc.record).read_bytes())
            try:
                found = understand(original, reading)
            except Exception as exc:  # a rule bug: say so, change nothing
                log.exception("understanding %s of %s failed", doc.path, client)
                out.append(Reread(client, doc.path, [], f"识别时发生内部错误（{type(exc).__name__}）"))
                continue
            item = Item(Incoming(original, old.get("source", ""), None), original, reading, found)
            merged = decisions.merge_reread(old, extracted_record(item, doc.sha512, utc_now()))
            if merged == old:
                continue
            changes = decisions.differences(old, merged) or [{"field": "text", "old": None, "new": None}]
            new_path = None
            if not decisions.is_settled(old) and merged.get("doc_type") != old.get("doc_type"):
                name = document_name(Understanding(merged.get("doc_type") or "other", fields=merged.get("fields") or {}),
                                     Path(doc.path).name)
                new_path = "documents/" + name if "documents/" + name != doc.path else None
            out.append(Reread(client, doc.path, changes, None, new_path, merged, doc.record.lower()))
    return out


def reread(pipe, client: str | None = None, path: str | None = None, dry_run: bool = False,
           by: str | None = None) -> list[Reread]:
    """Re-read one client (or all): one new version per client where a result changed."""
    clients = [client] if client else pipe.archive.client_ids()
    results: list[Reread] = []
    for cid in clients:
        found = plan(pipe, cid, path if client else None)
        results += found
        changed = [r for r in found if r.error is None and r.changes]
        if dry_run or not changed:
            continue
        _commit(pipe, cid, changed, by)
    return results


def _commit(pipe, client: str, changed: list[Reread], by: str | None) -> None:
    def decide(rev: Revision) -> str:
        lines = note_header(rev, "重新识别记录", f"{len(changed)} 份") + ["按当前规则和识别引擎重新读取原件；人工确认和更正的值保留并优先。", ""]
        done: list[Reread] = []
        read_again: dict[str, tuple] = {}  # path in this version -> (type, fields, version it came in)
        named: dict[str, str] = {}  # path in this version -> the name its reading gives it
        for r in changed:
            doc = rev.base.get(r.path)
            if doc is None or doc.record.lower() != r.was or doc.path.startswith(HISTORY):
                continue  # changed by someone meanwhile: the next re-read looks again
            target = r.path
            if r.new_path:
                target = rev.rename(r.path, r.new_path[len("documents/"):])
                named[target] = r.new_path
            r.new_path = target if target != r.path else None
            rev.put_record(target, r.record)
            read_again[target] = (r.record.get("doc_type"), r.record.get("fields") or {}, doc.version)
            done.append(r)
        moves = _supersede(rev, read_again)
        for r in done:
            now = r.new_path or r.path
            if now in moves:  # retired: a later one of its kind stays in force
                r.new_path = moves[now]
            elif now in named and named[now] != now:  # the name it wanted was taken by the one retired
                r.new_path = rev.rename(now, named[now][len("documents/"):])
                r.new_path = None if r.new_path == r.path else r.new_path
            target = r.new_path or r.path
            lines.append(f"{target}" + (f"（原名 {r.path}）" if target != r.path else "") + "：")
            lines += [f"  {FIELD_ZH.get(c['field'], c['field'])}{'（机器识别）' if c.get('as_read') else ''}："
                      f"{value_text(c['old'])} → {value_text(c['new'])}" for c in r.changes
                      if c["field"] not in ("text", "problems", "years")]
        lines += _superseded_lines(list(moves.items()))
        note = rev.note("重新识别", lines) if done else None
        return f"重新识别 {len(done)} 份文件（结果有变化；说明见 {note}）"

    pipe.archive.revise(client, decide, by)
    sync_catalog(pipe, client)


def _supersede(rev: Revision, read_again: dict[str, tuple]) -> dict[str, str]:
    """Rules 第十二条 after a re-read, as at intake: where a document now reads as another of the same
    kind (same type and key fields), the one that came in last stays in force and the others move under
    历史/. Returns {path: history path} of each document moved."""
    rules = load_doctypes()
    moves: dict[str, str] = {}
    for path, (doc_type, fields, since) in list(read_again.items()):
        if path not in rev.builder.state:  # moved under 历史/ by an earlier one of this re-read
            continue
        for old, history in rev.supersede(path, doc_type, fields, rules, since, read_again):
            moves[old] = history
            if old in read_again:
                read_again[history] = read_again.pop(old)
    return moves
