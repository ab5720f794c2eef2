"""reading.sniff / pdf / tables / cache / document: each file read once, as pdfplumber would read it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

import dossier_factory as samples
from dossier.errors import ReadError
from dossier.reading import ReadingCache, ReadSettings, probe, read_batch, read_document, sniff
from dossier.reading import document as document_mod
from dossier.reading.cache import reading_from_json, reading_to_json
from dossier.reading.ocr import FakeEngine
from dossier.reading.pdf import open_pdf, text_layer
from dossier.reading.tables import pdf_tables
from dossier_factory import scans

STATEMENTS = ("balance_sheet", "income_statement", "cash_flow_statement")


@pytest.fixture(scope="module")
def companies():
    return [samples.make_company(70 + k) for k in range(2)]


@pytest.fixture(scope="module")
def documents(tmp_path_factory, companies):
    """One text PDF of every document type for two companies (different fiscal years)."""
    folder = tmp_path_factory.mktemp("docs")
    out = {}
    for k, company in enumerate(companies):
        for doc_type in samples.DOC_TYPES:
            out[(k, doc_type)] = samples.document_pdf(doc_type, company, folder / f"{k}-{doc_type}.pdf",
                                                      year=2023 + k)
    return out


def _plumber_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _pdfium_text(path: Path) -> list[str]:
    pdf = open_pdf(path)
    try:
        texts, notes = text_layer(pdf, 500)
    finally:
        pdf.close()
    assert notes == []
    return texts


@pytest.mark.parametrize("company", [0, 1])
@pytest.mark.parametrize("doc_type", samples.DOC_TYPES)
def test_text_layer_is_laid_out_as_pdfplumber_lays_it_out(documents, doc_type, company):
    path = documents[(company, doc_type)]
    ours = _pdfium_text(path)
    theirs = _plumber_text(path)
    # pdfminer drops U+00B7 (the "·" of 中国·杭州 in audit reports) that the page does show
    assert [t.replace("·", "") for t in ours] == theirs


@pytest.mark.parametrize("company", [0, 1])
@pytest.mark.parametrize("doc_type", STATEMENTS)
def test_statement_tables_are_pdfplumbers(documents, doc_type, company):
    path = documents[(company, doc_type)]
    with pdfplumber.open(path) as pdf:
        theirs = [t for page in pdf.pages for t in page.extract_tables()]
        pages = len(pdf.pages)
    ours = pdf_tables(path, range(1, pages + 1))
    assert theirs and ours == theirs


def test_tables_of_a_page_without_rules_are_empty(documents):
    assert pdf_tables(documents[(0, "business_licence")], [1]) == []


SIDEWAYS_LINES = ["营业执照 统一社会信用代码", "名称 测试五金有限公司", "注册资本 壹仟万元整", "法定代表人 张三"]


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_sideways_text_is_read_in_its_own_direction(tmp_path, angle):
    """Text drawn turned on the page (a landscape table on a portrait page) comes out line by line;
    pdfplumber makes columns of single characters of it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / f"turned-{angle}.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    c.translate(300, 421)
    c.rotate(angle)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(SIDEWAYS_LINES):
        c.drawString(-150, 100 - i * 20, line)
    c.showPage()
    c.save()
    assert _pdfium_text(path) == ["\n".join(SIDEWAYS_LINES)]


# -- bad PDFs keep today's reasons -------------------------------------------------------------

@pytest.fixture
def good_pdf(tmp_path, companies):
    return samples.business_licence_pdf(companies[0], tmp_path / "licence.pdf")


def _zero_page_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    PdfWriter().write(str(path))
    return path


@pytest.mark.parametrize("kind, needle", [
    ("encrypted", "已加密"),
    ("corrupt", "已损坏"),
    ("truncated", "不完整"),
    ("zero_pages", "没有任何页面"),
    ("zero_bytes", "0 字节"),
    ("text", "不是可识别的文档格式"),
])
def test_bad_pdf_raises_the_clerks_reason(tmp_path, good_pdf, kind, needle):
    bad = tmp_path / f"{kind}.pdf"
    if kind == "encrypted":
        samples.encrypted_pdf(good_pdf, bad)
    elif kind == "corrupt":
        samples.corrupt_pdf(bad)
    elif kind == "truncated":
        samples.truncated_pdf(good_pdf, bad)
    elif kind == "zero_pages":
        _zero_page_pdf(bad)
    elif kind == "zero_bytes":
        samples.zero_byte(bad)
    else:
        bad.write_bytes(b"not a document\n" * 20)
    with pytest.raises(ReadError) as err:
        read_document(bad)
    assert needle in err.value.message


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path, good_pdf):
    locked = samples.encrypted_pdf(good_pdf, tmp_path / "restricted.pdf", user_password="")
    reading = read_document(locked)
    assert reading.pages == 1 and "营业执照" in reading.text


