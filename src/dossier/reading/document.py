"""Reading stage: what the claimed files say, each read once.

``read_batch(paths, settings, ocr, cache)`` reads many files together: for each file one sniff
(``sniff.probe``, remembered from the settle check), one pypdfium2 open (page count, encryption,
text layer: ``pdf``), a look in the reading cache (``cache``: the same bytes are never read or
OCRed twice); then every page without usable text, of every file of the batch, goes to the OCR pool
in one stream, so two workers are busy even when each file is a one-page scan.

Parsing runs in the read sandbox (``sandbox``: a worker process with a time and a memory limit,
``read_seconds`` and ``read_memory_mb``); this process only sniffs, hashes and assembles. A file's
scanned pages share one OCR budget (``ocr_file_seconds``): past it, the pages not yet handed to a
worker are recorded unread, and the document is archived for review (as pages over
``ocr_max_pages`` are), not quarantined: its original is kept and nothing is wrong with it that a
clerk could fix; a person reads the pages the machine had no time for. Such a reading is not cached.

``read_document(path, ...)`` is the same for one file: a Reading, or ReadError with the reason a
clerk should see, or Interrupted.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from dossier.errors import Interrupted, ReadError
from dossier.models import Page, Reading
from dossier.reading import pdf as pdfium_text  # noqa: F401 - the PDF reader the sandbox runs (tests patch it here)
from dossier.reading.cache import (
    HASH_TEXT_LIMIT,
    ReadingCache,
    ReadSettings,
    file_sha512,
)
from dossier.reading.grid import cells_of_lines
from dossier.reading.ocr import PageRef
from dossier.reading.sandbox import Local, Sandbox, content_key
from dossier.reading.sniff import SUPPORTED, looks_complete, probe, sniff
from dossier.reading.tables import pdf_tables
from dossier.rules import load_thresholds

log = logging.getLogger(__name__)



class PageOcr(Protocol):
    """What the read stage needs of OCR (``ocr.OcrPool``): pages in, results in order."""

    def imap(self, items: Iterable) -> Iterator: ...


def settings_for(config, ocr: PageOcr | None = None) -> ReadSettings:
    """The reader's settings from a ``dossier.config.Config``."""
    return ReadSettings(config.read_max_pages, _engine_name(ocr), config.ocr_max_pages, config.ocr_dpi,
                        load_thresholds().min_text_chars, float(config.ocr_file_seconds))


def _engine_name(ocr: PageOcr | None) -> str:
    return "none" if ocr is None else str(getattr(ocr, "engine", type(ocr).__name__))


def read_document(path: Path, max_pages: int = 500, ocr: PageOcr | None = None, ocr_max_pages: int = 30,
                  ocr_dpi: int = 200, should_stop: Callable[[], bool] = lambda: False,
                  cache: ReadingCache | None = None, sandbox: Sandbox | Local | None = None,
                  ocr_file_seconds: float = 600.0) -> Reading:
    """Read one file: text layer first, OCR only for pages without usable text.

    Raises ReadError with the reason a clerk should see, or Interrupted.
    """
    settings = ReadSettings(max_pages, _engine_name(ocr), ocr_max_pages, ocr_dpi, load_thresholds().min_text_chars,
                            ocr_file_seconds)
    result = read_batch([path], settings, ocr, cache, should_stop, sandbox=sandbox)[0]
    if isinstance(result, ReadError):
        raise result
    if result is None:
        raise Interrupted()
    return result


@dataclass
class _File:
    """One file of a batch between its text layer and its OCR."""

    media_type: str
    count: int
    pages: list[Page | None]
    todo: list[tuple[int, PageRef]]
    notes: list[str] = field(default_factory=list)
    digest: str | None = None
    failed: bool = False  # a page's OCR failed, or its budget ran out: the reading is not cached


