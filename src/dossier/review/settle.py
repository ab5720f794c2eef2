"""A person settles a reading: confirm it, correct it, withdraw the document or move it to its client.

``by`` names the person deciding (the web workplace's logged-in user; default: the operator).
Each decision is one new version of the client's object with a note under ``notes/`` saying who,
when, what and why (rules 第十二条, 第二十七条). Nothing is deleted: the machine's reading stays in the
record beside the values that now win (``archive.decisions``), and a withdrawn or moved document
stays in the object under ``documents/历史/``. The CLI and the web workplace call these functions.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from dossier.archive import Revision, decisions
from dossier.archive.records import HISTORY
from dossier.errors import DecisionRefused, UsageError
from dossier.models import Understanding
from dossier.reading import document_name, read_document, sandbox, understand
from dossier.reading.entered import Entered, entered
from dossier.rules import FIELD_KINDS, FIELD_ZH, load_doctypes

#: Field kinds whose values carry a check digit.
CHECKED_KINDS = ("uscc", "id_number", "org_code", "taxpayer_id")
log = logging.getLogger(__name__)

RULE = "《客户经理工作职责》第十二条：客户资料如有变动，应核实后在档案中重新记载"


@dataclass(frozen=True)
class Decision:
    """What one decision did: the client, the document's path now, the new version, the note."""

    client: str
    path: str
    version: str | None
    note_path: str | None
    changes: tuple[dict, ...] = ()
    other: dict = field(default_factory=dict)  # move: the other client's side

    def to_json(self) -> dict:
        return {"client": self.client, "path": self.path, "version": self.version, "note": self.note_path,
                "changes": [dict(c) for c in self.changes], **({"moved_to": self.other} if self.other else {})}


def _need_note(note: str | None, what: str) -> str:
    if not note or not note.strip():
        raise UsageError(f"{what}必须用 --note 写明理由（{RULE}；第二十七条：核查不严须担责，决定须有记录）。")
    return note.strip()


def _in_force(rev: Revision, path: str):
    doc = rev.document(path)
    if doc.path.startswith(HISTORY):
        raise DecisionRefused(f"{doc.path} 是历史文件（已被替换、撤回或移出），不在有效文件之列，无需复核。")
    return doc


def value_text(value) -> str:
    return "（空）" if value is None else (", ".join(map(str, value)) if isinstance(value, list) else str(value))


def _failing_checks(doc_type: str, fields: dict) -> dict[str, str]:
    """Fields whose check digit fails, with why (the same check a person's entry gets)."""
    rules = load_doctypes()
    if doc_type not in rules:
        return {}
    out = {}
    for name in rules[doc_type].fields:
        value = fields.get(name)
        if value is None or FIELD_KINDS.get(name) not in CHECKED_KINDS:
            continue
        try:
            got = entered(rules[doc_type], name, str(value))
        except DecisionRefused as exc:
            out[name] = exc.message
            continue
        if got.check_failed:
            out[name] = got.check_failed
    return out


def _refuse_failing(failing: dict[str, str], force: bool, client: str, path: str) -> tuple[str, ...]:
    if failing and not force:
        listed = "；".join(failing.values())
        raise DecisionRefused(f"{listed}。请对照原件核对：识别有误请用 `dossier correct {client} {path} --set 字段=正确值"
                              f" --note 说明` 更正；原件确实如此（有些早期代码不符合校验规则）请加 --force，并在 --note 中写明理由。")
    return tuple(sorted(failing))


def note_header(rev: Revision, title: str, doc_path: str) -> list[str]:
    return [f"{title}（{RULE}）", f"客户：{rev.meta.get('name')}（{rev.client}）", f"文件：{doc_path}",
            f"时间：{rev.at}", f"记录人：{rev.by}"]


def sync_catalog(pipe, *clients: str) -> None:
    """The catalog follows the new heads of ``clients`` after a commit (the archive is the truth: a
    failure here is logged and caught up at the next start, never reported as a failed decision)."""
    for client in clients:
        try:
            pipe.catalog.update(pipe.archive.head(client), pipe.archive.text_of)
        except Exception:  # the next start reindexes what changed
            log.exception("catalog update for %s failed", client)


