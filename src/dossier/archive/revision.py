"""One person's decision as one new version (``Archive.revise``): the changes it may make.

A ``Revision`` is handed to the function that makes the decision, inside the object's version
builder. It can replace extracted records (a confirmation, a correction, a re-read), move a
document and its record under ``documents/历史/`` (withdrawn, moved to another client, superseded),
add an original (a document moved in from another client) and write a note under ``notes/``.
It never removes a file from the object: what a version held stays in that version.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from dossier.archive import ocfl
from dossier.archive.records import (DOCUMENTS, HISTORY, NOTES, Document, dumps, extracted_path, iso_utc,
                                     supersede_key)
from dossier.errors import UsageError
from dossier.naming import name_key, safe_segment, unique_name


def retire(builder: "ocfl.VersionBuilder", path: str, taken: set[str], since: str) -> str:
    """Move a document (and its extracted record) under documents/历史/; ``since`` ends its name."""
    stem, dot, ext = path[len(DOCUMENTS):].rpartition(".")
    if not dot:
        stem, ext = path[len(DOCUMENTS):], ""
    history = unique_name(f"{HISTORY}{stem}_{since}{dot}{ext}", taken)
    builder.rename(path, history)
    if extracted_path(path) in builder.state:
        builder.rename(extracted_path(path), extracted_path(history))
        taken.add(name_key(extracted_path(history)))
    taken.add(name_key(history))
    taken.discard(name_key(path))
    taken.discard(name_key(extracted_path(path)))
    return history


class Revision:
    def __init__(self, client: str, builder: "ocfl.VersionBuilder", meta: dict, base: dict[str, Document],
                 now: datetime, operator: str):
        self.client = client
        self.builder = builder
        self.meta = meta  # dossier.json as it will be written (change it in place)
        self.base = base  # path -> Document of the head built upon
        self.now = now
        self.at = iso_utc(now)
        self.by = operator
        self.staged: dict[str, bytes] = {}  # digest -> bytes of records written in this version
        self.taken = {name_key(p) for p in builder.state}

    # -- what the head holds -------------------------------------------------
    def document(self, path: str) -> Document:
        """The document at ``path`` of the head (``documents/`` may be left out), else UsageError."""
        wanted = path if path.startswith(DOCUMENTS) else DOCUMENTS + path
        doc = self.base.get(wanted)
        if doc is None:
            in_force = sorted(p for p in self.base if not p.startswith(HISTORY))
            listed = "、".join(in_force[:12]) + ("……" if len(in_force) > 12 else "")
            raise UsageError(f"客户 {self.client} 的档案中没有文件 {wanted}。现有文件：{listed or '（暂无）'}"
                             f"（可用 `dossier show {self.client}` 查看）")
        return doc

    def record(self, path: str) -> dict:
        """The extracted record of a document of the head, parsed (UsageError when it has none)."""
        doc = self.document(path)
        if not doc.record:
            raise UsageError(f"{doc.path} 没有识别记录（extracted/），无法复核。")
        return json.loads(self.builder.base.content_path(doc.record).read_bytes())

    def original(self, path: str) -> Path:
        """Where the stored original of a document of the head lies (read only)."""
        return self.builder.base.content_path(self.document(path).sha512)

    # -- changes -------------------------------------------------------------
    def put_record(self, path: str, record: dict) -> None:
        data = dumps(record)
        self.staged[self.builder.add_bytes(extracted_path(path), data).lower()] = data

    def rename(self, path: str, name: str) -> str:
        """Give a document (and its record) a new name in documents/ (unique); returns the new path."""
        wanted = unique_name(DOCUMENTS + safe_segment(name), self.taken - {name_key(path)})
        if wanted == path:
            return path
        self.builder.rename(path, wanted)
        if extracted_path(path) in self.builder.state:
            self.builder.rename(extracted_path(path), extracted_path(wanted))
        self.taken -= {name_key(path), name_key(extracted_path(path))}
        self.taken |= {name_key(wanted), name_key(extracted_path(wanted))}
        return wanted

    def retire(self, path: str, since: str) -> str:
        return retire(self.builder, path, self.taken, since)

    def supersede(self, path: str, doc_type: str | None, fields: dict, rules, arrival: str | None = None,
                  changed: dict[str, tuple[str | None, dict, str | None]] | None = None) -> list[tuple[str, str]]:
        """Rules 第十二条 for a document a person has just given its type or fields, or moved in (at ``path``
        of the version being built; ``arrival``: the version it came in, None for this one). Of the documents
        in force with the same supersede key, the one that came in last stays in force (on a tie, the one at
        ``path``); the others move under 历史/, their names ending in the version they came in. Returns
        (path, history path) of each one moved: the document at ``path`` too, when a later one stays.

        ``changed``: documents this revision has already given a new reading, by their path in the version
        being built: (type, fields, version they came in). They are compared as they now read."""
        key = supersede_key(doc_type, fields, rules)
        if key is None:
            return []
        changed = changed or {}
        rivals = []
        for p in self.builder.state:
            if not p.startswith(DOCUMENTS) or p.startswith(HISTORY) or p == path:
                continue
            if p in changed:
                other_type, other_fields, since = changed[p]
            elif p in self.base and self.base[p].record:
                d = self.base[p]
                other_type, other_fields, since = d.doc_type, d.fields, d.version
            else:
                continue
            if supersede_key(other_type, other_fields, rules) == key:
                rivals.append((_number(since), p, since))
        if not rivals:
            return []
        rivals.sort()
        keep = rivals[-1][1] if rivals[-1][0] > _number(arrival) else path
        out = [(p, self.retire(p, since)) for _, p, since in rivals if p != keep]
        if keep != path:
            out.append((path, self.retire(path, arrival or "本版")))
        return out

    def add_original(self, name: str, source: Path) -> tuple[str, str]:
        """Store an original under documents/ (a unique name). Returns (logical path, sha512)."""
        logical = unique_name(DOCUMENTS + safe_segment(name), self.taken)
        digest = self.builder.add_file(logical, source)
        self.taken |= {name_key(logical), name_key(extracted_path(logical))}
        return logical, digest.lower()

    def holds(self, digest: str) -> str | None:
        """The path of the head that holds these bytes, if any."""
        return next((p for p, d in sorted(self.builder.state.items())
                     if p.startswith(DOCUMENTS) and d.lower() == digest.lower()), None)

    def note(self, title: str, lines: list[str]) -> str:
        """A note under notes/ (``YYYYMMDD_<title>.txt``, unique). Returns its path."""
        path = unique_name(f"{NOTES}{self.now:%Y%m%d}_{title}.txt", self.taken)
        self.builder.add_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
        self.taken.add(name_key(path))
        return path


def _number(version: str | None) -> int:
    """The number of a version name; None (the version being built) after every one."""
    return int(version[1:]) if version else 1 << 62
