"""SQLite catalog: a cache of the archive, rebuilt from it alone by ``dossier reindex``.

Losing this file loses nothing. Updated after every commit from an archive ``Snapshot``.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from pathlib import Path
from typing import Callable, Iterable

from dossier.archive import Document, Snapshot
from dossier.checks import client_status

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5  # 2: documents carry their record's digest, review flag, problems and FTS row
# 3: and what people decided (confirmed_by, the decisions JSON) and the field confidences: the review
#    queue is a query; each client's checklist status at its head (client_status), so lists and
#    dashboards of many clients are queries too
# 4: and the open items of each head apart (open_items), so the review queue need not parse checklists
# 5: the cached statuses carry reevaluate, reevaluate_reasons and next_due (issue 14): rebuilt, not stale
_CACHED_TABLES = ("clients", "versions", "documents", "document_text", "client_status")  # rebuilt from the archive
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS clients (
    client TEXT PRIMARY KEY, name TEXT, credit_code TEXT, version TEXT, updated TEXT, folders TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    client TEXT, version TEXT, number INTEGER, created TEXT, user TEXT, message TEXT,
    PRIMARY KEY (client, version)
);
CREATE TABLE IF NOT EXISTS documents (
    client TEXT, path TEXT, version TEXT, sha512 TEXT, source TEXT, media_type TEXT, pages INTEGER,
    doc_type TEXT, confidence REAL, fields TEXT, record TEXT, review INTEGER, problems TEXT, text_rowid INTEGER,
    field_confidence TEXT, confirmed_by TEXT, decisions TEXT,
    PRIMARY KEY (client, path)
);
CREATE INDEX IF NOT EXISTS documents_sha512 ON documents (sha512);
CREATE TABLE IF NOT EXISTS client_status (
    client TEXT PRIMARY KEY, version TEXT, complete INTEGER, product TEXT, review_items INTEGER,
    statuses TEXT, status TEXT, open_items TEXT
);
CREATE INDEX IF NOT EXISTS documents_review ON documents (review);
CREATE VIRTUAL TABLE IF NOT EXISTS document_text USING fts5(
    client UNINDEXED, path UNINDEXED, body, tokenize = 'trigram'
);
-- access log (export.py / accesslog.py): a cache of each object's logs/access.jsonl
CREATE TABLE IF NOT EXISTS access_log (
    client TEXT, time TEXT, event TEXT, user TEXT, version TEXT, destination TEXT,
    files INTEGER, bytes INTEGER, entry TEXT
);
CREATE INDEX IF NOT EXISTS access_log_client ON access_log (client, time);
"""


def _decisions(d: Document) -> dict | None:
    """What people decided about a document (the catalog's ``decisions`` column); None when nobody has
    (most documents: the column is then NULL, which reads back as the same defaults)."""
    if not (d.confirmed_at or d.corrections or d.forced or d.fields_as_read is not None
            or d.doc_type_as_read is not None):
        return None
    return {"confirmed_at": d.confirmed_at, "corrections": [dict(c) for c in d.corrections],
            "forced": list(d.forced), "fields_as_read": d.fields_as_read, "doc_type_as_read": d.doc_type_as_read}


def _json_or_null(value) -> str | None:
    """A JSON column's text, NULL for an empty value (read back as the empty default: one parse fewer
    per document when a client's records are recalled)."""
    return json.dumps(value, ensure_ascii=False) if value else None


def _mark(excerpt: str, word: str) -> str:
    """``word`` in 【】 at its first place in ``excerpt`` outside an existing mark."""
    start = 0
    while (i := excerpt.find(word, start)) >= 0:
        if excerpt.count("【", 0, i) == excerpt.count("】", 0, i):  # not inside a 【…】 already
            return excerpt[:i] + f"【{word}】" + excerpt[i + len(word):]
        start = i + 1
    return excerpt


