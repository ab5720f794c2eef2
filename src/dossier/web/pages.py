"""Page images of stored originals for the viewer and the review form (issue 13): derived data.

A page is rendered once from the stored original (``ObjectReader.content_path(sha512)``: the
archive's own bytes, never a path from a URL) with pypdfium2 (PDF) or Pillow (images, every frame
of a multi-page TIFF), at about ``DPI`` and at most ``MAX_WIDTH`` pixels wide, and kept under
``PAGE_CACHE/<sha512>/<number>.png``, outside the archive (losing it loses nothing). Files are
written atomically (a temporary file, then ``os.replace``), so two workers rendering the same page
at once both leave a whole file. The originals were parsed already when they were read (in the
sandboxed workers); rendering here only draws them.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from pathlib import Path

DPI = 110
MAX_WIDTH = 1600
#: Page counts are kept beside the images (``count``) so the viewer need not open a PDF each time.
COUNT_FILE = "count"
_SHA512 = re.compile(r"[0-9a-f]{128}")
_lock = threading.Lock()  # pdfium is not thread-safe


def _folder(cache: Path, sha512: str) -> Path | None:
    digest = (sha512 or "").lower()
    if not _SHA512.fullmatch(digest):  # the digest names a folder: only a real sha512 may
        return None
    return cache / digest


def _is_pdf(media_type: str | None, source: Path) -> bool:
    if media_type:
        return media_type == "application/pdf"
    with open(source, "rb") as f:
        return f.read(1024).lstrip().startswith(b"%PDF")


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _count_of(source: Path, media_type: str | None) -> int:
    if _is_pdf(media_type, source):
        import pypdfium2 as pdfium

        with _lock:
            pdf = pdfium.PdfDocument(str(source))
            try:
                return len(pdf)
            finally:
                pdf.close()
    from PIL import Image

    with Image.open(source) as im:
        return max(1, int(getattr(im, "n_frames", 1) or 1))


def page_count(cache: Path, sha512: str, source: Path, media_type: str | None) -> int:
    """How many pages the original has (0 when it cannot be opened)."""
    folder = _folder(cache, sha512)
    if folder is None:
        return 0
    try:
        return int((folder / COUNT_FILE).read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        pass
    try:
        count = _count_of(source, media_type)
    except Exception:  # damaged or not drawable: the viewer says so, nothing is cached
        return 0
    _write_atomic(folder / COUNT_FILE, str(count).encode("ascii"))
    return count


def _scaled(image):
    if image.width > MAX_WIDTH:
        height = max(1, round(image.height * MAX_WIDTH / image.width))
        image = image.resize((MAX_WIDTH, height))
    return image


def _png(image) -> bytes:
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _render_pdf(source: Path, number: int) -> bytes | None:
    import pypdfium2 as pdfium

    with _lock:
        pdf = pdfium.PdfDocument(str(source))
        try:
            if not 1 <= number <= len(pdf):
                return None
            page = pdf[number - 1]
            try:
                width_pt = page.get_width() or 1
                scale = min(DPI / 72, MAX_WIDTH / width_pt)
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil()
            finally:
                page.close()
        finally:
            pdf.close()
    return _png(_scaled(image))


def _render_image(source: Path, number: int) -> bytes | None:
    from PIL import Image, ImageOps

    with Image.open(source) as im:
        frames = int(getattr(im, "n_frames", 1) or 1)
        if not 1 <= number <= frames:
            return None
        if frames > 1:
            im.seek(number - 1)
        if im.format == "JPEG":
            im.draft("RGB", (MAX_WIDTH, MAX_WIDTH * 4))  # decode at a reduced size where it can
        image = ImageOps.exif_transpose(im)  # a phone's photograph the way up it was taken
        image.load()
    return _png(_scaled(image))


def page_image(cache: Path, sha512: str, number: int, source: Path, media_type: str | None) -> Path | None:
    """The PNG of page ``number`` (1-based) of the original stored at ``source``, rendered once;
    None for a page outside the document (or an original that cannot be drawn)."""
    folder = _folder(cache, sha512)
    if number < 1 or folder is None:
        return None
    target = folder / f"{number}.png"
    if target.is_file():
        return target
    try:
        data = _render_pdf(source, number) if _is_pdf(media_type, source) else _render_image(source, number)
    except Exception:  # not drawable: no page to show (the log says why)
        import logging

        logging.getLogger(__name__).exception("page %s of %s cannot be drawn", number, sha512)
        return None
    if data is None:
        return None
    _write_atomic(target, data)
    return target


__all__ = ["DPI", "MAX_WIDTH", "page_count", "page_image"]
