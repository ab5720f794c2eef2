"""What a file is, from its bytes (names lie), and whether it looks complete: one open, two reads.

The intake's settle check and the read stage both ask; the answer is remembered by the file's
identity (device, inode, size, mtime), which a claim by ``rename`` keeps, so a file is sniffed once
on its way in however many times it is asked about.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

EXT_TYPES = {
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
HEAD = 1024  # some scanners write a few bytes of junk before the PDF header: allow it within the first KiB
TAIL = 2048


@dataclass(frozen=True)
class Probe:
    """``media_type``: None when not a supported document; ``complete``: its end-of-file mark is there."""

    media_type: str | None
    complete: bool
    size: int


_MEMO: OrderedDict[tuple, Probe] = OrderedDict()
_MEMO_SIZE = 4096
_LOCK = threading.Lock()


def probe(path: Path) -> Probe:
    """Media type and completeness of ``path`` from one open (head and tail); OSError if unreadable.

    Opened without following links and without blocking (the inbox is untrusted: a FIFO swapped in
    must not hang the watcher); anything but a regular file is an OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags), "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        # The suffix decides some types (.docx/.xlsx/.ofd zips): a clerk who renames a file changes it.
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, Path(path).suffix.lower())
        with _LOCK:
            known = _MEMO.get(key)
            if known is not None:
                _MEMO.move_to_end(key)
                return known
        head = fh.read(HEAD)
        if st.st_size > len(head):
            fh.seek(max(0, st.st_size - TAIL))
            tail = fh.read()
        else:
            tail = head
    media_type = media_type_of(head, Path(path).suffix)
    found = Probe(media_type, media_type is not None and complete_tail(tail, media_type), st.st_size)
    with _LOCK:
        _MEMO[key] = found
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return found


def media_type_of(head: bytes, suffix: str) -> str | None:
    if b"%PDF-" in head[:HEAD]:
        return "application/pdf"
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    ext = suffix.lower()
    if head.startswith(b"PK\x03\x04") and ext in (".docx", ".xlsx", ".ofd"):
        return EXT_TYPES[ext]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and ext in (".doc", ".xls"):
        return EXT_TYPES[ext]
    return None


def complete_tail(tail: bytes, media_type: str) -> bool:
    """Cheap end-of-file check: a file still being copied usually lacks its trailer."""
    if media_type == "application/pdf":
        return b"%%EOF" in tail
    if media_type == "image/jpeg":
        return b"\xff\xd9" in tail[-64:]
    if media_type == "image/png":
        return b"IEND" in tail[-64:]
    if media_type.startswith("application/vnd.openxml") or media_type == "application/ofd":
        return b"PK\x05\x06" in tail
    return True


def sniff(path: Path) -> str | None:
    """Media type from the first bytes, or None when not a supported document."""
    return probe(path).media_type


def looks_complete(path: Path, media_type: str) -> bool:
    """The end-of-file mark of ``media_type`` is there (False for a file of another type)."""
    found = probe(path)
    return found.complete if found.media_type == media_type else _tail_check(path, media_type)


def _tail_check(path: Path, media_type: str) -> bool:
    size = os.stat(path).st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - TAIL))
        return complete_tail(fh.read(), media_type)


def image_frames(path: Path, max_frames: int) -> tuple[int, list[str]]:
    """The frames of an image file to read (at most ``max_frames``: a TIFF's frames are walked one by
    one, never all counted: Pillow's ``n_frames`` walks every IFD of a 100,000-frame TIFF again for
    each, minutes), and notes for the record. ReadError for an image that cannot be decoded.
    Runs in the read sandbox (``sandbox.TASKS``)."""
    from PIL import Image, UnidentifiedImageError

    from dossier.errors import ReadError

    notes: list[str] = []
    try:
        with Image.open(path) as img:
            frames = 1
            if getattr(img, "is_animated", False) or img.format == "TIFF":
                frames = 0
                try:
                    while True:
                        img.seek(frames)
                        frames += 1
                        if frames > max_frames:
                            break
                except EOFError:
                    pass
                if frames > max_frames:
                    frames = max_frames
                    notes.append(f"图像超过 {max_frames} 帧，仅读取前 {max_frames} 帧（设置 read_max_pages）")
                img.seek(0)
            img.verify()
    except Image.DecompressionBombError as exc:
        raise ReadError("图像尺寸过大，疑似损坏或异常文件。请以正常分辨率（150-300 dpi）重新扫描。") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError(f"图像文件已损坏，无法解码（{exc}）。请重新扫描或拍照。") from exc
    return max(frames, 1), notes


def check_zip(path: Path, media_type: str, max_mb: int = 0) -> None:
    """A Word/Excel/OFD file is a zip: every member must inflate to its checksum, and all of them
    together to at most ``max_mb`` MiB (the read worker's memory limit: a zip bomb is refused by
    its declared sizes, before anything is inflated). ReadError otherwise. Runs in the read sandbox."""
    import zipfile

    from dossier.errors import ReadError

    if not (media_type.startswith("application/vnd.openxml") or media_type == "application/ofd"):
        return
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            total = sum(max(0, m.file_size) for m in members)
            if max_mb and total > max_mb << 20:
                raise ReadError(
                    f"文件解压后共 {total / (1 << 20):,.0f} MB，超过上限（{max_mb} MB，设置 read_memory_mb），"
                    "疑似压缩炸弹，未读取。请确认文件来源并重新导出后放入；确属正常文件时由管理员调高 read_memory_mb。")
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReadError(f"文件已损坏，无法打开（{exc}）。请重新导出后放入。") from exc
    if bad:
        raise ReadError(f"文件已损坏（内部文件 {bad} 校验失败）。请重新导出后放入。")


__all__ = ["SUPPORTED", "Probe", "check_zip", "image_frames", "looks_complete", "media_type_of", "probe", "sniff"]
