"""dossier.reading.ocr: line grouping, FakeEngine, RapidEngine on synthetic scans, rotation, OcrPool."""

from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PIL import Image

import dossier_factory as samples
from dossier_factory import scans
from dossier.reading.ocr import (
    FakeEngine,
    OcrError,
    OcrLine,
    OcrPage,
    OcrPageError,
    OcrPool,
    PageRef,
    RapidEngine,
    group_lines,
    image_sha256,
    load_page_image,
    make_engine,
    rapid_model_files,
    render_pdf_page,
)


def _norm(s: str) -> str:
    return "".join(s.split())


# ---------------------------------------------------------------------------
# group_lines
# ---------------------------------------------------------------------------

# (text, x0, x1) of the boxes of each line; lines are 40 px apart, the title is taller.
_PAGE = [
    [("资产负债表", 700, 1100)],
    [("编制单位：恒远机械有限公司", 100, 620), ("2025年12月31日", 900, 1150), ("单位：元", 1700, 1850)],
    [("货币资金", 100, 260), ("955,447.16", 500, 700), ("835,166.11", 800, 1000), ("短期借款", 1100, 1260)],
    [("应收票据", 100, 260), ("275,135.56", 500, 700), ("73,830.16", 820, 1000), ("应付票据", 1100, 1260)],
    [("存货", 100, 180), ("1,179,548.33", 470, 700), ("922,256.63", 800, 1000), ("应交税费", 1100, 1260)],
    [("合计", 100, 180), ("6,560,305.51", 470, 700)],
]


