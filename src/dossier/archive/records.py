"""Dossier records inside an object: logical paths, the extracted record, documents and snapshots (plain data).

Inside an object (design section 3):
  documents/<name>          originals, byte for byte as dropped
  extracted/<name>.json     what the read stage learnt (source, media type, pages, text, fields)
  reports/<name>.docx       reports of the version's state; issued ones are frozen
  notes/<name>.txt          change and amendment notes
  dossier.json              client id, name, credit code, inbox folders, case data
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dossier.archive import ocfl
from dossier.models import Incoming, Reading, Understanding
from dossier.rules import FIELD_ZH, DocTypeRules

DOSSIER_JSON = "dossier.json"
DOCUMENTS = "documents/"
EXTRACTED = "extracted/"
HISTORY = "documents/历史/"
REPORTS = "reports/"
NOTES = "notes/"


def dumps(data: Any) -> bytes:
    """Stable JSON bytes: unchanged data gives identical bytes, so nothing new is stored.
    (``json.dumps(..., ensure_ascii=False, indent=2, sort_keys=True)``, written by the faster
    ``ocfl.canonical_json``.)"""
    return (ocfl.canonical_json(data) + "\n").encode("utf-8")


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
    record: str = ""  # sha512 of its extracted record ("" when it has none); not part of to_json
    # What people decided (review.settle): the machine's reading stays beside the values that win.
    field_confidence: dict = field(default_factory=dict)
    confirmed_by: str | None = None
    confirmed_at: str | None = None
    corrections: tuple[dict, ...] = ()
    forced: tuple[str, ...] = ()  # fields a person kept although their check digit fails
    fields_as_read: dict | None = None  # None: no person has changed what the machine read
    doc_type_as_read: str | None = None

    @property
    def in_force(self) -> bool:
        """False for a superseded document kept under documents/历史/."""
        return not self.path.startswith(HISTORY)

    @property
    def settled(self) -> bool:
        """A person has confirmed or corrected this reading (its flags are settled)."""
        return bool(self.confirmed_by)

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
            "review": self.review,
            "problems": list(self.problems),
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at,
            "corrections": [dict(c) for c in self.corrections],
            "fields_as_read": self.fields_as_read,
            "doc_type_as_read": self.doc_type_as_read,
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

#: The keys of an extracted record a Document is made of (its text aside).
INFO_KEYS = ("source", "media_type", "pages", "doc_type", "confidence", "fields", "review", "problems",
             "field_confidence", "confirmed_by", "confirmed_at", "corrections", "forced", "fields_as_read",
             "doc_type_as_read")


def record_info(record: dict) -> dict:
    """What a Document needs of an extracted record, without the text (small enough to keep)."""
    return {key: record[key] for key in INFO_KEYS if key in record}


def record_text(record: dict) -> str:
    return "\n".join(record.get("text") or [])


def first_versions(reader: "ocfl.ObjectReader", version: str, paths) -> dict[str, str]:
    """For each path of ``version``: the earliest version from which it has held the same bytes
    without a break (``ObjectReader.first_version_of`` for many paths in one walk back)."""
    target = reader.version(version)
    remaining = {p: target.state[p].lower() for p in paths}
    first = dict.fromkeys(remaining, target.name)
    for number in range(target.number - 1, 0, -1):
        if not remaining:
            break
        older = reader.version(f"v{number}")
        state = older.state
        for path, digest in list(remaining.items()):
            found = state.get(path)
            if found is None or found.lower() != digest:
                del remaining[path]
            else:
                first[path] = older.name
    return first


def document_from(path: str, digest: str, version: str, info: dict, with_text: bool,
                  record: str = "") -> Document:
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
        record=record,
        field_confidence=info.get("field_confidence") or {},
        confirmed_by=info.get("confirmed_by"),
        confirmed_at=info.get("confirmed_at"),
        corrections=tuple(info.get("corrections") or ()),
        forced=tuple(info.get("forced") or ()),
        fields_as_read=info.get("fields_as_read"),
        doc_type_as_read=info.get("doc_type_as_read"),
    )


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso_utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def supersede_key(doc_type: str | None, fields: dict, rules: DocTypeRules) -> tuple | None:
    """Documents with equal keys replace one another (the newer stays in force); None: never."""
    if not doc_type or doc_type not in rules or rules[doc_type].supersede_by is None:
        return None
    values = tuple(fields.get(name) for name in rules[doc_type].supersede_by)
    return None if any(v is None for v in values) else (doc_type, *values)


def field_changes(old: dict, new: dict) -> list[dict]:
    return [{"field": name, "label": FIELD_ZH.get(name, name), "old": old.get(name), "new": new.get(name)}
            for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]


def digests_to_paths(state: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path, digest in sorted(state.items()):
        if path.startswith(DOCUMENTS):
            out.setdefault(digest.lower(), path)
    return out


def extracted_record(item: Item, digest: str, received: datetime) -> dict:
    reading, found = item.reading, item.understanding
    return {
        "source": item.incoming.source,
        "sha512": digest,
        "received": iso_utc(received),
        "media_type": reading.media_type,
        "pages": reading.pages,
        "page_methods": [{"page": p.number, "method": p.method, "confidence": p.confidence,
                          "rotation": p.rotation} for p in reading.page_texts],
        "text": list(reading.pages_text),
        "notes": [*reading.notes, *found.notes],
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
