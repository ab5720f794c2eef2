"""Readings remembered by content: the same bytes are never read or OCRed twice.

A batch whose commit failed leaves its files in the inbox; the next pass claims them again and
finds their readings here. The cache lives in the home's state folder (never in the inbox: a
clerk's bytes are untrusted, this folder is not) as one SQLite file (``reading-cache.sqlite``: a
file per entry cost more to create here than reading a page), keyed by the SHA-512 of the content
and a digest of the reader's settings (reader and dossier version, page limits, dpi, OCR engine), so
a change of settings or of the reader reads afresh. It is bounded in bytes: the least recently used
entries go first. A damaged entry or database is a miss, never an error.

Only complete readings are kept: one with a page whose OCR failed (a worker killed, out of memory)
is read again next time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from dossier.models import Page, Reading

log = logging.getLogger(__name__)

#: Bump when the reader's output changes for the same bytes and settings (old entries become misses).
READER_VERSION = "pdfium-2"  # 2: pages carry their cells
CHUNK = 1 << 20
DEFAULT_MAX_MB = 64.0
#: Files above this size are hashed for the cache only when a page needs OCR: their text layer
#: costs less to read than their bytes cost to hash (a 300 MiB PDF of a few pages).
HASH_TEXT_LIMIT = 32 << 20


def file_sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ReadSettings:
    """The settings a reading depends on (``dossier.config`` names them)."""

    max_pages: int = 500
    ocr_engine: str = "none"
    ocr_max_pages: int = 30
    ocr_dpi: int = 200
    min_text_chars: int = 20  # thresholds.toml: a page with fewer visible characters is a scan
    #: seconds of OCR for all pages of one file (0: no limit); not in the key: a reading it cut short
    #: is not cached
    ocr_file_seconds: float = 600.0

    @functools.cached_property
    def key(self) -> str:
        text = (f"{READER_VERSION}|{_package_version()}|{self.max_pages}|{self.ocr_engine}|{self.ocr_max_pages}|"
                f"{self.ocr_dpi}|{self.min_text_chars}")
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _package_version() -> str:
    """dossier's version: an upgrade (a better reader or OCR engine) reads afresh."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dossier")
    except PackageNotFoundError:
        return "unknown"


class ReadingCache:
    """Readings by (content SHA-512, settings) in one SQLite file ``path``, at most ``max_bytes`` of
    readings in all. Opened on first use; a damaged database is set aside and started afresh."""

    def __init__(self, path: Path, max_bytes: int = int(DEFAULT_MAX_MB * (1 << 20))):
        self.path = Path(path)
        self.max_bytes = max(0, int(max_bytes))
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._size = 0

    @classmethod
    def for_config(cls, config) -> "ReadingCache":
        mb = float(config.read_cache_mb)
        return cls(config.state_dir / "reading-cache.sqlite", int(mb * (1 << 20)))

    def _open(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a cache: losing the last entries to a crash costs a re-read
            db.execute("CREATE TABLE IF NOT EXISTS readings (digest TEXT NOT NULL, settings TEXT NOT NULL, "
                       "data BLOB NOT NULL, used REAL NOT NULL, PRIMARY KEY (digest, settings))")
            self._size = db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM readings").fetchone()[0]
        except sqlite3.OperationalError as exc:  # locked by another process, read-only...: go without
            log.warning("reading cache %s cannot be used now: %s", self.path, exc)
            return None
        except sqlite3.DatabaseError as exc:  # not a database, or damaged: start afresh
            log.warning("reading cache %s unusable (%s): started afresh", self.path, exc)
            self._discard()
            return None
        except OSError as exc:
            log.warning("reading cache %s cannot be opened: %s", self.path, exc)
            return None
        self._db = db
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def get(self, digest: str, settings: ReadSettings) -> Reading | None:
        db = self._open()
        if db is None:
            self.misses += 1
            return None
        key = (digest.lower(), settings.key)
        try:
            row = db.execute("SELECT data FROM readings WHERE digest = ? AND settings = ?", key).fetchone()
            if row is None:
                self.misses += 1
                return None
            try:
                reading = reading_from_json(json.loads(row[0]))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("reading cache entry %s unusable (%s): removed", key[0][:16], exc)
                db.execute("DELETE FROM readings WHERE digest = ? AND settings = ?", key)
                self.misses += 1
                return None
            db.execute("UPDATE readings SET used = ? WHERE digest = ? AND settings = ?", (time.time(), *key))
        except sqlite3.DatabaseError as exc:
            log.warning("reading cache %s unusable (%s)", self.path, exc)
            self.misses += 1
            return None
        self.hits += 1
        return reading

    def put(self, digest: str, settings: ReadSettings, reading: Reading) -> None:
        if self.max_bytes <= 0:
            return
        data = json.dumps(reading_to_json(reading), ensure_ascii=False).encode("utf-8")
        if len(data) > self.max_bytes:
            return
        db = self._open()
        if db is None:
            return
        try:
            db.execute("INSERT OR REPLACE INTO readings (digest, settings, data, used) VALUES (?, ?, ?, ?)",
                       (digest.lower(), settings.key, data, time.time()))
            self._size += len(data)
            if self._size > self.max_bytes:
                self._evict(db)
        except sqlite3.DatabaseError as exc:  # the cache is a saving, never a failure
            log.warning("reading cache not written: %s", exc)

    def _evict(self, db: sqlite3.Connection) -> None:
        """Drop the least recently used entries until the cache holds at most 3/4 of its bound."""
        total = db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM readings").fetchone()[0]
        keep = self.max_bytes * 3 // 4
        doomed = []
        for digest, key, size in db.execute("SELECT digest, settings, LENGTH(data) FROM readings ORDER BY used"):
            if total <= keep:
                break
            doomed.append((digest, key))
            total -= size
        db.executemany("DELETE FROM readings WHERE digest = ? AND settings = ?", doomed)
        self._size = total

    def stored_bytes(self) -> int:
        """Bytes of readings held (for tests and the administrator)."""
        db = self._open()
        return 0 if db is None else db.execute("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM readings").fetchone()[0]

    def __len__(self) -> int:
        db = self._open()
        return 0 if db is None else db.execute("SELECT COUNT(*) FROM readings").fetchone()[0]


def reading_to_json(reading: Reading) -> dict:
    return {
        "media_type": reading.media_type,
        "pages": reading.pages,
        "page_texts": [{"number": p.number, "text": p.text, "method": p.method, "confidence": p.confidence,
                        "rotation": p.rotation, "lines": [list(line) for line in p.line_confidence],
                        "cells": [list(cell) for cell in p.cells]}
                       for p in reading.page_texts],
        "notes": list(reading.notes),
    }


def reading_from_json(data: dict) -> Reading:
    pages = tuple(Page(int(p["number"]), str(p["text"]), str(p["method"]),
                       None if p["confidence"] is None else float(p["confidence"]), int(p["rotation"]),
                       tuple((str(t), float(c)) for t, c in p["lines"]),
                       tuple((str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in p.get("cells", ())))
                  for p in data["page_texts"])
    count = data["pages"]
    return Reading(str(data["media_type"]), None if count is None else int(count), pages,
                   tuple(str(n) for n in data["notes"]))


__all__ = ["HASH_TEXT_LIMIT", "READER_VERSION", "ReadSettings", "ReadingCache", "file_sha512",
           "reading_from_json", "reading_to_json"]