def read_batch(paths: Sequence[Path], settings: ReadSettings, ocr: PageOcr | None = None,
               cache: ReadingCache | None = None, should_stop: Callable[[], bool] = lambda: False,
               on_file: Callable[[int], None] | None = None,
               sandbox: Sandbox | Local | None = None) -> list[Reading | ReadError | None]:
    """Read every file of ``paths``; per file a Reading, a ReadError (quarantine it with its
    message), or None when the service is stopping before the file was read (put it back).

    ``sandbox`` parses within its limits (``Sandbox``); None: in this process, unbounded (``Local``,
    for library use; the service always passes its own).

    ``on_file(k)`` is called as file ``k`` is started (progress). A reader bug costs its file only
    (a ReadError saying so), never the batch.
    """
    results: list[Reading | ReadError | None] = [None] * len(paths)
    waiting: dict[int, _File] = {}
    sandbox = sandbox or Local()
    for k, path in enumerate(paths):
        if should_stop():
            return results
        if on_file:
            on_file(k)
        try:
            found = _prepare(Path(path), settings, cache, ocr is not None, sandbox, should_stop)
        except Interrupted:  # stopping while its parse ran: back to the inbox with the rest
            return results
        except ReadError as exc:
            results[k] = exc
            continue
        except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the service
            log.exception("reading %s failed", path)
            results[k] = ReadError(f"读取时发生内部错误（{type(exc).__name__}: {exc}），请联系系统管理员。")
            continue
        if isinstance(found, Reading):
            results[k] = found
        else:
            waiting[k] = found
    if not waiting:
        return results
    try:
        stopped = _ocr_all(waiting, settings, ocr, should_stop)
    except Exception as exc:  # noqa: BLE001 - the OCR engine cannot run at all
        log.exception("OCR failed for a batch of %d files", len(waiting))
        for k in waiting:
            results[k] = ReadError(f"读取时发生内部错误（{type(exc).__name__}: {exc}），请联系系统管理员。")
        return results
    for k, f in waiting.items():
        if stopped and any(p is None for p in f.pages):
            continue  # not finished: back to the inbox
        reading = Reading(media_type=f.media_type, pages=f.count, page_texts=tuple(f.pages), notes=tuple(f.notes))
        results[k] = reading
        if cache is not None and not f.failed and ocr is not None:
            if f.digest is None:
                f.digest = file_sha512(paths[k])
            cache.put(f.digest, settings, reading)
    return results


def _prepare(path: Path, settings: ReadSettings, cache: ReadingCache | None, can_ocr: bool,
             sandbox: Sandbox | Local, should_stop: Callable[[], bool] = lambda: False) -> Reading | _File:
    """The finished Reading (cached, text layer only, not a PDF or image), or the pages still to OCR.
    Only the sniff and the hash run here; every parse runs in ``sandbox``."""
    try:
        found = probe(path)
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror}") from exc
    if found.size == 0:
        raise ReadError("文件为空（0 字节），可能是复制失败。请重新扫描或复制后放入收件箱。")
    media_type = found.media_type
    if media_type is None:
        raise ReadError(
            f"不是可识别的文档格式（支持 {SUPPORTED}）。如果是压缩包或其他格式，请转换后重新放入。"
        )
    if not found.complete:
        raise ReadError("文件不完整（缺少文件结束标记），可能复制中断或文件已损坏。请重新扫描或复制。")
    digest = None
    pdf = media_type == "application/pdf"
    if cache is not None and (media_type.startswith("image/") or (pdf and found.size <= HASH_TEXT_LIMIT)):
        digest = file_sha512(path)
        hit = cache.get(digest, settings)
        if hit is not None:
            return hit
    # the key of the file's strikes in the sandbox (a file that killed its worker twice is not tried again)
    key = (digest or content_key(path)) if isinstance(sandbox, Sandbox) else None
    label = path.name
    if pdf:
        count, layer, layer_cells, notes = sandbox.run("pdf_text", str(path), settings.max_pages, key=key,
                                                       label=label, should_stop=should_stop)
        pages: list[Page | None] = [Page(i + 1, text, "text", cells=cells) if _usable(text, settings.min_text_chars)
                                    else None for i, (text, cells) in enumerate(zip(layer, layer_cells))]
        todo = [(i, PageRef(str(path), i, 0, settings.ocr_dpi)) for i, page in enumerate(pages) if page is None]
    elif media_type.startswith("image/"):
        count, notes = sandbox.run("image_frames", str(path), settings.max_pages, key=key, label=label,
                                   should_stop=should_stop)
        pages = [None] * count
        todo = [(i, PageRef(str(path), None, i, settings.ocr_dpi)) for i in range(count)]
    else:
        sandbox.run("zip_check", str(path), media_type, sandbox.limits.memory_mb, key=key, label=label,
                    should_stop=should_stop)
        return Reading(media_type=media_type, pages=None)
    if not todo:
        reading = Reading(media_type=media_type, pages=count, page_texts=tuple(pages), notes=tuple(notes))
        if cache is not None and digest is not None:
            cache.put(digest, settings, reading)
        return reading
    if cache is not None and digest is None and can_ocr:  # a large PDF: worth hashing before OCR
        digest = file_sha512(path)
        hit = cache.get(digest, settings)
        if hit is not None:
            return hit
    return _File(media_type, count, pages, todo, notes, digest)


