"""Bounded parsing (issue 11, hole 4): hostile files built at test time (``dossier_factory.bombs``), each
beside an ordinary client file in the same pass. Each case names its outcome: quarantined with a
reason naming the limit and the setting that raises it, or archived with the pages it could not read
marked unread; and the ordinary file is archived in the same pass whatever the case did.

No timing asserts beyond "within the configured limit + generous slack" (2 shared cores).
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from conftest import by_source, make_config, ocfl_validate

import dossier_factory as samples
from dossier.archive import Archive
from dossier.errors import OcrError
from dossier.pipeline import LazyOcr, Pipeline, init_home
from dossier.reading import ReadSettings, read_batch, sandbox
from dossier.reading.ocr import PageRef
from dossier.reading.sandbox import Limits, Sandbox, Strikes, content_key
from dossier_factory import bombs, scans

SLACK = 60.0  # seconds: spawning a worker on a loaded machine, the ordinary file, the commit


@pytest.fixture
def company():
    return samples.make_company(11, short="恒远机械")


def _home(tmp_path: Path, **overrides):
    cfg = make_config(tmp_path / "home", **overrides)
    init_home(cfg)
    return cfg


def _ordinary(cfg, company) -> None:
    samples.business_licence_pdf(company, cfg.inbox / "恒远机械" / "营业执照.pdf")


def _ingest(cfg, **engine_options):
    pipe = Pipeline(cfg)
    if engine_options:
        pipe.ocr = LazyOcr.for_config(cfg, **engine_options)
    try:
        pipe.start()
        started = time.monotonic()
        outcomes = pipe.ingest()
        return outcomes, time.monotonic() - started, pipe.sandbox.peak_rss
    finally:
        pipe.close()


def _ordinary_archived(cfg, outcomes) -> None:
    got = by_source(outcomes)["恒远机械/营业执照.pdf"]
    assert got.outcome == "archived", got
    ok, out = ocfl_validate(Archive(cfg).object_path("恒远机械"))
    assert ok, out


def _quarantined(cfg, outcomes, source: str):
    got = by_source(outcomes)[source]
    assert got.outcome == "quarantined", got
    assert (cfg.inbox / got.moved_to).is_file()
    note = (cfg.inbox / (got.moved_to + ".reason.txt")).read_text(encoding="utf-8")
    assert got.reason in note
    assert not (cfg.inbox / source).exists()
    return got


def _vm_hwm(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


# -- the Done-means check: a bomb and a normal PDF in one drop -------------------------------------

def test_compression_bomb_is_quarantined_in_time_and_memory_and_the_normal_pdf_archived(tmp_path, company):
    """Done means: the normal one archived, the bomb quarantined within the configured time limit, peak
    RSS of every dossier process under the configured memory limit."""
    seconds, memory_mb = 60.0, 1024
    cfg = _home(tmp_path, read_seconds=seconds, read_memory_mb=memory_mb)
    _ordinary(cfg, company)
    bombs.compression_bomb_pdf(cfg.inbox / "恒远机械" / "年度报告.pdf", inflated_mb=1500)
    assert (cfg.inbox / "恒远机械" / "年度报告.pdf").stat().st_size < 2 << 20
    before = _vm_hwm()
    outcomes, elapsed, worker_rss = _ingest(cfg)
    _ordinary_archived(cfg, outcomes)
    got = _quarantined(cfg, outcomes, "恒远机械/年度报告.pdf")
    assert "read_memory_mb" in got.reason and f"{memory_mb} MB" in got.reason, got.reason
    assert elapsed < seconds + SLACK
    limit = memory_mb << 20
    assert worker_rss and max(worker_rss.values()) < limit
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # every reaped worker
    assert children < limit
    assert _vm_hwm() - before < 256 << 20  # the watcher itself never parsed the bomb
    assert not (cfg.state_dir / sandbox.STRIKES_FILE).exists() or \
        content_key(Path(cfg.inbox / got.moved_to)) in (cfg.state_dir / sandbox.STRIKES_FILE).read_text()


# -- the other hostile files ------------------------------------------------------------------------

def test_zip_bomb_in_a_docx_is_quarantined_unread(tmp_path, company):
    cfg = _home(tmp_path)  # default limits: 2048 MB
    _ordinary(cfg, company)
    bombs.zip_bomb_docx(cfg.inbox / "恒远机械" / "章程.docx", inflated_mb=2500)
    outcomes, elapsed, _rss = _ingest(cfg)
    _ordinary_archived(cfg, outcomes)
    got = _quarantined(cfg, outcomes, "恒远机械/章程.docx")
    assert "read_memory_mb" in got.reason and "2048 MB" in got.reason and "2,500 MB" in got.reason
    assert elapsed < 10 + SLACK  # refused by its declared sizes: nothing was inflated


def test_hundred_thousand_frame_tiff_is_archived_with_its_first_frames_read(tmp_path, company):
    cfg = _home(tmp_path, read_max_pages=40, ocr_max_pages=3)
    _ordinary(cfg, company)
    bombs.many_frame_tiff(cfg.inbox / "恒远机械" / "扫描.tif", frames=100_000)
    outcomes, elapsed, _rss = _ingest(cfg)
    _ordinary_archived(cfg, outcomes)
    got = by_source(outcomes)["恒远机械/扫描.tif"]
    assert got.outcome == "archived", got
    doc = next(d for d in Archive(cfg).head("恒远机械").documents if d.source == "恒远机械/扫描.tif")
    assert doc.pages == 40 and doc.review  # frames walked up to read_max_pages, never all counted
    assert elapsed < cfg.read_seconds + SLACK


def test_tiff_frames_are_counted_only_up_to_the_page_limit(tmp_path):
    path = bombs.many_frame_tiff(tmp_path / "many.tif", frames=100_000)
    box = Sandbox(Limits(60.0, 1024))
    try:
        reading = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
    finally:
        box.close()
    assert reading.pages == 500
    assert any("read_max_pages" in note and "500" in note for note in reading.notes), reading.notes


def test_ten_gigabyte_sparse_pdf_is_refused_at_claim_without_a_copy(tmp_path, company):
    cfg = _home(tmp_path, read_seconds=20.0)
    _ordinary(cfg, company)
    bombs.sparse_pdf(cfg.inbox / "恒远机械" / "大文件.pdf", size=10 << 30)
    outcomes, elapsed, _rss = _ingest(cfg)
    _ordinary_archived(cfg, outcomes)
    got = _quarantined(cfg, outcomes, "恒远机械/大文件.pdf")
    assert "max_file_mb" in got.reason and "10,240 MB" in got.reason, got.reason
    assert elapsed < 20.0 + SLACK  # refused before anything is copied or read
    staged = [p for p in cfg.state_dir.rglob("*") if p.is_file() and p.stat().st_size > 1 << 30]
    assert staged == []


def test_slow_ocr_stops_at_the_file_budget_and_archives_the_rest_unread(tmp_path, company):
    budget, delay = 3.0, 1.0
    cfg = _home(tmp_path, ocr_file_seconds=budget, ocr_workers=1)
    _ordinary(cfg, company)
    licence = samples.business_licence_pdf(company, tmp_path / "licence.pdf")
    page = scans.pdf_page_to_image(licence, 0, dpi=60)
    scans.write_scanned_pdf([page] * 12, cfg.inbox / "恒远机械" / "合同扫描.pdf", truth=["扫描页"] * 12, dpi=60)
    outcomes, elapsed, _rss = _ingest(cfg, delay=delay)
    _ordinary_archived(cfg, outcomes)
    got = by_source(outcomes)["恒远机械/合同扫描.pdf"]
    assert got.outcome == "archived", got
    doc = next(d for d in Archive(cfg).snapshot("恒远机械", with_text=True).documents
               if d.source == "恒远机械/合同扫描.pdf")
    assert doc.pages == 12 and doc.review
    assert any("未能读取文字" in p and "12" in p for p in doc.problems), doc.problems
    assert "扫描页" in doc.text  # the pages read before the budget ran out are kept
    assert elapsed < budget + 12 * delay  # never all 12 pages: the budget stopped it


def test_ocr_budget_notes_the_setting_and_is_not_cached(tmp_path):
    page = scans.pdf_page_to_image(samples.business_licence_pdf(samples.make_company(3), tmp_path / "l.pdf"), 0, 60)
    path = scans.write_scanned_pdf([page] * 6, tmp_path / "scan.pdf", truth=["第一行"] * 6, dpi=60)
    settings = ReadSettings(max_pages=500, ocr_engine="fake", ocr_max_pages=30, ocr_dpi=60, ocr_file_seconds=1.5)
    from dossier.reading import ReadingCache

    cache = ReadingCache(tmp_path / "cache.sqlite")
    ocr = LazyOcr("fake", 1, engine_options={"delay": 1.0})
    try:
        reading = read_batch([path], settings, ocr, cache)[0]
    finally:
        ocr.close()
    methods = [p.method for p in reading.page_texts]
    assert methods[0] == "ocr" and methods[-1] == "none", methods
    assert any("ocr_file_seconds" in n and "1.5 秒" in n for n in reading.notes), reading.notes
    assert len(cache) == 0  # cut short by time: read again next time


# -- poison files: killed twice, never retried forever ---------------------------------------------------

def test_a_file_that_kills_its_worker_twice_is_quarantined_and_remembered_across_restarts(tmp_path):
    path = bombs.compression_bomb_pdf(tmp_path / "bomb.pdf", inflated_mb=1500)
    strikes_file = tmp_path / "state" / sandbox.STRIKES_FILE
    box = Sandbox(Limits(60.0, 512), Strikes(strikes_file))
    settings = ReadSettings(max_pages=500, ocr_engine="none")
    try:
        result = read_batch([path], settings, None, sandbox=box)[0]
        assert box.restarts == 2  # tried once more in a fresh worker, which died too
    finally:
        box.close()
    assert "2 次异常退出" in result.message and "read_memory_mb" in result.message, result.message
    key = content_key(path)
    assert Strikes(strikes_file).count(key) == 2
    # a restarted service (a new process: a new sandbox, the same state folder) does not try again
    again = Sandbox(Limits(60.0, 512), Strikes(strikes_file))
    try:
        result = read_batch([path], settings, None, sandbox=again)[0]
        assert again.pid is None  # no worker was even started
    finally:
        again.close()
    assert "2 次异常退出" in result.message


def test_a_strike_from_before_a_restart_still_counts(tmp_path):
    """A worker seen to die on the file before the service restarted left its strike in the state folder:
    the file is tried once more, and quarantined when it kills that worker too."""
    path = bombs.compression_bomb_pdf(tmp_path / "bomb.pdf", inflated_mb=1500)
    strikes = Strikes(tmp_path / sandbox.STRIKES_FILE)
    strikes.add(content_key(path))  # what the run before the restart recorded
    box = Sandbox(Limits(60.0, 512), strikes)
    try:
        result = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
        assert box.restarts == 1  # one attempt only
    finally:
        box.close()
    assert "2 次异常退出" in result.message


def test_a_clean_answer_clears_the_strike(tmp_path, company):
    path = samples.business_licence_pdf(company, tmp_path / "licence.pdf")
    strikes = Strikes(tmp_path / sandbox.STRIKES_FILE)
    strikes.add(content_key(path))  # one spurious kill (the watcher stopped by SIGKILL)
    box = Sandbox(Limits(60.0, 1024), strikes)
    try:
        reading = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
    finally:
        box.close()
    assert reading.pages == 1 and company.credit_code in reading.text
    assert strikes.count(content_key(path)) == 0


def test_time_limit_names_the_setting(tmp_path):
    path = bombs.sparse_pdf(tmp_path / "big.pdf", size=10 << 30)
    box = Sandbox(Limits(2.0, 1024))
    try:
        started = time.monotonic()
        result = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
        elapsed = time.monotonic() - started
    finally:
        box.close()
    if "read_seconds" not in result.message:  # pdfium gave up on its own first: a damaged-PDF reason
        assert "损坏" in result.message, result.message
    else:
        assert "2 秒" in result.message
    assert elapsed < 2.0 + SLACK


# -- the OCR pool heals -----------------------------------------------------------------------------

def test_ocr_pool_is_replaced_after_a_fatal_worker_error(tmp_path, company):
    page = scans.pdf_page_to_image(samples.business_licence_pdf(company, tmp_path / "l.pdf"), 0, dpi=60)
    path = scans.write_scanned_pdf([page], tmp_path / "scan.pdf", truth=["营业执照"], dpi=60)
    ocr = LazyOcr("fake", 1, engine_options={"delay": "not a number"})  # the engine cannot start: fatal
    try:
        with pytest.raises(OcrError):
            list(ocr.imap([PageRef(str(path), 0, 0, 60)]))
        assert ocr.pool.closed
        ocr.engine_options = {}  # whatever made it fatal has passed
        pages = list(ocr.imap([PageRef(str(path), 0, 0, 60)]))
        assert pages[0].text == "营业执照" and ocr.renewals == 1
    finally:
        ocr.close()


def test_stopping_the_service_mid_parse_puts_the_file_back_without_a_strike(tmp_path):
    """SIGTERM while a slow file is parsed: the worker is stopped, the file goes back to the inbox (None),
    and no strike is left against it (it did nothing wrong)."""
    path = bombs.sparse_pdf(tmp_path / "big.pdf", size=10 << 30)
    strikes = Strikes(tmp_path / sandbox.STRIKES_FILE)
    box = Sandbox(Limits(600.0, 1024), strikes)
    stop_at = time.monotonic() + 1.0
    try:
        started = time.monotonic()
        result = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None,
                            should_stop=lambda: time.monotonic() > stop_at, sandbox=box)[0]
        elapsed = time.monotonic() - started
    finally:
        box.close()
    if result is not None:  # pdfium gave up on the file within the second: nothing to stop
        assert "损坏" in result.message, result.message
        return
    assert elapsed < 1.0 + SLACK
    assert strikes.count(content_key(path)) == 0


# -- the worker starts early ------------------------------------------------------------------------

def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()  # reaped: no zombie left either


def test_a_worker_started_early_reads_the_first_file_and_an_unused_one_is_stopped_at_close(tmp_path, company):
    """``prestart`` spawns the worker without waiting for its imports; the first task waits for it, and
    a second ``prestart`` keeps the same worker. A worker started early and never used is stopped at
    close (not counted as lost) and leaves no process behind."""
    path = samples.business_licence_pdf(company, tmp_path / "licence.pdf")
    box = Sandbox(Limits(60.0, 1024))
    try:
        box.prestart()
        pid = box.pid
        assert pid is not None
        box.prestart()
        assert box.pid == pid
        reading = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
        assert reading.pages == 1 and company.credit_code in reading.text
        assert box.pid == pid and box.restarts == 0
    finally:
        box.close()
    assert _gone(pid)
    unused = Sandbox(Limits(60.0, 1024))
    unused.prestart()
    pid = unused.pid
    unused.close()
    assert _gone(pid) and unused.pid is None and unused.restarts == 0


def test_a_worker_started_early_that_cannot_start_says_so_at_the_first_file(tmp_path, company):
    """A worker that dies while starting (here: an address-space limit too small for its imports) is
    replaced once at the first task; when that one cannot start either, the file gets the start-up reason."""
    path = samples.business_licence_pdf(company, tmp_path / "licence.pdf")
    box = Sandbox(Limits(60.0, 40))
    try:
        box.prestart()
        result = read_batch([path], ReadSettings(max_pages=500, ocr_engine="none"), None, sandbox=box)[0]
    finally:
        box.close()
    assert "读取进程无法启动" in result.message, result.message


def test_an_ingester_starts_its_reading_worker_at_start_and_a_reader_does_not(tmp_path, company):
    cfg = _home(tmp_path)
    _ordinary(cfg, company)
    reader = Pipeline(cfg)
    try:
        reader.start(role="reader")
        assert reader.sandbox.pid is None
    finally:
        reader.close()
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        pid = pipe.sandbox.pid
        assert pid is not None  # its imports run while the archive is recovered and the inbox scanned
        outcomes = pipe.ingest()
        assert pipe.sandbox.pid == pid  # the file was read by that worker
    finally:
        pipe.close()
    _ordinary_archived(cfg, outcomes)
    assert _gone(pid)
