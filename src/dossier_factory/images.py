"""Image "scans" drawn with Pillow and the WenQuanYi Micro Hei font."""

from __future__ import annotations

import math
import random
from pathlib import Path

from .base import (
    NOTICE,
    SampleCompany,
    _cn_date,
    _code_rng,
    _font,
    _id_card_terms,
    _licence_issued,
    _out,
    _rmb_upper,
    _term_text,
)
from .pdfs import _star_points

# ---------------------------------------------------------------------------
# 7. Image "scans" (Pillow, wqy-microhei)
# ---------------------------------------------------------------------------

_PAPER = (236, 233, 224)
_SEAL_RED = (205, 30, 35, 170)


def _draw_text(draw, xy, s: str, size: int, fill=(20, 20, 20), anchor: str = "la") -> None:
    draw.text(xy, s, font=_font(size), fill=fill, anchor=anchor)


def _wrap_px(s: str, size: int, width: int) -> list[str]:
    font, lines, line = _font(size), [], ""
    for ch in s:
        if line and font.getlength(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines


def _stamp_seal(img, centre: tuple[int, int], radius: int, text: str):
    """Composite a semi-transparent red round seal with ``text`` along its upper arc."""
    from PIL import Image, ImageDraw

    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = centre
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=_SEAL_RED,
              width=max(4, radius // 18))
    d.polygon(_star_points(cx, cy, radius * 0.3, y_down=True), fill=_SEAL_RED)
    size = max(12, int(radius * 0.26))
    span = 230 if len(text) > 6 else 160
    for i, ch in enumerate(text):
        angle = 90 + span / 2 - span * i / max(1, len(text) - 1)
        tile = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((size, size), ch, font=_font(size), fill=_SEAL_RED, anchor="mm")
        tile = tile.rotate(angle - 90, resample=Image.BICUBIC)
        rr = radius - size * 0.85
        px = cx + rr * math.cos(math.radians(angle)) - size
        py = cy - rr * math.sin(math.radians(angle)) - size
        layer.alpha_composite(tile, (int(px), int(py)))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def _add_noise(img, rng: random.Random, strength: int = 18):
    """Darken pixels by a seeded random 0..strength and soften like a scanner."""
    from PIL import Image, ImageChops, ImageFilter

    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).point(lambda v: v * strength // 255)
    img = ImageChops.subtract(img, Image.merge("RGB", (noise, noise, noise)))
    return img.filter(ImageFilter.GaussianBlur(0.6))


def _fake_qr(draw, x: int, y: int, cells: int, cell: int, rng: random.Random) -> None:
    for i in range(cells):
        for j in range(cells):
            corner = min(i, cells - 1 - i) < 3 and min(j, cells - 1 - j) < 3 and (i < 3 or j < 3)
            if corner or rng.random() < 0.45:
                draw.rectangle([x + i * cell, y + j * cell, x + (i + 1) * cell - 1,
                                y + (j + 1) * cell - 1], fill=(25, 25, 25))


def _licence_image(company: SampleCompany, noise: bool):
    from PIL import Image, ImageDraw

    rng = _code_rng(company, "licence-scan")
    img = Image.new("RGB", (1600, 1130), _PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle([30, 30, 1569, 1099], outline=(160, 100, 50), width=8)
    d.rectangle([46, 46, 1553, 1083], outline=(160, 100, 50), width=2)
    _draw_text(d, (95, 85), "统一社会信用代码", 26)
    _draw_text(d, (95, 122), company.credit_code, 32)
    _draw_text(d, (1505, 95), "（副　本）", 28, anchor="ra")
    _draw_text(d, (800, 230), "营业执照", 100, anchor="mm")
    left = [("名　　称", [company.name]), ("类　　型", _wrap_px(company.company_type, 28, 500)),
            ("法定代表人", [company.legal_rep]), ("经营范围", _wrap_px(company.scope, 28, 500))]
    right = [("注册资本", [_rmb_upper(company.registered_capital * 100)]),
             ("成立日期", [_cn_date(company.established)]),
             ("营业期限", _wrap_px(_term_text(company), 28, 500)),
             ("住　　所", _wrap_px(company.address, 28, 500))]
    for column, lx, vx in ((left, 130, 300), (right, 860, 1030)):
        y = 370
        for label, values in column:
            _draw_text(d, (lx, y), label, 28)
            for line in values:
                _draw_text(d, (vx, y), line, 28)
                y += 40
            y += 28
    _fake_qr(d, 130, 850, 25, 7, rng)
    _draw_text(d, (1000, 900), "登记机关", 28)
    _draw_text(d, (1130, 960), _cn_date(_licence_issued(company)), 28)
    _draw_text(d, (800, 1060), NOTICE, 18, fill=(110, 110, 110), anchor="mm")
    img = _stamp_seal(img, (1230, 920), 120, company.registration_authority)
    return _add_noise(img, rng) if noise else img


def licence_scan_jpg(company: SampleCompany, path, rotate: int = 0, noise: bool = True) -> Path:
    """A scanned 营业执照 as JPEG: grey paper, red seal over the text, optional rotation."""
    if rotate % 90:
        raise ValueError("rotate must be a multiple of 90 degrees")
    path = _out(path)
    img = _licence_image(company, noise)
    if rotate % 360:
        img = img.rotate(rotate % 360, expand=True)
    img.save(path, "JPEG", quality=85)
    return path


def _id_card_image(company: SampleCompany):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1000, 1300), (248, 248, 246))
    d = ImageDraw.Draw(img)
    label, ink = (60, 90, 140), (20, 20, 20)
    for top in (60, 660):
        d.rounded_rectangle([72, top, 928, top + 540], radius=30, fill=(228, 238, 245),
                            outline=(150, 160, 170), width=2)
    b = company.legal_rep_birth
    x, t = 112, 60
    _draw_text(d, (x, t + 50), "姓名", 26, label)
    _draw_text(d, (x + 100, t + 45), company.legal_rep, 34, ink)
    _draw_text(d, (x, t + 120), "性别", 26, label)
    _draw_text(d, (x + 100, t + 116), company.legal_rep_sex, 30, ink)
    _draw_text(d, (x + 220, t + 120), "民族", 26, label)
    _draw_text(d, (x + 320, t + 116), "汉", 30, ink)
    _draw_text(d, (x, t + 190), "出生", 26, label)
    _draw_text(d, (x + 100, t + 186), f"{b.year}年{b.month}月{b.day}日", 30, ink)
    _draw_text(d, (x, t + 260), "住址", 26, label)
    for i, line in enumerate(_wrap_px(company.legal_rep_address, 30, 430)):
        _draw_text(d, (x + 100, t + 256 + i * 42), line, 30, ink)
    _draw_text(d, (x, t + 450), "公民身份号码", 26, label)
    _draw_text(d, (x + 200, t + 444), company.legal_rep_id, 38, ink)
    d.rectangle([650, t + 60, 870, t + 340], fill=(205, 210, 215))
    d.ellipse([715, t + 100, 805, t + 210], fill=(160, 165, 170))
    d.pieslice([670, t + 220, 850, t + 420], 180, 360, fill=(160, 165, 170))
    issuer, valid = _id_card_terms(company)
    t = 660
    d.ellipse([120, t + 50, 260, t + 190], outline=(200, 40, 40), width=6)
    d.polygon(_star_points(190, t + 120, 40, y_down=True), fill=(200, 40, 40))
    _draw_text(d, (560, t + 90), "中华人民共和国", 44, ink, "mm")
    _draw_text(d, (560, t + 170), "居民身份证", 68, ink, "mm")
    _draw_text(d, (180, t + 330), "签发机关", 26, label)
    _draw_text(d, (320, t + 326), issuer, 30, ink)
    _draw_text(d, (180, t + 410), "有效期限", 26, label)
    _draw_text(d, (320, t + 406), valid, 30, ink)
    _draw_text(d, (500, 1240), "（本复印件仅供担保申请使用，他用无效）", 28, (150, 40, 40), "mm")
    _draw_text(d, (500, 1280), NOTICE, 16, (110, 110, 110), "mm")
    return img


def id_card_png(company: SampleCompany, path) -> Path:
    """Photocopy-style PNG of the legal representative's ID card, front above back."""
    path = _out(path)
    _id_card_image(company).save(path, "PNG")
    return path


def _save_image_pdf(img, pdf_path: Path) -> Path:
    """One A4 page holding just ``img`` (no text layer), like a scanner's PDF."""
    w, h = img.size
    long_in, short_in = 11.69, 8.27
    dpi = max(w, h) / long_in if max(w, h) / min(w, h) > long_in / short_in else min(w, h) / short_in
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    img.save(pdf_path, "PDF", resolution=round(dpi, 2), title="Scanned document",
             creationDate=None, modDate=None)
    return pdf_path


def image_only_pdf(image_path, pdf_path) -> Path:
    """Wrap an image into a PDF page without any text layer."""
    from PIL import Image

    pdf_path = _out(pdf_path)
    with Image.open(image_path) as img:
        img.load()
        return _save_image_pdf(img, pdf_path)
