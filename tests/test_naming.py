import os
import unicodedata

import pytest

from dossier.naming import client_id_for, decode_name, name_key, safe_segment, unique_name


def test_decode_gbk_name_from_windows_share():
    raw = "营业执照.pdf".encode("gbk")
    assert decode_name(os.fsdecode(raw)) == "营业执照.pdf"


def test_decode_utf8_name_is_nfc():
    nfd = unicodedata.normalize("NFD", "Café.pdf")
    assert decode_name(nfd) == "Café.pdf"


def test_undecodable_bytes_stay_visible():
    raw = b"scan\xff\xfe.pdf"
    assert "\\x" in decode_name(os.fsdecode(raw))


@pytest.mark.parametrize("name, expected", [
    ("a/b.pdf", "a_b.pdf"),
    ("..", "未命名"),
    ("..pdf", "pdf"),
    ("C:报表.pdf", "C_报表.pdf"),
    ("bad\x07name\n.pdf", "bad_name_.pdf"),
    ("杭州恒远机械有限公司（分公司）.pdf", "杭州恒远机械有限公司（分公司）.pdf"),
])
def test_safe_segment(name, expected):
    assert safe_segment(name) == expected


def test_safe_segment_keeps_extension_when_shortening():
    name = "很长" * 100 + ".pdf"
    out = safe_segment(name)
    assert out.endswith(".pdf") and len(out) <= 80 and len(out.encode()) < 255


def test_unique_name_ignores_case_and_unicode_form():
    taken = {name_key("documents/Scan.PDF"), name_key(unicodedata.normalize("NFD", "documents/Café.pdf"))}
    assert unique_name("documents/scan.pdf", taken) == "documents/scan (2).pdf"
    assert unique_name("documents/Café.pdf", taken) == "documents/Café (2).pdf"
    assert unique_name("documents/new.pdf", taken) == "documents/new.pdf"


@pytest.mark.parametrize("folder, expected", [("恒远机械", "恒远机械"), (".hidden", "hidden"), ("extensions", "extensions_")])
def test_client_id_for(folder, expected):
    assert client_id_for(folder) == expected
