"""The review queue: every document in force whose reading waits for a person, and every checklist
item in ``review``, the oldest first (``dossier review``, the web workplace's queue).

The flagged documents come from the catalog (a query: the ``review`` column is the record's flag,
cleared when a person confirms or corrects it); the items they block from the checklist of each
client that has one.
"""

from __future__ import annotations

from dossier.checks import assess, item_name


def queue(pipe, client: str | None = None) -> dict:
    """``{"documents": [{"client", "path", "doc_type", "confidence", "fields", "field_confidence",
    "problems", "blocks", "version", "received"}], "items": [{"client", "item", "name", "status",
    "documents", "problems"}]}``: documents oldest first, items by client."""
    rows = pipe.catalog.flagged(client)
    clients = [client] if client else [c["client"] for c in pipe.catalog.clients()]
    in_review: dict[str, list] = {}
    open_items: dict[str, list] = {}  # items not ok: the ones a flagged document may hold up
    for cid in clients:
        if not pipe.archive.exists(cid):
            continue
        _case, _when, items = assess(pipe.archive.head(cid))
        in_review[cid] = [i for i in items if i.status == "review"]
        open_items[cid] = [i for i in items if i.status not in ("ok", "not_required")]
    documents = []
    for row in rows:
        items = open_items.get(row["client"], [])
        blocks = [i.item for i in items if row["path"] in i.documents or any(row["path"] in p for p in i.problems)]
        documents.append({"client": row["client"], "path": row["path"], "doc_type": row["doc_type"],
                          "confidence": row["confidence"], "fields": row["fields"],
                          "field_confidence": row["field_confidence"], "problems": row["problems"],
                          "blocks": blocks, "version": row["version"], "received": row["received"]})
    items_out = [{"client": cid, "item": i.item, "name": item_name(i.item), "status": i.status,
                  "documents": list(i.documents), "problems": list(i.problems)}
                 for cid in sorted(in_review) for i in in_review[cid]]
    return {"documents": documents, "items": items_out}