def test_read_max_pages_notes_the_rest(documents):
    path = documents[(0, "audit_report")]
    reading = read_document(path, max_pages=1)
    assert reading.pages > 1 and len(reading.page_texts) == 1
    assert reading.notes == ("仅读取前 1 页",)


# -- sniff once ----------------------------------------------------------------------------------

def test_probe_is_remembered_across_a_claim_by_rename(tmp_path, good_pdf, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dropped = inbox / "a.pdf"
    dropped.write_bytes(good_pdf.read_bytes())
    first = probe(dropped)
    assert first.media_type == "application/pdf" and first.complete
    claimed = tmp_path / "work.pdf"
    os.rename(dropped, claimed)
    opened = []
    real_open = os.open

    def counting_open(path, *args, **kwargs):  # probe opens by os.open (O_NOFOLLOW | O_NONBLOCK)
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("os.open", counting_open)
    assert sniff(claimed) == "application/pdf"
    assert opened == [str(claimed)]  # one open for the file's identity, no read of head or tail


def test_probe_sees_a_file_that_changed(tmp_path, good_pdf):
    path = tmp_path / "x.pdf"
    data = good_pdf.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert not probe(path).complete
    path.write_bytes(data)
    assert probe(path).complete


def test_probe_sees_a_renamed_suffix(tmp_path):
    """A Word file saved as .zip is not a document; renamed to .docx (same inode and mtime) it is."""
    import zipfile

    path = tmp_path / "章程.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert probe(path).media_type is None
    renamed = path.with_suffix(".docx")
    os.rename(path, renamed)
    assert probe(renamed).media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- batch read: every OCR page of the batch in one stream of the pool -----------------------------

class InlineOcr:
    """An in-process stand-in for OcrPool with the fake engine: records what it was asked."""

    engine = "fake"

    def __init__(self, fail_pages: frozenset[int] = frozenset()):
        self.fake = FakeEngine()
        self.calls: list[list] = []
        self.fail_pages = fail_pages

    def imap(self, refs):
        refs = list(refs)
        self.calls.append(refs)
        for ref in refs:
            if ref.page in self.fail_pages:
                yield RuntimeError("worker died")
            else:
                yield self.fake.read(ref)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, companies):
    """Two one-page scans (PDF) and a two-page scan, with their true texts."""
    folder = tmp_path_factory.mktemp("scans")
    licence = samples.business_licence_pdf(companies[0], folder / "licence.pdf")
    page = scans.pdf_page_to_image(licence, 0, dpi=60)
    truth = _plumber_text(licence)[0]
    out = []
    for name, n in (("a", 1), ("b", 1), ("c", 2)):
        out.append(scans.write_scanned_pdf([page] * n, folder / f"{name}.pdf", truth=[truth] * n, dpi=60))
    return out, truth


def _settings() -> ReadSettings:
    return ReadSettings(max_pages=500, ocr_engine="fake", ocr_max_pages=30, ocr_dpi=60)


def test_batch_sends_every_scanned_page_to_the_pool_at_once(scanned, documents):
    paths, truth = scanned
    ocr = InlineOcr()
    text_pdf = documents[(0, "business_licence")]
    results = read_batch([paths[0], text_pdf, paths[1], paths[2]], _settings(), ocr)
    assert len(ocr.calls) == 1 and len(ocr.calls[0]) == 4  # 1 + 1 + 2 pages, one stream
    assert [r.pages for r in results] == [1, 1, 1, 2]
    assert results[1].page_texts[0].method == "text"
    for r in (results[0], results[2], results[3]):
        assert all(p.method == "ocr" and p.text == truth for p in r.page_texts)