def _boxes(angle_deg: float, seed: int):
    """The page's boxes rotated by ``angle_deg`` about (1000, 400), in shuffled order."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    words = []
    y = 100
    for i, line in enumerate(_PAGE):
        h = 70 if i == 0 else 30
        for text, x0, x1 in line:
            quad = []
            for x, yy in ((x0, y), (x1, y), (x1, y + h), (x0, y + h)):
                dx, dy = x - 1000, yy - 400
                quad.append((1000 + dx * c - dy * s, 400 + dx * s + dy * c))
            words.append((text, 0.9, quad))
        y += h + 12
    random.Random(seed).shuffle(words)
    return words


def _expected():
    return [" ".join(t for t, _, _ in line) for line in _PAGE]


@pytest.mark.parametrize("angle", [-5, -3, -1, 0, 2, 4, 5])
def test_group_lines_skewed_boxes_give_lines_in_order(angle):
    lines = group_lines(_boxes(angle, seed=angle + 10))
    assert [ln.text for ln in lines] == _expected()
    # At 5 degrees a 1700-px line drifts ~150 px: far more than the 42-px line pitch,
    # so a fixed horizontal band could not have grouped these.
    assert all(isinstance(ln, OcrLine) and 0 < ln.confidence <= 1 for ln in lines)
    assert lines[0].box[3] - lines[0].box[1] > 60  # the title box covers its tall quad


def test_group_lines_joins_close_boxes_without_space():
    # Two pieces of one number split by the detector, touching: no space; a gap of
    # several characters: one space.
    words = [
        ("1,234,", 0.9, [(100, 10), (160, 10), (160, 40), (100, 40)]),
        ("567.89", 0.8, [(161, 11), (220, 11), (220, 41), (161, 41)]),
        ("元", 0.7, [(400, 10), (430, 10), (430, 40), (400, 40)]),
    ]
    [line] = group_lines(words)
    assert line.text == "1,234,567.89 元"
    assert line.box == (100, 10, 430, 41)
    assert line.confidence == pytest.approx((0.9 * 6 + 0.8 * 6 + 0.7) / 13, abs=1e-3)


def test_group_lines_edge_cases():
    assert group_lines([]) == []
    assert group_lines([(" ", 0.9, [(0, 0), (1, 0), (1, 1), (0, 1)])]) == []
    with pytest.raises(ValueError):
        group_lines([("x", 0.9, [(0, 0), (1, 0), (1, 1)])])


def test_ocr_page_text_and_confidence():
    page = OcrPage((OcrLine("营业执照", 1.0, (0, 0, 1, 1)), OcrLine("ab", 0.4, (0, 2, 1, 3))), 0, 10, 10, 0.1)
    assert page.text == "营业执照\nab"
    assert page.confidence == pytest.approx((4 * 1.0 + 2 * 0.4) / 6)
    assert OcrPage((), 0, 10, 10, 0.0).confidence is None


# ---------------------------------------------------------------------------
# FakeEngine
# ---------------------------------------------------------------------------


def test_fake_engine_reads_png_truth(tmp_path):
    img = Image.new("RGB", (300, 200), "white")
    path = scans.save_image(img, tmp_path / "p.png", truth="统一社会信用代码\n91330106MA2H2K4X1L")
    page = FakeEngine().read(PageRef(path))
    assert page.text == "统一社会信用代码\n91330106MA2H2K4X1L"
    assert [ln.confidence for ln in page.lines] == [0.99, 0.99]
    assert (page.width, page.height, page.rotation) == (300, 200, 0)
    assert make_engine("fake").name == "fake"


def _truth_files(folder: Path) -> list[tuple[PageRef, str]]:
    """One page of every kind the factory embeds truth in: PNG, JPEG, TIFF frame, PDF page."""
    img = Image.new("RGB", (120, 90), "white")
    png = scans.save_image(img, folder / "p.png", truth="甲 PNG")
    jpg = scans.save_image(img, folder / "p.jpg", truth="乙 JPEG")
    tif = scans.write_tiff([img, img], folder / "p.tif", truth=["丙 帧一", "丁 帧二"])
    pdf = scans.write_scanned_pdf([img, img], folder / "p.pdf", truth=["戊 第一页", "己 第二页"], dpi=60)
    return [(PageRef(png), "甲 PNG"), (PageRef(jpg), "乙 JPEG"), (PageRef(tif, None, 1), "丁 帧二"),
            (PageRef(pdf, 1, 0, 60), "己 第二页")]


def test_production_loaders_carry_no_truth(tmp_path):
    """Only the fake engine reads the truth: the page loaders keep no metadata but the dpi."""
    for ref, truth in _truth_files(tmp_path):
        image = load_page_image(ref)
        assert set(image.info) <= {"dpi"}, ref
        assert FakeEngine().recognize(image).lines == ()  # nothing to cheat with
        assert RapidEngine().name == "rapid"
        assert FakeEngine().read(ref).text == truth
    rendered = render_pdf_page(tmp_path / "p.pdf", 0, 60)
    assert set(rendered.info) == {"dpi"}


def test_only_the_fake_engine_reads_the_truth():
    """No production module but reading/ocr/fake.py names the factory's truth markers."""
    import dossier

    markers = ('"dossier-truth', '"DossierTruth"', "TRUTH_KEY", "TRUTH_MARK", "read_truth", "truth_from_blob")
    fake = Path(dossier.__file__).parent / "reading" / "ocr" / "fake.py"
    offenders = [f"{path.name}: {m}" for path in Path(dossier.__file__).parent.rglob("*.py") if path != fake
                 for m in markers if m in path.read_text(encoding="utf-8")]
    assert offenders == []
    assert "TRUTH_KEY" in fake.read_text(encoding="utf-8")


def test_fake_engine_read_fails_like_the_loader(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"\0" * 40)
    with pytest.raises(OcrPageError):
        FakeEngine().read(PageRef(broken))
    with pytest.raises(OcrPageError):
        FakeEngine().read(PageRef(tmp_path / "missing.pdf", 0))


def test_fake_engine_mapping_by_sha256():
    a = Image.new("RGB", (20, 20), "white")
    b = Image.new("RGB", (20, 20), "black")
    engine = FakeEngine({image_sha256(a): "甲", image_sha256(b): "乙"})
    assert engine.recognize(a).text == "甲"
    assert engine.recognize(b).text == "乙"
    assert engine.recognize(Image.new("RGB", (5, 5))).lines == ()  # unknown: blank page


# ---------------------------------------------------------------------------
# RapidEngine (real OCR; one engine for the module)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    e = RapidEngine()
    e.load()
    return e


