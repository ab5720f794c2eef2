"""dossier_factory.scans: deterministic scans and phone photos, scanned PDFs and TIFFs with truth."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import dossier_factory as samples
from dossier_factory import scans
from dossier.reading.ocr import FakeEngine, PageRef, load_page_image, render_pdf_page
from dossier.reading.document import read_document


@pytest.fixture(scope="module")
def licence_pdf(tmp_path_factory):
    company = samples.make_company(11)
    return samples.business_licence_pdf(company, tmp_path_factory.mktemp("src") / "licence.pdf"), company


@pytest.fixture(scope="module")
def clean_page(licence_pdf):
    return scans.pdf_page_to_image(licence_pdf[0], 0, dpi=100)


def _red_pixels(img: Image.Image) -> int:
    """Seal-red pixels (the licence's brown border, R-G ~ 64, does not count)."""
    a = np.asarray(img.convert("RGB"), dtype=np.int16)
    return int((((a[..., 0] - a[..., 1]) > 75) & ((a[..., 0] - a[..., 2]) > 75)).sum())


def test_pdf_page_to_image_sets_size_and_dpi(licence_pdf):
    img = scans.pdf_page_to_image(licence_pdf[0], 0, dpi=100)
    # A4 landscape: 11.69 x 8.27 in.
    assert abs(img.width - 1169) <= 2 and abs(img.height - 827) <= 2
    assert img.info["dpi"] == (100, 100)
    assert img.mode == "RGB"


def test_scan_is_deterministic_by_seed(clean_page):
    a = scans.scan(clean_page, dpi=100, skew_deg=1.5, seed=3)
    b = scans.scan(clean_page, dpi=100, skew_deg=1.5, seed=3)
    c = scans.scan(clean_page, dpi=100, skew_deg=1.5, seed=4)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def test_scan_resamples_to_dpi_and_turns(clean_page):
    half = scans.scan(clean_page, dpi=50, seed=1)
    assert abs(half.width - clean_page.width / 2) <= 1 and half.info["dpi"] == (50, 50)
    turned = scans.scan(clean_page, dpi=50, rotation=90, seed=1)
    assert turned.size == (half.height, half.width)
    upside = scans.scan(clean_page, dpi=50, rotation=180, seed=1)
    assert upside.size == half.size
    with pytest.raises(ValueError):
        scans.scan(clean_page, dpi=50, rotation=45)


def test_scan_without_source_dpi_keeps_size():
    img = Image.new("RGB", (400, 300), "white")
    out = scans.scan(img, dpi=200, seal=False, seed=0)
    assert out.size == (400, 300)
    out2 = scans.scan(img, dpi=100, source_dpi=200, seal=False, seed=0)
    assert out2.size == (200, 150)


def test_scan_degrades_realistically(clean_page):
    plain = scans.scan(clean_page, dpi=100, seal=False, uneven_light=False, noise=0, blur=0, seed=2)
    sealed = scans.scan(clean_page, dpi=100, seal=True, seed=2)
    assert _red_pixels(sealed) > _red_pixels(plain) + 500  # a red seal was stamped
    a = np.asarray(sealed.convert("L"), dtype=np.float32)
    assert np.percentile(a, 50) < 248  # paper is never pure white
    assert np.asarray(plain.convert("L")).std() > 0


def test_phone_photo(clean_page):
    a = scans.phone_photo(clean_page, dpi=60, seed=5)
    b = scans.phone_photo(clean_page, dpi=60, seed=5)
    assert a.tobytes() == b.tobytes()
    assert a.info["dpi"] == (60.0, 60.0)
    # The page (11.69 in at 60 dpi = 701 px) plus the desk around it.
    assert 700 < a.width < 900
    # Corners show the desk, darker than the paper in the middle.
    g = np.asarray(a.convert("L"), dtype=np.float32)
    assert g[:5, :5].mean() < g[g.shape[0] // 2 - 20:g.shape[0] // 2 + 20, g.shape[1] // 2 - 20:g.shape[1] // 2 + 20].mean()
    turned = scans.phone_photo(clean_page, dpi=60, seed=5, rotation=270)
    assert turned.size == (a.height, a.width)


def test_write_scanned_pdf_round_trip(tmp_path, clean_page):
    pages = [scans.scan(clean_page, dpi=100, seed=i) for i in range(3)]
    truths = ["第一页 营业执照", "第二页\n91330106MA2H2K4X1L", "第三页"]
    pdf = scans.write_scanned_pdf(iter(pages), tmp_path / "扫描件.pdf", truth=truths)
    reading = read_document(pdf)
    assert reading.media_type == "application/pdf" and reading.pages == 3
    assert all(not t.strip() for t in reading.pages_text)  # image only: no text layer
    again = scans.write_scanned_pdf(pages, tmp_path / "again.pdf", truth=truths)
    assert again.read_bytes() == pdf.read_bytes()  # deterministic
    img = render_pdf_page(pdf, 1, dpi=100)
    # A 100-dpi image makes a page of the same size in inches.
    assert abs(img.width - pages[1].width) <= 2 and abs(img.height - pages[1].height) <= 2
    assert "dossier-truth" not in img.info  # the production renderer carries no test hook
    page = FakeEngine().read(PageRef(pdf, 1, 0, 100))
    assert page.text == truths[1] and (page.width, page.height) == img.size
    with pytest.raises(ValueError):
        scans.write_scanned_pdf(pages, tmp_path / "bad.pdf", truth=["only one"])


def test_write_tiff_multi_page_with_truth(tmp_path, clean_page):
    pages = [scans.scan(clean_page, dpi=60, seed=i) for i in range(2)]
    tif = scans.write_tiff(pages, tmp_path / "fax.tif", truth=["甲页", "乙页 123.45"])
    with Image.open(tif) as im:
        assert im.n_frames == 2
    assert read_document(tif).pages == 2
    for frame, expected in enumerate(["甲页", "乙页 123.45"]):
        img = load_page_image(PageRef(tif, None, frame))
        assert img.size == pages[frame].size
        assert FakeEngine().read(PageRef(tif, None, frame)).text == expected


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_save_image_with_truth(tmp_path, clean_page, suffix):
    img = scans.scan(clean_page, dpi=60, seed=9)
    path = scans.save_image(img, tmp_path / f"page{suffix}", truth="名称：测试有限公司\n金额：1,234.00")
    loaded = load_page_image(PageRef(path))
    assert "dossier-truth" not in loaded.info
    assert [line.text for line in FakeEngine().read(PageRef(path)).lines] == ["名称：测试有限公司", "金额：1,234.00"]
