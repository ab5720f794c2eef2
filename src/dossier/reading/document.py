"""Reading stage: media type, completeness, page count and the PDF text layer.

Issue "Reading and extraction" replaces the internals (OCR for scans); the slot stays:
``read_document(path) -> Reading`` or ``ReadError`` with a Chinese reason.
"""

from __future__ import annotations

import logging
import warnings
import zipfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from dossier.errors import ReadError
from dossier.models import Page, Reading
from dossier.reading.ocr import PageRef

log = logging.getLogger(__name__)

_EXT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ofd": "application/ofd",
}
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)
SUPPORTED = "PDF、JPG、PNG、TIFF、BMP、Word、Excel、OFD"


def sniff(path: Path) -> str | None:
    """Media type from the first bytes (names lie), or None when not a supported document."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    # Some scanners write a few bytes of junk before the PDF header: allow it within the first KiB.
    if b"%PDF-" in head:
        return "application/pdf"
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    ext = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") and ext in (".docx", ".xlsx", ".ofd"):
        return _EXT_TYPES[ext]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and ext in (".doc", ".xls"):
        return _EXT_TYPES[ext]
    return None


def looks_complete(path: Path, media_type: str) -> bool:
    """Cheap end-of-file check: a file still being copied usually lacks its trailer."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if media_type == "application/pdf":
        return b"%%EOF" in tail
    if media_type == "image/jpeg":
        return b"\xff\xd9" in tail[-64:]
    if media_type == "image/png":
        return b"IEND" in tail[-64:]
    if media_type.startswith("application/vnd.openxml") or media_type == "application/ofd":
        return b"PK\x05\x06" in tail
    return True


MIN_TEXT_CHARS = 20  # a page with fewer visible characters in its text layer is treated as a scan


class Interrupted(Exception):
    """Reading stopped because the service is stopping; the file goes back to the inbox."""


class PageOcr(Protocol):
    """What the read stage needs of OCR (``ocr.OcrPool``): pages in, results in order."""

    def imap(self, items: Iterable) -> Iterator: ...