def _ocr_all(files: dict[int, _File], settings: ReadSettings, ocr: PageOcr | None, should_stop) -> bool:
    """OCR the pages of every file in one stream of the pool, in place; True if stopped early."""
    refs: list[tuple[_File, int, PageRef]] = []
    for f in files.values():
        if ocr is None:
            for i, _ref in f.todo:
                f.pages[i] = Page(i + 1, "", "none")
            f.notes.append(f"{len(f.todo)} 页为扫描图像，未启用 OCR，需人工查看")
            continue
        limit = settings.ocr_max_pages
        for i, _ref in f.todo[limit:]:
            f.pages[i] = Page(i + 1, "", "none")
        if len(f.todo) > limit:
            f.notes.append(f"超过 OCR 页数上限（{limit} 页），其余 {len(f.todo) - limit} 页未识别")
        refs += [(f, i, ref) for i, ref in f.todo[:limit]]
    if not refs:
        return False
    budget = settings.ocr_file_seconds
    sent: list[tuple[_File, int]] = []
    started: dict[int, float] = {}  # id(file) -> when its first page went to a worker
    skipped: dict[int, list[int]] = {}  # id(file) -> pages left unread: its budget was spent

    def feed():
        """Pages as workers free up; a file whose budget is spent gets no more."""
        for f, i, ref in refs:
            if budget > 0:
                first = started.setdefault(id(f), time.monotonic())
                if id(f) in skipped or time.monotonic() - first > budget:
                    skipped.setdefault(id(f), []).append(i)
                    continue
            sent.append((f, i))
            yield ref

    try:  # a pool that can stop while pages are in flight (SIGTERM during a long scan) is told how
        results = ocr.imap(feed(), should_stop=should_stop)
    except TypeError:  # an engine whose imap takes the pages alone
        results = ocr.imap(feed())
    try:
        for n, result in enumerate(results):
            f, i = sent[n]
            if isinstance(result, Exception):
                f.pages[i] = Page(i + 1, "", "none")
                # before the limit note, as a file read alone had them
                f.notes.insert(_failure_slot(f), f"第 {i + 1} 页 OCR 失败：{getattr(result, 'message', result)}")
                f.failed = True
            else:
                f.pages[i] = Page(i + 1, result.text, "ocr", result.confidence, result.rotation,
                                  tuple((line.text, line.confidence) for line in result.lines),
                                  cells_of_lines((line.text, line.box, line.parts) for line in result.lines))
            if should_stop():
                return True
    finally:
        close = getattr(results, "close", None)
        if close:
            close()  # an abandoned imap drops the pages still in flight
    if should_stop():  # the pool stopped waiting: the pages in flight are not read
        return True
    for f in files.values():
        unread = skipped.get(id(f))
        if unread:
            for i in unread:
                f.pages[i] = Page(i + 1, "", "none")
            f.notes.insert(_failure_slot(f), f"OCR 时间超过单个文件上限（{budget:g} 秒，设置 ocr_file_seconds），"
                                             f"其余 {len(unread)} 页未识别，需人工查看")
            f.failed = True  # not cached: another time (or a raised budget) may read them
    return False


def _failure_slot(f: _File) -> int:
    for n, note in enumerate(f.notes):
        if note.startswith("超过 OCR 页数上限"):
            return n
    return len(f.notes)


def _usable(text: str, min_chars: int) -> bool:
    return sum(1 for ch in text if not ch.isspace()) >= min_chars


__all__ = [
    "SUPPORTED",
    "Interrupted",
    "PageOcr",
    "looks_complete",
    "pdf_tables",
    "read_batch",
    "read_document",
    "settings_for",
    "sniff",
]