# -- confirm ---------------------------------------------------------------------
def confirm(pipe, client: str, path: str, note: str | None = None, force: bool = False,
            by: str | None = None) -> Decision:
    """The reading confirmed as it is (type and fields): the flag clears, ``confirmed_by`` / ``_at``
    are recorded, a new version. A field whose check digit fails needs ``force`` and a note."""
    done: dict = {}

    def decide(rev: Revision) -> str:
        doc = _in_force(rev, path)
        record = rev.record(doc.path)
        failing = _failing_checks(record.get("doc_type") or "other", record.get("fields") or {})
        forced = _refuse_failing(failing, force, client, doc.path)
        if forced:
            _need_note(note, "确认校验位不符的字段")
        text = (note or "").strip()
        lines = note_header(rev, "复核确认记录", doc.path)
        lines += ["结论：识别结果（文件类型和各字段）经人工核对无误，予以确认。",
                  f"文件类型：{_type_name(record.get('doc_type'))}"]
        lines += [f"  {FIELD_ZH.get(k, k)}：{value_text(v)}" for k, v in sorted((record.get('fields') or {}).items())
                  if k != "years"]
        if record.get("problems"):
            lines += ["机器提示的问题（经核对已解决）："] + [f"  {p}" for p in record["problems"]]
        if forced:
            lines.append("校验位不符但按原件保留：" + "、".join(FIELD_ZH.get(n, n) for n in forced))
        lines.append(f"说明：{text or '（无）'}")
        note_path = rev.note("复核确认", lines)
        rev.put_record(doc.path, decisions.confirm(record, rev.by, rev.at, text, note_path, forced))
        done.update(path=doc.path, note=note_path)
        return f"人工确认 {doc.path}（{rev.by}，说明见 {note_path}）"

    version = pipe.archive.revise(client, decide, by)
    sync_catalog(pipe, client)
    return Decision(client, done["path"], version, done["note"])


def _superseded_lines(moved: list[tuple[str, str]]) -> list[str]:
    return [f"同类文件只保留最新一份（第十二条）：{old} 移入 {history}" for old, history in moved]


def _type_name(doc_type: str | None) -> str:
    rules = load_doctypes()
    if doc_type in rules:
        return f"{rules[doc_type].zh}（{doc_type}）"
    return "其他（other）"


