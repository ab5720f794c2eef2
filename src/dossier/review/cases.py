"""Corrections teach the rules: every reading a person settled is a case to replay.

A case is a document in force that a person confirmed or corrected: its stored original (and the
text read from it, in its record), the machine's result at the time (``fields_as_read``) and the
person's answer (the type and values pinned). ``replay(pipe, rules_dir)`` reads each original again
(the reading cache spares OCR) and understands it with the rules in force and with a rules copy,
and says per case and field what each gets right or wrong, so a company can check a rules change
against every past human decision before it goes live (``dossier rules test``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from dossier.archive import decisions
from dossier.errors import ReadError, UsageError
from dossier.reading import read_batch, sandbox, understand
from dossier.rules import load_doctypes, rule_file


@dataclass(frozen=True)
class Check:
    """One thing a person decided about one document, and what the machine gets."""

    client: str
    path: str
    field: str  # "doc_type" or a field name
    answer: object  # the person's
    as_read: object  # the machine's, when it was read
    current: object  # the rules in force, now
    candidate: object  # the rules copy
    corrected: bool  # the person changed this value (else confirmed it)

    @property
    def verdict(self) -> str:
        """``right`` / ``wrong`` of the copy, and how that compares with the rules in force:
        ``fixed`` (in force wrong, copy right), ``broken`` (in force right, copy wrong)."""
        now_ok, copy_ok = self.current == self.answer, self.candidate == self.answer
        if copy_ok:
            return "right" if now_ok else "fixed"
        return "broken" if now_ok else "wrong"

    def to_json(self) -> dict:
        return {"client": self.client, "path": self.path, "field": self.field, "answer": self.answer,
                "as_read": self.as_read, "current": self.current, "candidate": self.candidate,
                "corrected": self.corrected, "verdict": self.verdict}


def _rules(rules_dir: str | Path | None):
    if rules_dir is not None and not Path(rules_dir).is_dir():
        raise UsageError(f"规则文件夹 {rules_dir} 不存在。")
    return load_doctypes(rule_file("doctypes.toml", rules_dir), rule_file("thresholds.toml", rules_dir))


def replay(pipe, rules_dir: str | Path | None) -> tuple[list[Check], list[str]]:
    """Every settled case of the home against the rules in force and the copy in ``rules_dir``.
    Returns the checks (one per decided field and type) and the cases that could not be replayed."""
    current, candidate = _rules(None), _rules(rules_dir)
    checks: list[Check] = []
    skipped: list[str] = []
    by_client: dict[str, list[str]] = {}
    for client, path in pipe.catalog.decided():
        if not path.startswith("documents/历史/"):
            by_client.setdefault(client, []).append(path)
    for client, paths in by_client.items():
        reader = pipe.archive.store.reader(client)
        head = {d.path: d for d in pipe.archive.head(client).documents}
        docs = [head[p] for p in paths if p in head and head[p].record]
        originals = [reader.content_path(d.sha512) for d in docs]
        with sandbox.active(pipe.sandbox):
            readings = read_batch(originals, pipe.read_settings, pipe.ocr, pipe.read_cache, sandbox=pipe.sandbox)
            for doc, original, reading in zip(docs, originals, readings):
                if reading is None or isinstance(reading, ReadError):
                    skipped.append(f"{client} {doc.path}：{getattr(reading, 'message', '读取被中断')}")
                    continue
                record = json.loads(reader.content_path(doc.record).read_bytes())
                now, copy = understand(original, reading, current), understand(original, reading, candidate)
                checks += _checks(client, doc.path, record, now, copy)
    return checks, skipped


def _checks(client: str, path: str, record: dict, now, copy) -> list[Check]:
    pinned = record.get("pinned") or {}
    answer_type = pinned.get("doc_type", record.get("doc_type"))
    as_read = decisions.machine(record)
    corrected_fields = {c["field"] for e in record.get("corrections") or () for c in e.get("changes") or ()}
    type_corrected = any(e.get("doc_type") for e in record.get("corrections") or ())
    out = [Check(client, path, "doc_type", answer_type, as_read["doc_type"], now.doc_type, copy.doc_type,
                 type_corrected)]
    answer = pinned.get("fields") or record.get("fields") or {}
    read = as_read["fields"] or {}
    for name in sorted(answer):
        if name == "years":
            continue
        out.append(Check(client, path, name, answer[name], read.get(name),
                         now.fields.get(name) if now.doc_type == answer_type else None,
                         copy.fields.get(name) if copy.doc_type == answer_type else None,
                         name in corrected_fields))
    return out