@pytest.fixture(scope="module")
def company():
    return samples.make_company(2026)


@pytest.fixture(scope="module")
def licence_scan(tmp_path_factory, company):
    """The business licence PDF rendered at 300 dpi, scanned at 200 dpi with skew, seal and noise."""
    pdf = samples.business_licence_pdf(company, tmp_path_factory.mktemp("ocr") / "licence.pdf")
    clean = render_pdf_page(pdf, 0, 300)
    return clean, scans.scan(clean, dpi=200, skew_deg=2.0, noise=0.7, seed=7)


def test_models_ship_in_the_wheel():
    files = rapid_model_files()
    assert set(files) == {"det", "rec", "cls"}
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 100_000
        assert "site-packages" in str(path) or "rapidocr" in str(path)


def test_rapid_reads_licence_scan_jpg(engine, company, tmp_path):
    path = samples.licence_scan_jpg(company, tmp_path / "IMG_0001.jpg")
    page = engine.recognize(load_page_image(PageRef(path)))
    text = _norm(page.text)
    assert company.credit_code in text
    assert company.name in text
    assert page.rotation == 0 and page.confidence > 0.9


def test_rapid_reads_scanned_licence_pdf(engine, company, licence_scan):
    _, scanned = licence_scan
    page = engine.recognize(scanned)
    text = _norm(page.text)
    assert company.credit_code in text
    assert company.name in text
    assert company.legal_rep in text
    # Lines come out top to bottom: the credit code before the company name.
    assert text.index(company.credit_code) < text.index(company.name)
    assert (page.width, page.height) == scanned.size


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rapid_corrects_page_rotation(engine, company, licence_scan, rotation):
    clean, _ = licence_scan
    turned = scans.scan(clean, dpi=150, skew_deg=-1.0, rotation=rotation, seed=rotation)
    page = engine.recognize(turned)
    assert page.rotation == rotation
    text = _norm(page.text)
    assert company.credit_code in text and company.name in text
    # Boxes refer to the upright page.
    upright = (turned.height, turned.width) if rotation in (90, 270) else turned.size
    assert (page.width, page.height) == upright
    assert all(0 <= ln.box[0] <= ln.box[2] <= page.width + 1 for ln in page.lines)


def test_rapid_blank_page(engine):
    page = engine.recognize(Image.new("RGB", (800, 600), (240, 240, 236)))
    assert page.lines == () and page.confidence is None


def test_rapid_engine_never_downloads(tmp_path):
    """Load and run the engine with every socket refused and hub libraries set offline."""
    img = tmp_path / "p.png"
    from PIL import ImageDraw

    from dossier_factory.base import _font

    im = Image.new("RGB", (700, 120), "white")
    ImageDraw.Draw(im).text((20, 30), "营业执照 2025年12月31日", font=_font(40), fill="black")
    im.save(img)
    code = textwrap.dedent(f"""
        import socket
        def refuse(*a, **k):
            raise OSError("network disabled by test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from PIL import Image
        from dossier.reading.ocr import RapidEngine
        page = RapidEngine().recognize(Image.open({str(img)!r}))
        print(page.text)
    """)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "MODELSCOPE_OFFLINE": "1", "no_proxy": "*",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "营业执照" in proc.stdout and "2025年12月31日" in _norm(proc.stdout)


# ---------------------------------------------------------------------------
# OcrPool
# ---------------------------------------------------------------------------


def _truth_pngs(folder: Path, n: int) -> list[Path]:
    return [scans.save_image(Image.new("RGB", (64, 48), (i * 20 % 255, 200, 200)), folder / f"p{i}.png",
                             truth=f"第{i}页") for i in range(n)]