# -- correct ---------------------------------------------------------------------
def correct(pipe, client: str, path: str, note: str, doc_type: str | None = None,
            values: dict[str, str] | None = None, force: bool = False, by: str | None = None) -> Decision:
    """Corrected type and/or fields win from now on (checklist, reports, status, ``show --json``);
    the machine's reading stays beside them (``fields_as_read``). Values are parsed and checked like
    extraction's; one whose check digit fails is refused unless ``force`` (the note says why)."""
    text = _need_note(note, "人工更正")
    values = dict(values or {})
    rules = load_doctypes()
    if doc_type is not None and doc_type not in rules and doc_type != "other":
        known = "、".join(f"{t}（{rules[t].zh}）" for t in rules.ids)
        raise UsageError(f"没有文件类型 {doc_type}。可用的类型：{known}")
    if doc_type is None and not values:
        raise UsageError("请用 --type 更正文件类型，或用 --set 字段=值 更正字段（可多次使用）。")
    done: dict = {}

    def decide(rev: Revision) -> str:
        doc = _in_force(rev, path)
        record = rev.record(doc.path)
        old_type = record.get("doc_type") or "other"
        new_type = doc_type or old_type
        fields = dict(record.get("fields") or {})
        if new_type != old_type:  # the fields of the type the person says it is, read from the original
            fields = _read_as(pipe, rev.original(doc.path), new_type).fields
        if values and new_type not in rules:
            raise DecisionRefused("类型为“其他”的文件没有可更正的字段；请先用 --type 指定文件类型。")
        forced = []
        for name, raw in values.items():
            got: Entered = entered(rules[new_type], name, raw)
            if got.check_failed:
                if not force:
                    raise DecisionRefused(f"{got.check_failed}，未予更正。请对照原件逐位核对后重新填写；原件确实如此"
                                          "（有些早期代码不符合校验规则）请加 --force，并在 --note 中写明理由。")
                forced.append(name)
            fields[name] = got.value
        if "year" in values and "years" in fields and "years" not in values:
            year = fields.get("year")
            fields["years"] = [year] if year is not None else []
        if new_type == old_type and fields == (record.get("fields") or {}):
            raise DecisionRefused(f"{doc.path} 的识别结果已是所填的值，没有需要更正的内容。"
                                  f"如只需确认，请用 `dossier confirm {client} {doc.path}`。")
        left = _failing_checks(new_type, {k: v for k, v in fields.items() if k not in forced})
        left = {k: v for k, v in left.items() if k not in (record.get("forced") or ()) or k in values}
        forced += _refuse_failing(left, force, client, doc.path)
        new_record, entry = decisions.correct(record, rev.by, rev.at, text, None, doc_type if new_type != old_type
                                              else None, fields, tuple(sorted(set(forced))))
        target = doc.path
        name = document_name(Understanding(new_type, fields=fields), Path(doc.path).name)
        if new_type != old_type or (values.get("year") and name != Path(doc.path).name):
            target = rev.rename(doc.path, name)
        lines = note_header(rev, "人工更正记录", target)
        if target != doc.path:
            lines.append(f"原文件名：{doc.path}（按更正后的类型和年度重新命名）")
        if entry["doc_type"]:
            lines.append(f"文件类型：{_type_name(old_type)} → {_type_name(new_type)}")
        lines += [f"  {FIELD_ZH.get(c['field'], c['field'])}：{value_text(c['old'])} → {value_text(c['new'])}"
                  for c in entry["changes"] if c["field"] != "years"]
        if forced:
            lines.append("校验位不符但按原件保留：" + "、".join(FIELD_ZH.get(n, n) for n in sorted(set(forced))))
        lines += [f"更正理由：{text}", "机器识别的原值保留在识别记录的 fields_as_read 中，未被覆盖。"]
        moved = rev.supersede(target, new_type, fields, rules, doc.version)  # 第十二条: the latest of a kind
        lines += _superseded_lines(moved)
        target = dict(moved).get(target, target)
        note_path = rev.note("人工更正", lines)
        entry["note_path"] = note_path  # the entry is the record's last correction
        rev.put_record(target, new_record)
        done.update(path=target, note=note_path, changes=tuple(entry["changes"]))
        return f"人工更正 {target}（{rev.by}，说明见 {note_path}）"

    version = pipe.archive.revise(client, decide, by)
    sync_catalog(pipe, client)
    return Decision(client, done["path"], version, done["note"], done["changes"])


def _read_as(pipe, original: Path, doc_type: str) -> Understanding:
    """Read a stored original again and take its fields as those of ``doc_type`` (the reading cache
    spares the OCR of bytes read before)."""
    settings = pipe.read_settings
    with sandbox.active(pipe.sandbox):
        reading = read_document(original, settings.max_pages, pipe.ocr, settings.ocr_max_pages, settings.ocr_dpi,
                                cache=pipe.read_cache, sandbox=pipe.sandbox, ocr_file_seconds=settings.ocr_file_seconds)
        return understand(original, reading, doc_type=None if doc_type == "other" else doc_type)


# -- withdraw and move -----------------------------------------------------------
def withdraw(pipe, client: str, path: str, note: str, by: str | None = None) -> Decision:
    """Filed by mistake: the document leaves those in force and is kept under documents/历史/ with the note."""
    text = _need_note(note, "撤回文件")
    done: dict = {}

    def decide(rev: Revision) -> str:
        doc = _in_force(rev, path)
        history = rev.retire(doc.path, "撤回")
        lines = note_header(rev, "文件撤回记录", doc.path)
        lines += [f"处理：误归档，撤出有效文件；原件和识别记录保留为 {history}，不删除。", f"理由：{text}"]
        note_path = rev.note("文件撤回", lines)
        rev.meta.setdefault("withdrawn", []).append({"at": rev.at, "by": rev.by, "path": doc.path, "history": history,
                                                     "note": text, "note_path": note_path})
        done.update(path=history, note=note_path)
        return f"撤回 {doc.path}（误归档，保留为 {history}；说明见 {note_path}）"

    version = pipe.archive.revise(client, decide, by)
    sync_catalog(pipe, client)
    return Decision(client, done["path"], version, done["note"])