class Catalog:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # WAL: readers never block the writer nor wait for it; a writer waits (busy timeout) for another
        # writer's short transaction instead of failing with "database is locked".
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout=30000")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")
        self._migrate()
        present = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master")}
        wanted = set(re.findall(r"CREATE (?:VIRTUAL )?(?:TABLE|INDEX) IF NOT EXISTS (\w+)", _SCHEMA))
        row = None
        if "meta" in present:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or not wanted <= present:  # opening a complete catalog writes nothing (readers do it often)
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _migrate(self) -> None:
        """A catalog of another schema is a cache like any other: drop what the archive rebuilds
        (``heads()`` is then empty, so the next ``sync_catalog`` reindexes every client)."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:  # a new file
            return
        if row is None or row[0] == str(SCHEMA_VERSION):
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for table in _CACHED_TABLES:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute("DELETE FROM meta WHERE key = 'schema_version'")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------
    def update(self, snap: Snapshot, text: Callable[[str, Document], str] | None = None) -> None:
        """Bring one client up to its archive snapshot (the head).

        Without ``text``: replace everything known of the client, full text from the snapshot's
        documents (``Archive.snapshot(client, with_text=True)``). With ``text(client, doc)`` (``Archive.text_of``):
        change only the rows of paths added, changed or removed since what the catalog holds; a
        document moved to another path keeps its full-text row, and ``text`` is asked only for
        records the catalog has never held. Both give the same catalog.
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if text is None:
                self._delete(snap.client)
                rows: dict[str, tuple] = {}
            else:
                rows = {r[0]: r[1:] for r in db.execute(
                    "SELECT path, sha512, version, record, text_rowid FROM documents WHERE client = ?",
                    (snap.client,))}
            db.execute(
                "INSERT OR REPLACE INTO clients VALUES (?, ?, ?, ?, ?, ?)",
                (snap.client, snap.name, snap.credit_code, snap.version, snap.created,
                 json.dumps(snap.meta.get("folders") or [], ensure_ascii=False)),
            )
            self._versions(snap)
            self._status(snap)
            by_path = {d.path: d for d in snap.documents}
            # full-text rows whose path goes away or now holds another record: free to follow their record
            freed: dict[str, int] = {}
            unused: set[int] = set()
            for path, (_sha, _version, record, rowid) in rows.items():
                d = by_path.get(path)
                if rowid is not None and (d is None or d.record != record):
                    unused.add(rowid)
                    if record:
                        freed.setdefault(record, rowid)
            plan = []
            for d in snap.documents:
                old = rows.get(d.path)
                if old is not None and old[:3] == (d.sha512, d.version, d.record):
                    continue  # same bytes, same record, same first version: the row is as it was
                rowid, action = None, "new"
                if old is not None and old[2] == d.record and d.record:
                    rowid, action = old[3], "keep"
                elif d.record and d.record in freed:
                    rowid, action = freed.pop(d.record), "move"
                    unused.discard(rowid)
                plan.append((d, rowid, action))
            for rowid in unused:  # rows of removed paths and replaced records nobody took over
                db.execute("DELETE FROM document_text WHERE rowid = ?", (rowid,))
            for path in rows.keys() - by_path.keys():
                db.execute("DELETE FROM documents WHERE client = ? AND path = ?", (snap.client, path))
            for d, rowid, action in plan:
                if action == "move":
                    db.execute("UPDATE document_text SET path = ? WHERE rowid = ?", (d.path, rowid))
                elif action == "new":
                    body = d.text if text is None else text(snap.client, d)
                    if body:
                        rowid = db.execute("INSERT INTO document_text (client, path, body) VALUES (?, ?, ?)",
                                           (snap.client, d.path, body)).lastrowid
                db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (snap.client, d.path, d.version, d.sha512, d.source, d.media_type, d.pages, d.doc_type,
                     d.confidence, json.dumps(d.fields, ensure_ascii=False), d.record, int(d.review),
                     _json_or_null(list(d.problems)), rowid, _json_or_null(d.field_confidence), d.confirmed_by,
                     _json_or_null(_decisions(d))))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _status(self, snap: Snapshot) -> None:
        """The client's checklist status at this head (``dossier status --json``'s client object)."""
        try:
            status = client_status(snap)
        except Exception:  # a rule bug must not stop the catalog: the row says nothing then
            log.exception("checklist of %s failed", snap.client)
            self.db.execute("DELETE FROM client_status WHERE client = ?", (snap.client,))
            return
        statuses = {i["item"]: i["status"] for i in status["items"]}
        open_items = [i for i in status["items"] if i["status"] not in ("ok", "not_required")]
        self.db.execute("INSERT OR REPLACE INTO client_status VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (snap.client, snap.version, int(status["complete"]), status["case"]["product"],
                         sum(1 for v in statuses.values() if v == "review"),
                         json.dumps(statuses, ensure_ascii=False), json.dumps(status, ensure_ascii=False),
                         json.dumps(open_items, ensure_ascii=False)))

    def open_items(self, clients: Iterable[str] | None = None, with_review: bool = False) -> dict[str, list[dict]]:
        """Per client, the checklist items of its head that are neither ok nor not required (as
        ``status --json`` items). ``with_review``: only clients that have a document or an item in
        review (what the review queue needs)."""
        where = ("WHERE s.review_items > 0 OR s.client IN (SELECT client FROM documents WHERE review = 1)"
                 if with_review else "")  # IN, not a correlated EXISTS: one pass over the review index
        rows = self.db.execute(f"SELECT s.client, s.open_items FROM client_status s {where} ORDER BY s.client")
        wanted = set(clients) if clients is not None else None
        return {c: json.loads(items) if items else [] for c, items in rows if wanted is None or c in wanted}

    def statuses(self, clients: Iterable[str] | None = None) -> list[dict]:
        """``dossier status --json`` client objects as the catalog holds them (heads' checklists)."""
        rows = self.db.execute("SELECT client, status FROM client_status ORDER BY client")
        wanted = set(clients) if clients is not None else None
        return [json.loads(s) for c, s in rows if wanted is None or c in wanted]

    def status_texts(self, clients: Iterable[str] | None = None) -> list[str]:
        """``statuses`` as the JSON texts stored (an answer of many clients need not parse them)."""
        rows = self.db.execute("SELECT client, status FROM client_status ORDER BY client")
        wanted = set(clients) if clients is not None else None
        return [s for c, s in rows if s and (wanted is None or c in wanted)]

    def status_of(self, client: str) -> dict | None:
        """One client's ``statuses`` object (None when the catalog holds none)."""
        row = self.db.execute("SELECT status FROM client_status WHERE client = ?", (client,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def reevaluating(self, clients: Iterable[str] | None = None) -> list[dict]:
        """Clients whose head is marked for re-evaluation (rules 第二十条), with the reasons: a query on the
        cached statuses, no archive read."""
        rows = self.db.execute("SELECT s.client, c.name, json_extract(s.status, '$.reevaluate_reasons') "
                               "FROM client_status s LEFT JOIN clients c ON c.client = s.client "
                               "WHERE json_extract(s.status, '$.reevaluate') = 1 ORDER BY s.client")
        wanted = set(clients) if clients is not None else None
        return [{"client": c, "name": n, "reasons": json.loads(r) if r else []}
                for c, n, r in rows if wanted is None or c in wanted]

    def status_summaries(self, clients: Iterable[str] | None = None) -> list[dict]:
        """Per client at its head, without its whole checklist: version, complete, product, how many
        items are in review, and each item's status (``{item: status}``): what lists filter on."""
        rows = self.db.execute("SELECT client, version, complete, product, review_items, statuses "
                               "FROM client_status ORDER BY client")
        wanted = set(clients) if clients is not None else None
        keys = ("client", "version", "complete", "product", "review_items")
        return [{**dict(zip(keys, (c, v, bool(done), product, n))), "statuses": json.loads(s) if s else {}}
                for c, v, done, product, n, s in rows if wanted is None or c in wanted]

    def _versions(self, snap: Snapshot) -> None:
        have = {r[0] for r in self.db.execute("SELECT version FROM versions WHERE client = ?", (snap.client,))}
        names = {v.name for v in snap.versions}
        for name in have - names:
            self.db.execute("DELETE FROM versions WHERE client = ? AND version = ?", (snap.client, name))
        self.db.executemany(
            "INSERT OR REPLACE INTO versions VALUES (?, ?, ?, ?, ?, ?)",
            [(snap.client, v.name, v.number, v.created, v.user_name, v.message) for v in snap.versions
             if v.name not in have or v.name == snap.version])

    def _delete(self, client: str) -> None:
        for table in ("clients", "versions", "documents", "client_status"):
            self.db.execute(f"DELETE FROM {table} WHERE client = ?", (client,))
        self.db.execute("DELETE FROM document_text WHERE client = ?", (client,))

    def remove_missing(self, present: Iterable[str]) -> None:
        present = set(present)
        for (client,) in self.db.execute("SELECT client FROM clients").fetchall():
            if client not in present:
                self.db.execute("BEGIN IMMEDIATE")
                self._delete(client)
                self.db.execute("DELETE FROM access_log WHERE client = ?", (client,))
                self.db.execute("COMMIT")

    # -- reading ---------------------------------------------------------
    def records(self, client: str) -> dict[str, dict]:
        """What the catalog holds of a client's extracted records, by their sha512 (``Archive.recall``)."""
        out = {}
        for (record, source, media_type, pages, doc_type, confidence, fields, review, problems, field_conf,
             confirmed_by, decisions) in self.db.execute(
                "SELECT record, source, media_type, pages, doc_type, confidence, fields, review, problems, "
                "field_confidence, confirmed_by, decisions "
                "FROM documents WHERE client = ? AND record IS NOT NULL AND record != ''", (client,)):
            out[record] = {"source": source, "media_type": media_type, "pages": pages, "doc_type": doc_type,
                           "confidence": confidence, "fields": json.loads(fields) if fields else {},
                           "review": bool(review), "problems": json.loads(problems) if problems else [],
                           "field_confidence": json.loads(field_conf) if field_conf else {},
                           "confirmed_by": confirmed_by, **(json.loads(decisions) if decisions else {})}
        return out

    def flagged(self, client: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Documents in force whose reading waits for a person (review flag set, not settled), the
        oldest first: what ``review.queue`` lists (a query, not a scan of the archive); ``limit`` and
        ``offset`` page it."""
        where = "d.review = 1 AND d.path NOT LIKE 'documents/历史/%'" + (" AND d.client = ?" if client else "")
        page = f" LIMIT {int(limit)} OFFSET {max(0, int(offset))}" if limit is not None else ""
        rows = self.db.execute(
            "SELECT d.client, d.path, d.version, d.doc_type, d.confidence, d.fields, d.field_confidence, "
            "d.problems, v.created FROM documents d LEFT JOIN versions v ON v.client = d.client "
            f"AND v.version = d.version WHERE {where} ORDER BY v.created, d.client, d.path{page}",
            (client,) if client else ())
        keys = ("client", "path", "version", "doc_type", "confidence", "fields", "field_confidence", "problems",
                "received")
        out = []
        for row in rows:
            item = dict(zip(keys, row))
            for key, empty in (("fields", {}), ("field_confidence", {}), ("problems", [])):
                item[key] = json.loads(item[key]) if item[key] else empty
            out.append(item)
        return out

    def flagged_count(self, client: str | None = None) -> int:
        """How many documents in force wait for a person (the dashboard's figure, the queue's pages)."""
        return self.db.execute("SELECT count(*) FROM documents WHERE review = 1 AND path NOT LIKE 'documents/历史/%'"
                               + (" AND client = ?" if client else ""), (client,) if client else ()).fetchone()[0]

    def expiring(self, fields: Iterable[tuple[str, str]], until: str) -> list[dict]:
        """Documents in force whose validity field (``(doc_type, field)`` pairs) ends on or before
        ``until`` (ISO date), the earliest first: ``{"client", "name", "path", "doc_type", "field", "date"}``."""
        out = []
        for doc_type, field in fields:
            rows = self.db.execute(
                "SELECT d.client, c.name, d.path, json_extract(d.fields, ?) AS ends FROM documents d "
                "LEFT JOIN clients c ON c.client = d.client WHERE d.doc_type = ? "
                "AND d.path NOT LIKE 'documents/历史/%' AND ends IS NOT NULL AND ends <= ?",
                (f"$.{field}", doc_type, until))
            out += [{"client": c, "name": n, "path": p, "doc_type": doc_type, "field": field, "date": e}
                    for c, n, p, e in rows]
        return sorted(out, key=lambda r: (r["date"], r["client"], r["path"]))

    def decided(self) -> list[tuple[str, str]]:
        """(client, path) of every document a person confirmed or corrected (``rules test`` replays them)."""
        return list(self.db.execute("SELECT client, path FROM documents WHERE confirmed_by IS NOT NULL "
                                    "AND confirmed_by != '' ORDER BY client, path"))

    def heads(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT client, version FROM clients"))

    def find_client(self, query: str) -> list[str]:
        """Clients whose id, company name, credit code or inbox folder equals ``query``."""
        q = query.strip()
        rows = self.db.execute(
            "SELECT client FROM clients WHERE client = ? OR name = ? OR upper(credit_code) = upper(?) "
            "OR EXISTS (SELECT 1 FROM json_each(clients.folders) WHERE value = ?) ORDER BY client",
            (q, q, q, q),
        ).fetchall()
        return [r[0] for r in rows]

    def client_keys(self) -> list[dict]:
        """Every client with what a person may call it by: id, company name, credit code, inbox folders."""
        rows = self.db.execute("SELECT client, name, credit_code, folders FROM clients ORDER BY client")
        return [{"client": c, "name": n or "", "credit_code": code or "", "folders": json.loads(f) if f else []}
                for c, n, code, f in rows]

    def clients_holding(self, sha512: str) -> list[str]:
        """Clients that hold a document with these bytes (any version's head path)."""
        rows = self.db.execute("SELECT DISTINCT client FROM documents WHERE lower(sha512) = lower(?) ORDER BY client",
                               (sha512,)).fetchall()
        return [r[0] for r in rows]

    def clients(self) -> list[dict]:
        cur = self.db.execute(
            "SELECT c.client, c.name, c.credit_code, c.version, c.updated, "
            "(SELECT count(*) FROM documents d WHERE d.client = c.client) FROM clients c ORDER BY c.client"
        )
        keys = ("client", "name", "credit_code", "version", "updated", "documents")
        return [dict(zip(keys, row)) for row in cur]

    # -- access log and filtered search (export.py, accesslog.py, `dossier pull/log/search`) ----------
    # The access log's truth is logs/access.jsonl in each OCFL object; this table is its cache.
    def record_access(self, entry: dict) -> None:
        self.db.execute("INSERT INTO access_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self._access_row(entry))

    def replace_access_log(self, client: str, entries: list[dict]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM access_log WHERE client = ?", (client,))
            self.db.executemany("INSERT INTO access_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [self._access_row({**e, "client": client}) for e in entries])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def access_log(self, client: str) -> list[dict]:
        rows = self.db.execute("SELECT entry FROM access_log WHERE client = ? ORDER BY rowid", (client,))
        return [json.loads(r[0]) for r in rows]

    def search_documents(self, text: str, client: str | None = None, doc_type: str | None = None,
                         limit: int = 50) -> list[dict]:
        """Full-text search of document text layers, optionally within one client and document type.

        Words separated by spaces must all occur in a document (``恒远 利润表``). Words of three
        characters or more use the FTS5 trigram index (a substring anywhere, even inside a word);
        one or two characters a substring scan (instr), which is exact.
        Each hit: client, name, path, doc_type, version, snippet (hits in 【】).
        """
        words = list(dict.fromkeys(text.split()))
        if not words:
            return []
        long_words = [w for w in words if len(w) >= 3]  # the trigram tokenizer cannot match fewer
        short_words = [w for w in words if len(w) < 3]
        where, args = [], []
        if long_words:
            where.append("document_text MATCH ?")
            args.append(" ".join('"' + w.replace('"', '""') + '"' for w in long_words))  # implicit AND
        for w in short_words:
            where.append("instr(t.body, ?) > 0")
            args.append(w)
        if client is not None:
            where.append("t.client = ?")
            args.append(client)
        if doc_type is not None:
            where.append("d.doc_type = ?")
            args.append(doc_type)
        join = ("FROM document_text t LEFT JOIN documents d ON d.client = t.client AND d.path = t.path "
                "LEFT JOIN clients c ON c.client = t.client")
        cols = "t.client, c.name, t.path, d.doc_type, d.version"
        if long_words:
            snippet, snippet_args = "snippet(document_text, 2, '【', '】', '…', 24)", ()
        else:
            first = short_words[0]
            snippet, snippet_args = "substr(t.body, max(1, instr(t.body, ?) - 24), 48 + length(?))", (first, first)
        rows = self.db.execute(f"SELECT {cols}, {snippet} {join} WHERE {' AND '.join(where)} "
                               f"ORDER BY t.client, t.path LIMIT ?", (*snippet_args, *args, limit))
        hits = []
        for r in rows:
            shown = r[5] or ""
            for w in short_words:  # FTS marks the long words; mark the short ones where the excerpt shows them
                shown = _mark(shown, w)
            hits.append((*r[:5], shown))
        keys = ("client", "name", "path", "doc_type", "version", "snippet")
        return [dict(zip(keys, (*h[:5], " ".join((h[5] or "").split())))) for h in hits]

    @staticmethod
    def _access_row(entry: dict) -> tuple:
        return (entry.get("client"), entry.get("time"), entry.get("event"), entry.get("user"),
                entry.get("version"), entry.get("destination"), entry.get("files"), entry.get("bytes"),
                json.dumps(entry, ensure_ascii=False))
    # -- end of the access log and filtered search section ---------------------------------------------
