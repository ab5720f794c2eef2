"""Page images of stored originals for the viewer and the review form (issue 13): derived data.

A page is rendered once from the stored original (``ObjectReader.content_path(sha512)``: the
archive's own bytes, never a path from a URL) with pypdfium2 (PDF) or Pillow (images, every frame
of a multi-page TIFF), at about ``DPI`` and at most ``MAX_WIDTH`` pixels wide, and kept under
``PAGE_CACHE/<sha512>/<number>.png``, outside the archive (losing it loses nothing). Files are
written atomically (a temporary file, then ``os.replace``), so two workers rendering the same page
at once both leave a whole file.

The originals are untrusted bytes (they came through the inbox), so they are opened in a child
process (``python -m dossier.web.pages``) under the reading limits (``read_seconds``,
``read_memory_mb``, as the reading sandbox sets them): a page that crashes pdfium or needs too much
memory costs that child, never the web worker, and is answered as no page. Only the first view of a
page pays for it; the cache answers every later one.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

DPI = 110
MAX_WIDTH = 1600
#: Page counts are kept beside the images (``count``) so the viewer need not open a PDF each time.
COUNT_FILE = "count"
log = logging.getLogger(__name__)
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


def page_count(cache: Path, sha512: str, source: Path, media_type: str | None,
               limits: tuple[float, int] = (120.0, 2048)) -> int:
    """How many pages the original has (0 when it cannot be opened)."""
    folder = _folder(cache, sha512)
    if folder is None:
        return 0
    try:
        return int((folder / COUNT_FILE).read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        pass
    got = _child(["count", str(source), media_type or ""], limits)
    if got is None or not got.strip().isdigit():  # damaged or not drawable: the viewer says so, nothing cached
        return 0
    count = int(got.strip())
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


def page_image(cache: Path, sha512: str, number: int, source: Path, media_type: str | None,
               limits: tuple[float, int] = (120.0, 2048)) -> Path | None:
    """The PNG of page ``number`` (1-based) of the original stored at ``source``, rendered once in a
    child process under ``limits`` (seconds, MiB; 0: none); None for a page outside the document (or
    an original that cannot be drawn)."""
    folder = _folder(cache, sha512)
    if number < 1 or folder is None:
        return None
    target = folder / f"{number}.png"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        if _child(["render", str(source), media_type or "", str(number), tmp], limits) is None:
            return None
        if os.path.getsize(tmp) == 0:  # no such page
            return None
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _child(args: list[str], limits: tuple[float, int]) -> str | None:
    """Run this module in a child process under ``limits``: its standard output, None if it failed."""
    seconds, memory_mb = limits
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PYTHONPATH")}
    try:
        done = subprocess.run([sys.executable, "-m", "dossier.web.pages", str(int(memory_mb or 0)), *args],
                              check=False, capture_output=True, text=True, timeout=seconds or None, env=env)
    except subprocess.TimeoutExpired:
        log.warning("drawing %s took more than %s s: stopped", args[1], seconds)
        return None
    if done.returncode != 0:
        log.warning("drawing %s failed (exit %s): %s", args[1], done.returncode, done.stderr[-500:])
        return None
    return done.stdout


def _main(argv: list[str]) -> int:
    """The child: ``MEMORY_MB count SOURCE MEDIA`` prints the page count; ``MEMORY_MB render SOURCE
    MEDIA NUMBER OUT`` writes the PNG to OUT (leaves it empty for a page outside the document)."""
    from dossier.reading.sandbox import limit_memory

    limit_memory(int(argv[0]))
    what, source, media_type = argv[1], Path(argv[2]), argv[3] or None
    if what == "count":
        print(_count_of(source, media_type))
        return 0
    number, out = int(argv[4]), Path(argv[5])
    data = _render_pdf(source, number) if _is_pdf(media_type, source) else _render_image(source, number)
    out.write_bytes(data or b"")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


__all__ = ["DPI", "MAX_WIDTH", "page_count", "page_image"]