def test_batch_results_match_reading_each_file_alone(scanned, documents):
    paths, _truth = scanned
    files = [paths[2], documents[(1, "income_statement")], paths[0]]
    together = read_batch(files, _settings(), InlineOcr())
    alone = [read_document(p, 500, InlineOcr(), 30, 60) for p in files]
    assert together == alone


def test_batch_stopping_returns_finished_files_only(scanned):
    paths, _truth = scanned
    seen = []

    def stop():
        return len(seen) >= 1

    class Counting(InlineOcr):
        def imap(self, refs):
            for result in super().imap(refs):
                seen.append(result)
                yield result

    results = read_batch([paths[0], paths[2]], _settings(), Counting(), should_stop=stop)
    assert results[0] is not None and results[0].pages == 1
    assert results[1] is None  # not finished: the caller puts it back in the inbox


def test_batch_quarantines_one_bad_file_and_reads_the_rest(tmp_path, scanned):
    paths, _truth = scanned
    bad = samples.corrupt_pdf(tmp_path / "bad.pdf")
    results = read_batch([bad, paths[0]], _settings(), InlineOcr())
    assert isinstance(results[0], ReadError) and "已损坏" in results[0].message
    assert results[1].pages == 1


def test_ocr_limit_and_failures_are_noted(scanned):
    paths, _truth = scanned
    settings = ReadSettings(500, "fake", 1, 60)
    reading = read_batch([paths[2]], settings, InlineOcr(fail_pages=frozenset({0})))[0]
    assert [p.method for p in reading.page_texts] == ["none", "none"]
    assert reading.notes == ("第 1 页 OCR 失败：worker died", "超过 OCR 页数上限（1 页），其余 1 页未识别")


# -- cache: the same bytes are never read or OCRed twice -----------------------------------------------

def test_retried_batch_is_neither_read_nor_ocred_again(tmp_path, scanned, documents, monkeypatch):
    paths, _truth = scanned
    cache = ReadingCache(tmp_path / "state" / "reading-cache.sqlite")
    files = [paths[0], documents[(0, "balance_sheet")]]
    first = read_batch(files, _settings(), InlineOcr(), cache)
    assert cache.hits == 0

    def no_open(path):
        raise AssertionError(f"{path} opened again")

    monkeypatch.setattr(document_mod.pdfium_text, "open_pdf", no_open)
    ocr = InlineOcr()
    again = read_batch(files, _settings(), ocr, cache)
    assert again == first and cache.hits == 2
    assert ocr.calls == []


def test_cache_is_keyed_by_content_and_settings(tmp_path, documents):
    cache = ReadingCache(tmp_path / "cache.sqlite")
    path = documents[(0, "business_licence")]
    read_batch([path], _settings(), None, cache)
    read_batch([path], ReadSettings(max_pages=1, ocr_engine="fake", ocr_max_pages=30, ocr_dpi=60), None, cache)
    assert cache.hits == 0  # other settings: read afresh
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes(path.read_bytes())
    read_batch([copy], _settings(), None, cache)
    assert cache.hits == 1  # same bytes under another name


def test_a_reading_with_a_failed_ocr_page_is_not_cached(tmp_path, scanned):
    paths, _truth = scanned
    cache = ReadingCache(tmp_path / "cache.sqlite")
    read_batch([paths[0]], _settings(), InlineOcr(fail_pages=frozenset({0})), cache)
    ocr = InlineOcr()
    reading = read_batch([paths[0]], _settings(), ocr, cache)[0]
    assert len(ocr.calls) == 1 and reading.page_texts[0].method == "ocr"


def test_cache_stays_within_its_bound(tmp_path, documents):
    cache = ReadingCache(tmp_path / "cache.sqlite", max_bytes=12_000)
    paths = [documents[(k, t)] for k in (0, 1) for t in samples.DOC_TYPES[:10]]
    for path in paths:
        read_batch([path], _settings(), None, cache)
    assert 0 < cache.stored_bytes() <= 12_000
    assert 0 < len(cache) < len(paths)
    last = read_batch([paths[-1]], _settings(), None, cache)  # the most recent entries stay
    assert cache.hits == 1 and last[0].pages >= 1


