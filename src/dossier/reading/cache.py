"""Readings remembered by content: the same bytes are never read or OCRed twice.

A batch whose commit failed leaves its files in the inbox; the next pass claims them again and
finds their readings here. Entries live in the home's state folder (never in the inbox: a clerk's
bytes are untrusted, this folder is not), one small JSON file each, named by the SHA-512 of the
content and a digest of the reader's settings (reader version, page limits, dpi, OCR engine), so a
change of settings or of the reader reads afresh. The cache is bounded in bytes: the least recently
used entries go first. A damaged or unreadable entry is a miss, never an error.

Only complete readings are kept: one with a page whose OCR failed (a worker killed, out of memory)
is read again next time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dossier.models import Page, Reading

log = logging.getLogger(__name__)

#: Bump when the reader's output changes for the same bytes and settings (old entries become misses).
READER_VERSION = "pdfium-1"
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

    @functools.cached_property
    def key(self) -> str:
        text = (f"{READER_VERSION}|{_package_version()}|{self.max_pages}|{self.ocr_engine}|{self.ocr_max_pages}|"
                f"{self.ocr_dpi}")
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
    """Readings by (content SHA-512, settings) in ``folder``, at most ``max_bytes`` in all."""

    def __init__(self, folder: Path, max_bytes: int = int(DEFAULT_MAX_MB * (1 << 20))):
        self.folder = Path(folder)
        self.max_bytes = max(0, int(max_bytes))
        self.hits = 0
        self.misses = 0
        self._size: int | None = None  # bytes in the folder, counted on first write

    @classmethod
    def for_config(cls, config) -> "ReadingCache":
        mb = float(getattr(config, "read_cache_mb", DEFAULT_MAX_MB))
        return cls(config.state_dir / "reading-cache", int(mb * (1 << 20)))

    def _path(self, digest: str, settings: ReadSettings) -> Path:
        return self.folder / f"{digest.lower()}-{settings.key}.json"

    def get(self, digest: str, settings: ReadSettings) -> Reading | None:
        path = self._path(digest, settings)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reading = reading_from_json(data)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("reading cache entry %s unusable (%s): removed", path.name, exc)
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        try:
            os.utime(path)  # recently used
        except OSError:
            pass
        self.hits += 1
        return reading

    def put(self, digest: str, settings: ReadSettings, reading: Reading) -> None:
        if self.max_bytes <= 0:
            return
        data = json.dumps(reading_to_json(reading), ensure_ascii=False).encode("utf-8")
        if len(data) > self.max_bytes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._path(digest, settings)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)  # a crash leaves the old entry or the new one, never half of one
            if self._size is None:
                self._size = self._count()
            else:
                self._size += len(data)
            if self._size > self.max_bytes:
                self._evict()
        except OSError as exc:  # the cache is a saving, never a failure
            log.warning("reading cache not written: %s", exc)

    def _entries(self) -> list[tuple[float, int, Path]]:
        out = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(".json"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                out.append((st.st_mtime, st.st_size, Path(entry.path)))
        return out

    def _count(self) -> int:
        return sum(size for _mtime, size, _path in self._entries())

    def _evict(self) -> None:
        """Drop the least recently used entries until the cache holds at most 3/4 of its bound."""
        entries = sorted(self._entries())
        total = sum(size for _m, size, _p in entries)
        for _mtime, size, path in entries:
            if total <= self.max_bytes * 3 // 4:
                break
            path.unlink(missing_ok=True)
            total -= size
        self._size = total


def reading_to_json(reading: Reading) -> dict:
    return {
        "media_type": reading.media_type,
        "pages": reading.pages,
        "page_texts": [{"number": p.number, "text": p.text, "method": p.method, "confidence": p.confidence,
                        "rotation": p.rotation, "lines": [list(line) for line in p.line_confidence]}
                       for p in reading.page_texts],
        "notes": list(reading.notes),
    }


def reading_from_json(data: dict) -> Reading:
    pages = tuple(Page(int(p["number"]), str(p["text"]), str(p["method"]),
                       None if p["confidence"] is None else float(p["confidence"]), int(p["rotation"]),
                       tuple((str(t), float(c)) for t, c in p["lines"]))
                  for p in data["page_texts"])
    count = data["pages"]
    return Reading(str(data["media_type"]), None if count is None else int(count), pages,
                   tuple(str(n) for n in data["notes"]))


__all__ = ["HASH_TEXT_LIMIT", "READER_VERSION", "ReadSettings", "ReadingCache", "file_sha512",
           "reading_from_json", "reading_to_json"]