def move(pipe, client: str, path: str, other: str, note: str, by: str | None = None) -> Decision:
    """Misfiled: the original (with its record and what people decided) is added to ``other``'s
    dossier first, then leaves ``client``'s documents in force, kept under documents/历史/ with the
    note. Two versions, one per object; if the second fails the document is in both, never in neither."""
    text = _need_note(note, "移交文件")
    if other == client:
        raise UsageError("目标客户与原客户相同，无需移交。")
    if not pipe.archive.exists(other):
        raise UsageError(f"档案库中没有目标客户 {other}。")
    head = {d.path: d for d in pipe.archive.head(client).documents}
    wanted = path if path.startswith("documents/") else "documents/" + path
    if wanted not in head:
        raise UsageError(f"客户 {client} 的档案中没有文件 {wanted}。")
    doc = head[wanted]
    if doc.path.startswith(HISTORY):
        raise DecisionRefused(f"{doc.path} 是历史文件，不在有效文件之列，不能移交。")
    reader = pipe.archive.store.reader(client)
    original = reader.content_path(doc.sha512)
    record = json.loads(reader.content_path(doc.record).read_bytes()) if doc.record else None
    there: dict = {}

    def add(rev: Revision) -> str:
        held = rev.holds(doc.sha512)
        lines = note_header(rev, "文件移入记录", held or doc.path)
        if held:
            there.update(path=held, added=False)
            lines.append(f"来源：客户 {client} 的 {doc.path}；本档案已有内容相同的文件 {held}，未重复保存。")
        else:
            logical, _ = rev.add_original(Path(doc.path).name, original)
            lines.append(f"来源：客户 {client} 的 {doc.path}（误归档，移交本客户）；保存为 {logical}。")
            if record is not None:
                moved = dict(record)
                moved["moved_from"] = {"client": client, "path": doc.path, "at": rev.at, "by": rev.by, "note": text}
                rev.put_record(logical, moved)
                lines += _superseded_lines(rev.supersede(logical, moved.get("doc_type"), moved.get("fields") or {},
                                                         load_doctypes()))
            there.update(path=logical, added=True)
        lines.append(f"理由：{text}")
        there["note"] = rev.note("文件移入", lines)
        return f"移入 {there['path']}（来自客户 {client} 的 {doc.path}；说明见 {there['note']}）"

    other_version = pipe.archive.revise(other, add, by)
    done: dict = {}

    def leave(rev: Revision) -> str:
        current = _in_force(rev, doc.path)
        if current.sha512.lower() != doc.sha512.lower():
            raise DecisionRefused(f"{doc.path} 在移交期间已被更新，请重新查看后再操作。")
        history = rev.retire(doc.path, "移出")
        lines = note_header(rev, "文件移出记录", doc.path)
        lines += [f"处理：误归档，已移交客户 {other}（{there['path']}，版本 {other_version or '未变'}）；"
                  f"本档案保留为 {history}，不删除。", f"理由：{text}"]
        note_path = rev.note("文件移出", lines)
        rev.meta.setdefault("moved_out", []).append({"at": rev.at, "by": rev.by, "path": doc.path, "history": history,
                                                     "to": other, "to_path": there["path"], "note": text,
                                                     "note_path": note_path})
        done.update(path=history, note=note_path)
        return f"移出 {doc.path} 至客户 {other}（保留为 {history}；说明见 {note_path}）"

    version = pipe.archive.revise(client, leave, by)
    sync_catalog(pipe, client, other)
    return Decision(client, done["path"], version, done["note"],
                    other={"client": other, "path": there["path"], "version": other_version, "note": there["note"]})