def read_document(path: Path, max_pages: int = 500, ocr: PageOcr | None = None, ocr_max_pages: int = 30,
                  ocr_dpi: int = 200, should_stop: Callable[[], bool] = lambda: False) -> Reading:
    """Read one file: text layer first, OCR only for pages without usable text.

    Raises ReadError with the reason a clerk should see, or Interrupted.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror}") from exc
    if size == 0:
        raise ReadError("文件为空（0 字节），可能是复制失败。请重新扫描或复制后放入收件箱。")
    media_type = sniff(path)
    if media_type is None:
        raise ReadError(
            f"不是可识别的文档格式（支持 {SUPPORTED}）。如果是压缩包或其他格式，请转换后重新放入。"
        )
    if not looks_complete(path, media_type):
        raise ReadError("文件不完整（缺少文件结束标记），可能复制中断或文件已损坏。请重新扫描或复制。")
    if media_type == "application/pdf":
        count, layer, notes = _read_pdf(path, max_pages)
        pages = [Page(i + 1, text, "text") if _usable(text) else None for i, text in enumerate(layer)]
        todo = [(i, PageRef(str(path), i, 0, ocr_dpi)) for i, page in enumerate(pages) if page is None]
    elif media_type.startswith("image/"):
        count = _image_frames(path)
        pages = [None] * count
        todo = [(i, PageRef(str(path), None, i, ocr_dpi)) for i in range(count)]
        notes = []
    else:
        _check_zip(path, media_type)
        return Reading(media_type=media_type, pages=None)
    notes += _ocr_into(pages, todo, ocr, ocr_max_pages, should_stop)
    return Reading(media_type=media_type, pages=count, page_texts=tuple(pages), notes=tuple(notes))


def _usable(text: str) -> bool:
    return sum(1 for ch in text if not ch.isspace()) >= MIN_TEXT_CHARS


def _ocr_into(pages: list, todo: list, ocr: PageOcr | None, limit: int, should_stop) -> list[str]:
    """Fill the pages without text by OCR, in place; returns notes for the record."""
    notes: list[str] = []
    if not todo:
        return notes
    if ocr is None:
        for i, _ref in todo:
            pages[i] = Page(i + 1, "", "none")
        return [f"{len(todo)} 页为扫描图像，未启用 OCR，需人工查看"]
    skipped = todo[limit:]
    todo = todo[:limit]
    for (i, _ref), result in zip(todo, ocr.imap([ref for _i, ref in todo])):
        if isinstance(result, Exception):
            pages[i] = Page(i + 1, "", "none")
            notes.append(f"第 {i + 1} 页 OCR 失败：{getattr(result, 'message', result)}")
        else:
            pages[i] = Page(i + 1, result.text, "ocr", result.confidence, result.rotation,
                            tuple((line.text, line.confidence) for line in result.lines))
        if should_stop():
            raise Interrupted()
    for i, _ref in skipped:
        pages[i] = Page(i + 1, "", "none")
    if skipped:
        notes.append(f"超过 OCR 页数上限（{limit} 页），其余 {len(skipped)} 页未识别")
    return notes


def _check_zip(path: Path, media_type: str) -> None:
    if media_type.startswith("application/vnd.openxml") or media_type == "application/ofd":
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReadError(f"文件已损坏，无法打开（{exc}）。请重新导出后放入。") from exc
        if bad:
            raise ReadError(f"文件已损坏（内部文件 {bad} 校验失败）。请重新导出后放入。")


def _read_pdf(path: Path, max_pages: int) -> tuple[int, list[str], list[str]]:
    """Page count and the text layer of the first ``max_pages`` pages."""
    import pdfplumber
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        # An open file, not a path: pypdf reads a whole path into memory.
        with open(path, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception:
                    ok = 0
                if not ok:
                    raise ReadError(
                        "PDF 已加密，需要密码才能打开。请向客户索取未加密的文件，或打印后重新扫描。"
                    )
            pages = len(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError as exc:
        raise ReadError("PDF 已加密，需要密码才能打开。请向客户索取未加密的文件。") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ReadError(f"PDF 文件已损坏，无法解析（{type(exc).__name__}）。请重新扫描或向客户索取原件。") from exc
    if pages == 0:
        raise ReadError("PDF 没有任何页面。请重新扫描。")
    notes: list[str] = []
    texts: list[str] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                if number > max_pages:
                    notes.append(f"仅读取前 {max_pages} 页")
                    break
                texts.append(page.extract_text() or "")
                page.close()
    except Exception as exc:  # pdfminer raises many types on damaged content streams
        log.warning("text layer of %s unreadable: %s", path, exc)
        notes.append(f"文本层无法读取（{type(exc).__name__}），改用 OCR")
        texts = [""] * min(pages, max_pages)
    return pages, texts, notes


def pdf_tables(path: Path, page_numbers: Iterable[int]) -> list[list[list[str | None]]]:
    """Ruled tables of the given (1-based) pages of a text-layer PDF (statements)."""
    import pdfplumber

    tables: list = []
    try:
        with pdfplumber.open(path) as pdf:
            for number in page_numbers:
                if 1 <= number <= len(pdf.pages):
                    tables += pdf.pages[number - 1].extract_tables()
    except Exception as exc:
        log.warning("tables of %s unreadable: %s", path, exc)
    return tables


def _image_frames(path: Path) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            frames = getattr(img, "n_frames", 1)
            img.verify()
    except Image.DecompressionBombError as exc:
        raise ReadError("图像尺寸过大，疑似损坏或异常文件。请以正常分辨率（150-300 dpi）重新扫描。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError(f"图像文件已损坏，无法解码（{exc}）。请重新扫描或拍照。") from exc
    return frames


__all__ = ["read_document", "pdf_tables", "sniff", "looks_complete", "Interrupted", "SUPPORTED"]