def test_pool_returns_pages_in_input_order(tmp_path):
    paths = _truth_pngs(tmp_path, 9)
    tif = scans.write_tiff([Image.new("RGB", (40, 30), "white")] * 3, tmp_path / "t.tif",
                           truth=["帧一", "帧二", "帧三"])
    pdf = scans.write_scanned_pdf([Image.new("RGB", (80, 60), "white")] * 2, tmp_path / "s.pdf",
                                  truth=["PDF一", "PDF二"], dpi=50)
    refs = [PageRef(p) for p in paths] + [PageRef(tif, None, 2), PageRef(pdf, 1, 0, 50), PageRef(tif, None, 0)]
    with OcrPool("fake", workers=2) as pool:
        assert len(pool.pids) == 2
        pages = pool.ocr_pages(refs)
        assert [p.text for p in pages] == [f"第{i}页" for i in range(9)] + ["帧三", "PDF二", "帧一"]
        assert all(p.seconds >= 0 for p in pages)
        assert list(pool.imap([])) == []


def test_pool_reports_a_bad_page_and_goes_on(tmp_path):
    good = _truth_pngs(tmp_path, 2)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    with OcrPool("fake", workers=1) as pool:
        results = list(pool.imap([PageRef(good[0]), PageRef(broken), PageRef(good[1]),
                                  PageRef(tmp_path / "s.pdf", 5)]))
        assert results[0].text == "第0页" and results[2].text == "第1页"
        assert isinstance(results[1], OcrPageError) and "broken.png" in results[1].message
        assert isinstance(results[3], OcrPageError) and results[3].index == 3
        with pytest.raises(OcrPageError) as info:
            pool.ocr_pages([PageRef(broken), PageRef(good[0])])
        assert info.value.results[1].text == "第0页"


def test_pool_survives_a_killed_worker(tmp_path):
    paths = _truth_pngs(tmp_path, 4)
    with OcrPool("fake", workers=1, engine_options={"delay": 1.0}) as pool:
        assert pool.ocr_pages([PageRef(paths[0])])[0].text == "第0页"  # worker is up
        victim = pool.pids[0]
        killer = threading.Timer(0.4, os.kill, (victim, signal.SIGKILL))
        killer.start()
        with pytest.raises(OcrPageError) as info:
            pool.ocr_pages([PageRef(p) for p in paths[1:]])
        killer.join()
        err = info.value
        assert err.index == 0
        assert "识别进程意外退出" in err.message and "p1.png" in err.message
        results = err.results
        assert isinstance(results[0], OcrPageError)
        assert [r.text for r in results[1:]] == ["第2页", "第3页"]  # went on with the next pages
        assert pool.pids[0] != victim and pool.restarts == 1
        assert pool.ocr_pages([PageRef(paths[0])])[0].text == "第0页"


def test_pool_abandoned_iterator_does_not_leak_results(tmp_path):
    paths = _truth_pngs(tmp_path, 5)
    with OcrPool("fake", workers=2, engine_options={"delay": 0.3}) as pool:
        it = pool.imap([PageRef(p) for p in paths[:4]])
        assert next(it).text == "第0页"
        it.close()  # pages 1 (and maybe 2) are still being read
        assert [p.text for p in pool.ocr_pages([PageRef(paths[4]), PageRef(paths[3])])] == ["第4页", "第3页"]


def test_pool_times_out_a_stuck_page(tmp_path):
    paths = _truth_pngs(tmp_path, 2)
    with OcrPool("fake", workers=1, engine_options={"delay": 3.0}, page_timeout=1.0) as pool:
        results = list(pool.imap([PageRef(paths[0])]))
        assert isinstance(results[0], OcrPageError) and "超时" in results[0].message


def test_pool_rejects_unknown_engine():
    with pytest.raises(OcrError):
        OcrPool("tesseract")


def test_pool_with_rapid_workers_renders_pdf_pages(tmp_path, company, licence_scan):
    _, scanned = licence_scan
    pdf = scans.write_scanned_pdf([scanned, scanned.transpose(Image.ROTATE_180)], tmp_path / "扫描.pdf")
    with OcrPool("rapid", workers=2) as pool:
        pages = pool.ocr_pages([PageRef(pdf, 0, 0, 200), PageRef(pdf, 1, 0, 200)])
        assert [p.rotation for p in pages] == [0, 180]
        for p in pages:
            assert company.credit_code in _norm(p.text)
        assert len(pool.peak_rss) == 2
        assert all(100 * 2**20 < v < 1024 * 2**20 for v in pool.peak_rss.values())
