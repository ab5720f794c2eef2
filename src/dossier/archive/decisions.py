"""What people decide about a reading, applied to an extracted record (pure: dicts in, dicts out).

An extracted record (``extracted/<name>.json``) says what the machine read. A person who settles
it (rules 第十二条, 第二十七条) adds to the record, and never takes anything away:

- ``doc_type_as_read`` / ``fields_as_read`` / ``review_as_read``: the machine's reading, kept
  beside the values that now win (``doc_type`` / ``fields``), written the first time a person
  decides and replaced only by a machine re-read (``reread``);
- ``confirmed_by`` / ``confirmed_at``: who settled it last, and when; ``review`` is then false;
- ``confirmations`` and ``corrections``: every decision, with who, when, why and the note file;
  a correction lists each field's old and new value (and the type's);
- ``pinned``: the type and the values the person confirmed or set: they win over any later
  machine reading (``merge_reread``); ``forced``: fields kept although their check digit fails.

Older versions of the object keep the record as it was before each decision.
"""

from __future__ import annotations

import copy

#: The keys of a record that hold what people decided (carried over a re-read).
HUMAN_KEYS = ("confirmed_by", "confirmed_at", "confirmations", "corrections", "pinned", "forced")
#: The machine's reading, as the record held it before any person changed it.
AS_READ = (("doc_type", "doc_type_as_read"), ("fields", "fields_as_read"), ("review", "review_as_read"))


def is_settled(record: dict) -> bool:
    return bool(record.get("confirmed_by"))


def machine(record: dict) -> dict:
    """The machine's reading of a record: type, fields and review flag as read (not as decided)."""
    return {key: copy.deepcopy(record.get(kept, record.get(key))) for key, kept in AS_READ}


def _keep_as_read(record: dict) -> None:
    for key, kept in AS_READ:
        record.setdefault(kept, copy.deepcopy(record.get(key)))


def _settle(record: dict, by: str, at: str) -> None:
    record["review"] = False
    record["confirmed_by"], record["confirmed_at"] = by, at
    record["pinned"] = {"doc_type": record.get("doc_type"), "fields": copy.deepcopy(record.get("fields") or {})}


def confirm(record: dict, by: str, at: str, note: str, note_path: str | None, forced: tuple[str, ...] = ()) -> dict:
    """The reading confirmed as it is (type and fields): the flag is settled, the values pinned."""
    out = copy.deepcopy(record)
    _keep_as_read(out)
    _settle(out, by, at)
    out.setdefault("confirmations", []).append({"at": at, "by": by, "note": note, "note_path": note_path,
                                                "forced": list(forced)})
    if forced:
        out["forced"] = sorted(set(out.get("forced") or ()) | set(forced))
    return out


def correct(record: dict, by: str, at: str, note: str, note_path: str | None, doc_type: str | None,
            fields: dict, forced: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Corrected type and/or fields win; the reading as read stays beside them.

    ``fields`` are the document's fields as they now stand (every field of its type). Returns the new
    record and the correction entry (``{"at", "by", "note", "note_path", "doc_type": {"old", "new"} | None,
    "changes": [{"field", "old", "new"}], "forced"}``).
    """
    out = copy.deepcopy(record)
    _keep_as_read(out)
    old_type, old_fields = record.get("doc_type"), record.get("fields") or {}
    changes = [{"field": name, "old": old_fields.get(name), "new": fields.get(name)}
               for name in sorted(set(old_fields) | set(fields)) if old_fields.get(name) != fields.get(name)]
    entry = {"at": at, "by": by, "note": note, "note_path": note_path,
             "doc_type": {"old": old_type, "new": doc_type} if doc_type and doc_type != old_type else None,
             "changes": changes, "forced": list(forced)}
    if doc_type:
        out["doc_type"] = doc_type
    out["fields"] = copy.deepcopy(fields)
    _settle(out, by, at)
    out.setdefault("corrections", []).append(entry)
    forced_now = set(out.get("forced") or ()) - {c["field"] for c in changes}  # a new value: checked afresh
    out["forced"] = sorted(forced_now | set(forced))
    if not out["forced"]:
        del out["forced"]
    return out, entry


def merge_reread(old: dict, fresh: dict) -> dict:
    """A new machine reading of the same original, with what people decided kept and still winning.

    ``fresh`` is a record as the read stage writes it now. The values a person pinned win; fields
    the new rules read that nobody pinned are taken from the new reading when the type is the one
    the person settled; the flag stays settled. ``received`` and ``source`` are those of ``old``.
    """
    out = copy.deepcopy(fresh)
    for key in ("source", "received"):
        if key in old:
            out[key] = old[key]
    if not is_settled(old):
        return out
    for key, kept in AS_READ:
        out[kept] = copy.deepcopy(fresh.get(key))
    pinned = old.get("pinned") or {"doc_type": old.get("doc_type"), "fields": old.get("fields") or {}}
    read_fields = fresh.get("fields") or {}
    same_type = fresh.get("doc_type") == pinned.get("doc_type")
    out["doc_type"] = pinned.get("doc_type")
    out["fields"] = {**(read_fields if same_type else {}), **copy.deepcopy(pinned.get("fields") or {})}
    for key in HUMAN_KEYS:
        if key in old:
            out[key] = copy.deepcopy(old[key])
    out["review"] = False
    return out


def differences(old: dict, new: dict) -> list[dict]:
    """What a re-read changes in a record, per field (``reread --dry-run``): type, fields, flag,
    problems; for a settled record also the machine's own reading (``"as_read": True``)."""
    out = []
    if old.get("doc_type") != new.get("doc_type"):
        out.append({"field": "doc_type", "old": old.get("doc_type"), "new": new.get("doc_type")})
    a, b = old.get("fields") or {}, new.get("fields") or {}
    out += [{"field": name, "old": a.get(name), "new": b.get(name)} for name in sorted(set(a) | set(b))
            if a.get(name) != b.get(name)]
    if bool(old.get("review")) != bool(new.get("review")):
        out.append({"field": "review", "old": bool(old.get("review")), "new": bool(new.get("review"))})
    if list(old.get("problems") or ()) != list(new.get("problems") or ()):
        out.append({"field": "problems", "old": list(old.get("problems") or ()), "new": list(new.get("problems") or ())})
    if is_settled(new):  # what the machine reads now, beside the values a person settled
        a, b = machine(old)["fields"] or {}, machine(new)["fields"] or {}
        out += [{"field": name, "old": a.get(name), "new": b.get(name), "as_read": True}
                for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
    return out
