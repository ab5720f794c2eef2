"""Hostile files for the bounded-parsing tests and bench (issue 11): small on disk, huge to parse.

Each is written by hand in about a second: a deflate stream of zeros is one block repeated (a full
flush resets the compressor, so every megabyte of zeros compresses to the same bytes), sums are
computed over a zero chunk reused.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

_MB = 1 << 20


def _zero_deflate(megabytes: int, wrapper: bool) -> tuple[bytes, int]:
    """A deflate stream of ``megabytes`` MiB of zeros (zlib-wrapped when ``wrapper``) and its CRC-32."""
    chunk = bytes(_MB)
    c = zlib.compressobj(9, zlib.DEFLATED, 15 if wrapper else -15)
    head = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush(zlib.Z_FINISH)
    crc, adler = 0, 1
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
        if wrapper:
            adler = zlib.adler32(chunk, adler)
    body = head + block * (megabytes - 1)
    if wrapper:  # the trailer the compressor wrote is the Adler-32 of the two chunks it saw: ours instead
        body += end[:-4] + adler.to_bytes(4, "big")
    else:
        body += end
    return body, crc


def compression_bomb_pdf(path, inflated_mb: int = 1500) -> Path:
    """A one-page PDF (about 1.5 MB for 1.5 GB) whose content stream inflates to ``inflated_mb`` MiB of zeros."""
    body, _crc = _zero_deflate(inflated_mb, wrapper=True)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def zip_bomb_docx(path, inflated_mb: int = 2500) -> Path:
    """A .docx (a zip with [Content_Types].xml and word/document.xml) holding a member that inflates
    to ``inflated_mb`` MiB of zeros; its sizes and checksum are honest (a real bomb's are)."""
    members: list[tuple[str, bytes, int, int, int, int]] = []  # name, data, method, crc, csize, usize
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
             b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
    doc = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>')
    for name, data in (("[Content_Types].xml", types), ("word/document.xml", doc)):
        members.append((name, data, 0, zlib.crc32(data), len(data), len(data)))
    body, crc = _zero_deflate(inflated_mb, wrapper=False)
    members.append(("word/media/image1.bin", body, 8, crc, len(body), inflated_mb * _MB))
    out = bytearray()
    central = bytearray()
    for name, data, method, crc, csize, usize in members:
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(raw), 0)
        out += raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize, usize,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def many_frame_tiff(path, frames: int = 100_000) -> Path:
    """A little-endian TIFF of ``frames`` 8x8 bilevel frames sharing one strip (about 100 bytes a frame)."""
    pixels = bytes(8)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8 + len(pixels)) + pixels)
    tags = ((256, 3, 8), (257, 3, 8), (258, 3, 1), (259, 3, 1), (262, 3, 1), (273, 4, 8), (278, 3, 8),
            (279, 4, len(pixels)))
    entry = struct.Struct("<HHII")
    short = struct.Struct("<HHIHH")
    ifd_size = 2 + 12 * len(tags) + 4
    for i in range(frames):
        following = len(out) + ifd_size if i < frames - 1 else 0
        out += struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            out += entry.pack(tag, kind, 1, value) if kind == 4 else short.pack(tag, kind, 1, value, 0)
        out += struct.pack("<I", following)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def sparse_pdf(path, size: int = 10 << 30) -> Path:
    """A ``size``-byte sparse file (no disk blocks) that starts as a PDF and ends with ``%%EOF``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tail = b"\n%%EOF\n"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(size - len(tail))
        fh.seek(0, os.SEEK_END)
        fh.write(tail)
    return path


__all__ = ["compression_bomb_pdf", "many_frame_tiff", "sparse_pdf", "zip_bomb_docx"]