def test_damaged_cache_entry_is_a_miss(tmp_path, documents):
    cache = ReadingCache(tmp_path / "cache.sqlite")
    path = documents[(0, "business_licence")]
    first = read_batch([path], _settings(), None, cache)[0]
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    db.execute("UPDATE readings SET data = ?", (b"{not json",))
    db.commit()
    db.close()
    again = read_batch([path], _settings(), None, cache)[0]
    assert again == first and cache.hits == 0
    assert read_batch([path], _settings(), None, cache)[0] == first and cache.hits == 1  # stored afresh


def test_damaged_cache_database_is_started_afresh(tmp_path, documents):
    (tmp_path / "cache.sqlite").write_bytes(b"this is not a database" * 100)
    cache = ReadingCache(tmp_path / "cache.sqlite")
    path = documents[(0, "business_licence")]
    first = read_batch([path], _settings(), None, cache)[0]
    assert first.pages == 1 and cache.hits == 0


def test_cache_json_round_trip(scanned):
    paths, _truth = scanned
    reading = read_batch([paths[2]], _settings(), InlineOcr())[0]
    data = json.loads(json.dumps(reading_to_json(reading), ensure_ascii=False))
    assert reading_from_json(data) == reading


def test_image_file_is_ocred_through_the_batch(tmp_path, companies):
    png = samples.id_card_png(companies[0], tmp_path / "id.png")
    with Image.open(png) as img:
        assert img.size
    ocr = InlineOcr()
    reading = read_batch([png], _settings(), ocr)[0]
    assert reading.media_type == "image/png" and reading.pages == 1 and len(ocr.calls) == 1


# -- through the pipeline: a batch whose commit failed is not read again ----------------------------------

def test_pipeline_retry_after_a_failed_commit_reads_nothing_again(tmp_path, companies, scanned, monkeypatch):
    from conftest import make_config

    from dossier.archive import Archive
    from dossier.errors import ArchiveError
    from dossier.pipeline import Pipeline, init_home

    cfg = make_config(tmp_path / "home")
    init_home(cfg)
    folder = cfg.inbox / companies[0].short
    folder.mkdir(parents=True)
    samples.business_licence_pdf(companies[0], folder / "营业执照.pdf")
    (folder / "扫描件.pdf").write_bytes(scanned[0][2].read_bytes())  # two scanned pages

    real_store = Archive.store_batch

    def failing_store(self, *args, **kwargs):
        raise ArchiveError("磁盘已满（测试）")

    monkeypatch.setattr(Archive, "store_batch", failing_store)
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        first = pipe.ingest(wait=False)
    finally:
        pipe.close()
    assert sorted(o.outcome for o in first) == ["pending", "pending"]
    assert (folder / "扫描件.pdf").exists()

    monkeypatch.setattr(Archive, "store_batch", real_store)

    def no_open(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(document_mod.pdfium_text, "open_pdf", no_open)
    pipe = Pipeline(cfg)
    try:
        pipe.ocr.imap = lambda refs: (_ for _ in ()).throw(AssertionError("OCR again"))
        pipe.start()
        again = pipe.ingest(wait=False)
        hits = pipe.read_cache.hits
    finally:
        pipe.close()
    assert sorted(o.outcome for o in again) == ["archived", "archived"]
    assert hits == 2
    assert len(ReadingCache(cfg.state_dir / "reading-cache.sqlite")) == 2
    assert not any("cache" in p.name for p in cfg.inbox.rglob("*"))  # nothing of the cache in the inbox


def test_a_large_text_pdf_is_not_hashed_for_the_cache(tmp_path, documents, scanned, monkeypatch):
    """Above HASH_TEXT_LIMIT a text layer costs less to read again than the bytes cost to hash;
    a scan is always worth it (OCR costs seconds a page)."""
    monkeypatch.setattr(document_mod, "HASH_TEXT_LIMIT", 1000)
    cache = ReadingCache(tmp_path / "cache.sqlite")
    text_pdf = documents[(0, "business_licence")]
    assert text_pdf.stat().st_size > 1000
    read_batch([text_pdf], _settings(), None, cache)
    assert len(cache) == 0
    scan = scanned[0][0]
    read_batch([scan], _settings(), InlineOcr(), cache)
    ocr = InlineOcr()
    read_batch([scan], _settings(), ocr, cache)
    assert cache.hits == 1 and ocr.calls == []
