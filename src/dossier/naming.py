"""Safe, readable names: decoding names from Windows shares, logical paths, client ids.

Pure functions. NFC only, never NFKC (it would rewrite full-width （） in company names).
"""

from __future__ import annotations

import os
import re
import unicodedata

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
#: A segment's limit in UTF-8 bytes: file systems count bytes (255), and suffixes are added to
#: archive names (``.json``, `` (2)``, ``_v12``, ``.reason.txt``), so a name leaves room for them.
MAX_SEGMENT_BYTES = 180
_MAX_CHARS = 80  # readable names; MAX_SEGMENT_BYTES is the hard limit
RESERVED_IDS = {"extensions"}


def decode_name(name: str) -> str:
    """A directory entry as the clerk typed it.

    Linux hands over undecodable bytes as surrogate escapes; names from Windows shares
    mounted without ``iocharset=utf8`` arrive in GBK/GB18030. Try UTF-8, then GB18030,
    and keep any remaining undecodable byte visible as ``\\xNN``.
    """
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return unicodedata.normalize("NFC", raw.decode("utf-8", "backslashreplace"))


def safe_segment(name: str, fallback: str = "未命名") -> str:
    """One path segment safe on Linux and Windows, NFC, readable."""
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name).strip(" .")
    if name in ("", ".", ".."):
        name = fallback
    if len(name) > _MAX_CHARS or len(name.encode("utf-8")) > MAX_SEGMENT_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not (dot and stem and 0 < len(ext) <= 8):
            stem, dot, ext = name, "", ""
        tail = dot + ext
        chars, room = _MAX_CHARS - len(tail), MAX_SEGMENT_BYTES - len(tail.encode("utf-8"))
        while stem and (len(stem) > chars or len(stem.encode("utf-8")) > room):
            stem = stem[:-1]  # whole characters: a UTF-8 sequence is never cut
        name = (stem.rstrip(" .") or fallback) + tail
    return name


def client_id_for(folder: str) -> str:
    cid = safe_segment(folder, fallback="客户").lstrip("._-") or "客户"
    return cid + "_" if cid.lower() in RESERVED_IDS else cid


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` or ``stem (2).ext`` ... so that no two names are equal ignoring case and Unicode form.

    ``taken`` holds casefolded NFC keys (see ``name_key``).
    """
    if name_key(wanted) not in taken:
        return wanted
    folder, slash, base = wanted.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        stem, ext = base, ""
    n = 2
    while True:
        candidate = f"{folder}{slash}{stem} ({n}){'.' + ext if ext else ''}"
        if name_key(candidate) not in taken:
            return candidate
        n += 1


def name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()
