"""The review queue: every document in force whose reading waits for a person, and every checklist
item in ``review``, the oldest first (``dossier review``, the web workplace's queue).

The flagged documents come from the catalog (a query: the ``review`` column is the record's flag,
cleared when a person confirms or corrects it); the items they block from the checklist status the
catalog keeps for each client's head (no archive is read: a queue over 1,000 clients stays fast).
"""

from __future__ import annotations

from dossier.checks import item_name


def queue(pipe, client: str | None = None, limit: int | None = None, offset: int = 0) -> dict:
    """``{"documents": [{"client", "path", "doc_type", "confidence", "fields", "field_confidence",
    "problems", "blocks", "version", "received"}], "items": [{"client", "item", "name", "status",
    "documents", "problems"}]}``: documents oldest first, items by client. ``limit``/``offset`` page
    the documents (the web queue); the answer then also says how many there are (``"total"``)."""
    rows = pipe.catalog.flagged(client, limit, offset)
    # items not ok (the ones a flagged document may hold up), of the clients with anything in review
    open_items = pipe.catalog.open_items([client] if client else None, with_review=True)
    in_review = {c: [i for i in items if i["status"] == "review"] for c, items in open_items.items()}
    in_review = {c: items for c, items in in_review.items() if items}
    documents = []
    for row in rows:
        items = open_items.get(row["client"], [])
        blocks = [i["item"] for i in items
                  if row["path"] in i["documents"] or any(row["path"] in p for p in i["problems"])]
        documents.append({"client": row["client"], "path": row["path"], "doc_type": row["doc_type"],
                          "confidence": row["confidence"], "fields": row["fields"],
                          "field_confidence": row["field_confidence"], "problems": row["problems"],
                          "blocks": blocks, "version": row["version"], "received": row["received"]})
    names: dict[str, str] = {}  # item_name reads the checklist rules: once per item id, not per client
    for item in {i["item"] for items in in_review.values() for i in items}:
        names[item] = item_name(item)
    items_out = [{"client": cid, "item": i["item"], "name": names[i["item"]], "status": i["status"],
                  "documents": list(i["documents"]), "problems": list(i["problems"])}
                 for cid in sorted(in_review) for i in in_review[cid]]
    found = {"documents": documents, "items": items_out}
    if limit is not None:
        found["total"] = pipe.catalog.flagged_count(client)
    return found
