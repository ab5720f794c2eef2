"""SQLite catalog: a cache of the archive, rebuilt from it alone by ``dossier reindex``.

Losing this file loses nothing. Updated after every commit from an archive ``Snapshot``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable

from dossier.archive import Snapshot

SCHEMA_VERSION = 1
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
    doc_type TEXT, confidence REAL, fields TEXT,
    PRIMARY KEY (client, path)
);
CREATE INDEX IF NOT EXISTS documents_sha512 ON documents (sha512);
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


class Catalog:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------
    def update(self, snap: Snapshot) -> None:
        """Replace everything known of one client by its archive snapshot (head, with text)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._delete(snap.client)
            db.execute(
                "INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?)",
                (snap.client, snap.name, snap.credit_code, snap.version, snap.created,
                 json.dumps(snap.meta.get("folders") or [], ensure_ascii=False)),
            )
            db.executemany(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)",
                [(snap.client, v.name, v.number, v.created, v.user_name, v.message) for v in snap.versions],
            )
            db.executemany(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(snap.client, d.path, d.version, d.sha512, d.source, d.media_type, d.pages, d.doc_type,
                  d.confidence, json.dumps(d.fields, ensure_ascii=False)) for d in snap.documents],
            )
            db.executemany(
                "INSERT INTO document_text (client, path, body) VALUES (?, ?, ?)",
                [(snap.client, d.path, d.text) for d in snap.documents if d.text],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _delete(self, client: str) -> None:
        for table in ("clients", "versions", "documents", "document_text"):
            self.db.execute(f"DELETE FROM {table} WHERE client = ?", (client,))

    def remove_missing(self, present: Iterable[str]) -> None:
        present = set(present)
        for (client,) in self.db.execute("SELECT client FROM clients").fetchall():
            if client not in present:
                self.db.execute("BEGIN IMMEDIATE")
                self._delete(client)
                self.db.execute("DELETE FROM access_log WHERE client = ?", (client,))
                self.db.execute("COMMIT")

    # -- reading ---------------------------------------------------------
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

        Three characters or more use the FTS5 trigram index (a substring anywhere, even inside a
        word); one or two characters fall back to a substring scan (instr), which is exact.
        Each hit: client, name, path, doc_type, version, snippet (hit in 【】).
        """
        text = text.strip()
        if not text:
            return []
        where, args = [], []
        if client is not None:
            where.append("t.client = ?")
            args.append(client)
        if doc_type is not None:
            where.append("d.doc_type = ?")
            args.append(doc_type)
        extra = "".join(" AND " + w for w in where)
        join = ("FROM document_text t LEFT JOIN documents d ON d.client = t.client AND d.path = t.path "
                "LEFT JOIN clients c ON c.client = t.client")
        cols = "t.client, c.name, t.path, d.doc_type, d.version"
        if len(text) < 3:  # the trigram tokenizer cannot match fewer than three characters
            rows = self.db.execute(
                f"SELECT {cols}, substr(t.body, max(1, instr(t.body, ?) - 24), 48 + length(?)) {join} "
                f"WHERE instr(t.body, ?) > 0{extra} ORDER BY t.client, t.path LIMIT ?",
                (text, text, text, *args, limit))
            hits = [(*r[:5], (r[5] or "").replace(text, f"【{text}】", 1)) for r in rows]
        else:
            rows = self.db.execute(
                f"SELECT {cols}, snippet(document_text, 2, '【', '】', '…', 24) {join} "
                f"WHERE document_text MATCH ?{extra} ORDER BY t.client, t.path LIMIT ?",
                ('"' + text.replace('"', '""') + '"', *args, limit))
            hits = list(rows)
        keys = ("client", "name", "path", "doc_type", "version", "snippet")
        return [dict(zip(keys, (*h[:5], " ".join((h[5] or "").split())))) for h in hits]

    @staticmethod
    def _access_row(entry: dict) -> tuple:
        return (entry.get("client"), entry.get("time"), entry.get("event"), entry.get("user"),
                entry.get("version"), entry.get("destination"), entry.get("files"), entry.get("bytes"),
                json.dumps(entry, ensure_ascii=False))
    # -- end of the access log and filtered search section ---------------------------------------------
