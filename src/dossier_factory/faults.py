"""Bad inputs for fault injection, and hand-written PDFs (one page of Chinese text, optional big stream)."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path
from typing import Iterator

from .base import MIB, NOTICE, _out

# ---------------------------------------------------------------------------
# 8. Bad inputs (fault injection)
# ---------------------------------------------------------------------------


def truncated_pdf(src_pdf, path, keep_fraction: float = 0.6) -> Path:
    """The first ``keep_fraction`` of ``src_pdf``'s bytes, cut before any %%EOF."""
    if not 0 < keep_fraction < 1:
        raise ValueError("keep_fraction must be between 0 and 1")
    data = Path(src_pdf).read_bytes()
    cut = data[: int(len(data) * keep_fraction)]
    eof = cut.find(b"%%EOF")
    path = _out(path)
    path.write_bytes(cut if eof < 0 else cut[:eof])
    return path


def corrupt_pdf(path, seed: int = 0, size: int = 4096) -> Path:
    """A PDF header, random garbage and a trailing %%EOF: looks like a PDF, is not."""
    garbage = random.Random(f"dossier-corrupt:{seed}").randbytes(size)
    path = _out(path)
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + garbage.replace(b"%%EOF", b"%%EOG") + b"\n%%EOF\n")
    return path


def encrypted_pdf(src_pdf, path, user_password: str = "1234") -> Path:
    """``src_pdf`` encrypted (RC4-128) with ``user_password`` (also the owner password)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject

    writer = PdfWriter(clone_from=str(src_pdf))
    writer.encrypt(user_password=user_password, owner_password=user_password, algorithm="RC4-128")
    # pypdf puts a random second file identifier in the trailer; reuse the first
    # one (the key depends only on it) so the output is deterministic.
    ids = getattr(writer, "_ID", None)
    if ids:
        writer._ID = ArrayObject([ids[0], ids[0]])
    path = _out(path)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def zero_byte(path) -> Path:
    path = _out(path)
    path.write_bytes(b"")
    return path


# ---------------------------------------------------------------------------
# 9. Hand-written PDF: one page of Chinese text (+ an optional big stream)
# ---------------------------------------------------------------------------

# Widths of Adobe-GB1 CIDs 1..95 (proportional Latin), as reportlab writes them.
_GB1_WIDTHS = (
    b"1 [ 207 270 342 467 462 797 710 239 374 ] 10 [ 374 423 605 238 375 238 334 462 ] "
    b"18 26 462 27 28 238 29 31 605 32 [ 344 748 684 560 695 739 563 511 729 793 318 312 "
    b"666 526 896 758 772 544 772 628 465 607 753 711 972 647 620 607 374 333 374 606 500 "
    b"239 417 503 427 529 415 264 444 518 241 230 495 228 793 527 524 ] 81 [ 524 504 338 "
    b"336 277 517 450 652 466 452 407 370 258 370 605 ]"
)


def _hex_text(s: str) -> bytes:
    return b"<" + s.encode("utf-16-be").hex().upper().encode() + b">"


def _plain_objects(title: str, lines: list[str]) -> list[bytes]:
    """Bodies of objects 1..6: catalog, pages, page, contents, font, info."""
    ops = [b"BT /F1 18 Tf 72 770 Td " + _hex_text(title) + b" Tj ET",
           b"BT /F1 11 Tf 72 735 Td 17 TL"]
    for line in lines[:38]:
        ops.append(_hex_text(line) + b" Tj T*")
    ops += [b"ET", b"0.45 g BT /F1 6.5 Tf 72 18 Td " + _hex_text(NOTICE) + b" Tj ET"]
    content = b"\n".join(ops)
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.2756 841.8898] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 752 /Descent -271 "
        b"/CapHeight 737 /StemV 58 >> /DW 1000 /W [" + _GB1_WIDTHS + b"] >>] >>",
        b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode()
        + b"> /Producer (dossier.samples) >>",
    ]


class _PdfSink:
    """Write PDF objects sequentially, remembering their offsets for the xref."""

    def __init__(self, fh):
        self.fh, self.pos, self.offsets = fh, 0, []

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.pos += len(data)

    def obj(self, body: bytes) -> None:
        self.offsets.append(self.pos)
        self.write(b"%d 0 obj\n" % len(self.offsets) + body + b"\nendobj\n")

    def trailer(self, file_id: bytes) -> None:
        self.write(_xref_and_trailer(self.offsets, self.pos, file_id))


def _xref_and_trailer(offsets: list[int], xref_pos: int, file_id: bytes) -> bytes:
    n = len(offsets) + 1
    hid = file_id.hex().encode()
    return (b"xref\n0 %d\n0000000000 65535 f \n" % n
            + b"".join(b"%010d 00000 n \n" % off for off in offsets)
            + b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R /ID [<%s><%s>] >>\n"
              b"startxref\n%d\n%%%%EOF\n" % (n, hid, hid, xref_pos))


def _plain_pdf_bytes(title: str, lines: list[str]) -> bytes:
    buf = io.BytesIO()
    sink = _PdfSink(buf)
    sink.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for body in _plain_objects(title, lines):
        sink.obj(body)
    sink.trailer(hashlib.md5("\n".join([title, *lines]).encode()).digest())
    return buf.getvalue()


def _random_chunks(total: int, seed: int, chunk: int = MIB) -> Iterator[bytes]:
    rng = random.Random(f"dossier-big:{seed}")
    while total > 0:
        n = min(chunk, total)
        yield rng.randbytes(n)
        total -= n


def big_pdf(path, size_mb: float, seed: int = 0) -> Path:
    """A valid one-page PDF of about ``size_mb`` MiB (1 MiB = 1,048,576 bytes).

    The page holds a little Chinese text; the bulk is an unreferenced stream
    of random (incompressible) bytes written in 1 MiB chunks, so memory use
    stays small whatever the size.  The file is exactly ``size_mb`` MiB unless
    that is below the minimum (about 2 KB).
    """
    path = _out(path)
    target = int(size_mb * MIB)
    title = "大文件测试样例"
    lines = [f"本文件约 {size_mb:g} MB，其中包含一个随机数据流，用于测试大文件的处理。"]
    file_id = hashlib.md5(f"dossier-big:{seed}:{target}".encode()).digest()
    end = b"\nendstream\nendobj\n"
    with open(path, "wb") as fh:
        sink = _PdfSink(fh)
        sink.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for body in _plain_objects(title, lines):
            sink.obj(body)
        offsets = [*sink.offsets, sink.pos]
        head = lambda n: b"7 0 obj\n<< /Length %d >>\nstream\n" % n  # noqa: E731
        length = target
        for _ in range(3):  # the digit counts settle after one or two rounds
            xref_pos = sink.pos + len(head(length)) + length + len(end)
            overhead = xref_pos - length + len(_xref_and_trailer(offsets, xref_pos, file_id))
            length = max(0, target - overhead)
        sink.offsets.append(sink.pos)
        sink.write(head(length))
        for chunk in _random_chunks(length, seed):
            sink.write(chunk)
        sink.write(end)
        sink.trailer(file_id)
    return path
