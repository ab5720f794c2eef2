"""Turn clean page images into realistic scans and phone photos (tests, benchmarks, demo).

Every function is deterministic: the same input and ``seed`` give the same pixels.
Only Pillow and numpy are used.

Degradations, in the order a real page meets them:

``scan``         paper tint, a red seal stamped over the text, uneven lighting,
                 skew (the page lies crooked on the glass), resampling to the
                 scanner's resolution, optical blur, sensor noise and dust,
                 and finally the page turned by 90/180/270 degrees.
``phone_photo``  perspective (the phone is not parallel to the page), the page
                 lying on a desk, a soft shadow of the hand or the phone, low
                 resolution (~120 dpi), blur, noise and JPEG compression.

Resolution: a page image knows its resolution when ``image.info["dpi"]`` is set
(``pdf_page_to_image`` and ``dossier.reading.ocr.render_pdf_page`` set it); otherwise
pass ``source_dpi``.  Without either the image is taken to be at the target dpi.

Ground truth for ``dossier.reading.ocr.FakeEngine``: ``save_image``, ``write_scanned_pdf``
and ``write_tiff`` embed the text of each page when given ``truth`` (PNG text
chunk / JPEG comment / TIFF ImageDescription / PDF document information entry
``/DossierTruth``); only the fake engine reads it back (``FakeEngine.read(ref)``,
``dossier.reading.ocr.fake.read_truth``), never the production page loaders.  In memory,
``scan`` and ``phone_photo`` keep an ``image.info["dossier-truth"]`` they are given.
"""

from __future__ import annotations

import io
import json
import math
import random
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from dossier.reading.ocr import render_pdf_page
from dossier.reading.ocr.fake import TRUTH_KEY, TRUTH_MARK
from PIL import Image, ImageDraw, ImageFilter

__all__ = [
    "scan",
    "phone_photo",
    "pdf_page_to_image",
    "save_image",
    "write_scanned_pdf",
    "write_tiff",
    "A4_INCHES",
]

#: Width and height of an A4 page in inches (portrait).
A4_INCHES = (8.27, 11.69)
_SEAL_RED = (200, 30, 40)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image.copy()
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return image.convert("RGB")


def _source_dpi(image: Image.Image, source_dpi: float | None, target: float) -> float:
    if source_dpi:
        return float(source_dpi)
    dpi = image.info.get("dpi")
    if dpi:
        try:
            value = float(dpi[0] if isinstance(dpi, (tuple, list)) else dpi)
        except (TypeError, ValueError):
            value = 0.0
        if value > 1:
            return value
    return float(target)


def _resample(image: Image.Image, src_dpi: float, dpi: float) -> Image.Image:
    if abs(src_dpi - dpi) < 0.5:
        return image
    scale = dpi / src_dpi
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.LANCZOS, reducing_gap=3.0 if scale < 0.5 else None)


def _finish(image: Image.Image, dpi: float, keep: dict) -> Image.Image:
    image.info.clear()
    image.info.update(keep)
    image.info["dpi"] = (dpi, dpi)
    return image


def _kept_info(image: Image.Image) -> dict:
    return {TRUTH_KEY: image.info[TRUTH_KEY]} if TRUTH_KEY in image.info else {}


def _to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32)


def _from_array(a: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")


def _stamp_seal(image: Image.Image, rng: random.Random, scale: float) -> Image.Image:
    """A semi-transparent red company seal in the lower right, over whatever text is there."""
    w, h = image.size
    radius = max(20, int(min(w, h) * rng.uniform(0.09, 0.12)))
    cx = int(w * rng.uniform(0.62, 0.80))
    cy = int(h * rng.uniform(0.62, 0.85))
    cx, cy = min(cx, w - radius - 2), min(cy, h - radius - 2)
    layer = Image.new("L", image.size, 0)
    d = ImageDraw.Draw(layer)
    ring = max(3, radius // 16)
    d.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=255, width=ring)
    star = []
    for i in range(10):
        r = radius * (0.30 if i % 2 == 0 else 0.12)
        a = math.radians(-90 + 36 * i)
        star.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(star, fill=255)
    try:  # the seal's text, if the CJK font of the samples is there
        from dossier_factory.base import _font

        size = max(10, int(radius * 0.24))
        font = _font(size)
        text = "合同专用章" if rng.random() < 0.5 else "财务专用章"
        d.text((cx, cy + radius * 0.55), text, font=font, fill=255, anchor="mm")
        ring_text = "有限公司印章专用"
        for i, ch in enumerate(ring_text):
            ang = math.radians(200 + 140 * i / (len(ring_text) - 1))
            tile = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(tile).text((size, size), ch, font=font, fill=255, anchor="mm")
            tile = tile.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC)
            rr = radius - size * 0.9
            layer.paste(255, (int(cx + rr * math.cos(ang) - size), int(cy + rr * math.sin(ang) - size)),
                        tile)
    except Exception:  # noqa: BLE001 - no font: a seal without text is still a seal
        pass
    # Only the seal's square is blended (the rest of the page is untouched).
    pad = int(radius * 0.2) + 4
    x0, y0 = max(0, cx - radius - pad), max(0, cy - radius - pad)
    x1, y1 = min(w, cx + radius + pad), min(h, cy + radius + pad)
    box = (x0, y0, x1, y1)
    layer = layer.crop(box)
    bw, bh = layer.size
    # Ink is uneven: modulate the stamp's opacity with blurred noise.
    nrng = np.random.default_rng(rng.randrange(2**32))
    mottle = Image.fromarray((nrng.random((max(1, bh // 8), max(1, bw // 8))) * 255).astype(np.uint8), "L")
    mottle = mottle.resize((bw, bh), Image.BILINEAR).filter(ImageFilter.GaussianBlur(2 * scale))
    alpha = (_to_array(layer.filter(ImageFilter.GaussianBlur(0.6 * scale))) / 255.0) * (
        0.55 + 0.35 * _to_array(mottle) / 255.0)
    alpha = alpha[..., None] * rng.uniform(0.75, 0.9)
    a = _to_array(image.crop(box))
    red = np.array(_SEAL_RED, dtype=np.float32)
    # Multiply blend: red ink over black text stays dark, over paper turns red.
    a = a * (1 - alpha) + (a * red / 255.0) * alpha
    out = image.copy()
    out.paste(_from_array(a), box[:2])
    return out


def _lighting(shape: tuple[int, int], rng: random.Random, strength: float) -> np.ndarray:
    """A smooth illumination field in [1 - strength, 1]: a linear fall-off plus a soft blob.

    Computed on a grid 8x coarser and enlarged (it is smooth anyway).
    """
    h, w = shape
    gh, gw = max(2, h // 8), max(2, w // 8)
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    ang = rng.uniform(0, 2 * math.pi)
    ramp = (xx / gw) * math.cos(ang) + (yy / gh) * math.sin(ang)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    bx, by = rng.uniform(0, gw), rng.uniform(0, gh)
    sigma = max(gw, gh) * rng.uniform(0.3, 0.6)
    blob = np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / (2 * sigma**2))
    field = 1.0 - strength * (0.65 * ramp + 0.35 * (1 - blob))
    big = Image.fromarray(field.astype(np.float32), "F").resize((w, h), Image.BILINEAR)
    return np.asarray(big, dtype=np.float32)


def _sensor_noise(a: np.ndarray, rng: random.Random, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return a
    nrng = np.random.default_rng(rng.randrange(2**32))
    grain = nrng.normal(0.0, sigma, a.shape[:2]).astype(np.float32)[..., None]
    return a + grain


def _dust(image: Image.Image, rng: random.Random, amount: float, scale: float) -> None:
    """Specks and short hairs of dust on the glass, drawn in place."""
    w, h = image.size
    d = ImageDraw.Draw(image)
    for _ in range(int(amount * 400)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.4, 1.4) * scale
        g = rng.randrange(40, 120)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(g, g, g))
    for _ in range(int(amount * 20)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        a, n = rng.uniform(0, math.pi), rng.uniform(6, 25) * scale
        g = rng.randrange(90, 160)
        d.line([x, y, x + n * math.cos(a), y + n * math.sin(a)], fill=(g, g, g), width=1)


def _turn(image: Image.Image, rotation: int) -> Image.Image:
    rotation %= 360
    if rotation % 90:
        raise ValueError("rotation must be 0, 90, 180 or 270")
    if rotation == 0:
        return image
    method = {90: Image.ROTATE_90, 180: Image.ROTATE_180, 270: Image.ROTATE_270}[rotation]
    return image.transpose(method)


# ---------------------------------------------------------------------------
# scans and photos
# ---------------------------------------------------------------------------


def scan(
    image: Image.Image,
    *,
    dpi: int = 200,
    skew_deg: float = 0.0,
    noise: float = 0.5,
    blur: float = 0.5,
    seal: bool = True,
    uneven_light: bool = True,
    rotation: int = 0,
    seed: int = 0,
    source_dpi: float | None = None,
) -> Image.Image:
    """A flatbed scan of ``image`` (a clean page) at ``dpi``.

    ``skew_deg``: counter-clockwise tilt of the page on the glass (a few degrees at most).
    ``noise``: 0 (none) .. 1 (a dusty, grainy scanner); ``blur``: optical blur in
    pixels of a 200-dpi scan (scaled with ``dpi``).  ``seal``: stamp a red seal over
    the lower right; ``uneven_light``: darker towards one side.  ``rotation``: the page
    was put on the glass turned counter-clockwise by 0/90/180/270 degrees (as
    ``Image.rotate``; ``dossier.ocr`` reports the same number in ``OcrPage.rotation``).
    Returns an RGB image whose ``info["dpi"]`` is ``(dpi, dpi)``.
    """
    keep = _kept_info(image)
    rng = random.Random(f"dossier-scan:{seed}")
    img = _resample(_rgb(image), _source_dpi(image, source_dpi, dpi), dpi)
    scale = dpi / 200.0
    # Paper is never pure white.
    a = _to_array(img)
    tint = np.array([rng.uniform(236, 248), rng.uniform(234, 246), rng.uniform(226, 240)], np.float32)
    a = a * (tint / 255.0)
    img = _from_array(a)
    if seal:
        img = _stamp_seal(img, rng, scale)
    if skew_deg:
        bg = tuple(int(v) for v in tint)
        img = img.rotate(skew_deg, resample=Image.BICUBIC, expand=False, fillcolor=bg)
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur * scale))
    a = _to_array(img)
    if uneven_light:
        a = a * _lighting(a.shape[:2], rng, rng.uniform(0.12, 0.22))[..., None]
    a = _sensor_noise(a, rng, 14.0 * noise)
    img = _from_array(a)
    if noise > 0:
        _dust(img, rng, noise, scale)
    img = _turn(img, rotation)
    return _finish(img, dpi, keep)


def _perspective_coeffs(dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]):
    """Coefficients for ``Image.transform(..., Image.PERSPECTIVE)`` mapping output ``dst`` to input ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, np.float64), np.array(rhs, np.float64)).tolist()


def phone_photo(
    image: Image.Image,
    *,
    dpi: int = 120,
    perspective: float = 0.05,
    shadow: float = 0.35,
    jpeg_quality: int = 70,
    blur: float = 0.8,
    noise: float = 0.6,
    rotation: int = 0,
    seed: int = 0,
    source_dpi: float | None = None,
) -> Image.Image:
    """A phone photo of ``image`` lying on a desk.

    ``perspective``: how far (fraction of the page size) each corner moves;
    ``shadow``: darkness (0..1) of a soft shadow across part of the page;
    ``dpi``: resolution of the page in the photo (phones give ~100-150 dpi on A4);
    ``jpeg_quality``: the photo is JPEG-compressed and decoded again.
    ``rotation`` as in :func:`scan`.  Returns an RGB image with ``info["dpi"]``.
    """
    keep = _kept_info(image)
    rng = random.Random(f"dossier-photo:{seed}")
    src_dpi = _source_dpi(image, source_dpi, dpi)
    # Work at 1.5x the target resolution, then downscale: the photo's own softness.
    work_dpi = min(src_dpi, dpi * 1.5)
    page = _resample(_rgb(image), src_dpi, work_dpi)
    pw, ph = page.size
    margin = int(max(pw, ph) * (perspective + 0.03))
    W, H = pw + 2 * margin, ph + 2 * margin
    desk = tuple(rng.randrange(60, 120) for _ in range(3))
    # Corners of the page in the photo: jittered inwards/outwards.
    j = perspective * max(pw, ph)
    corners = [(margin + rng.uniform(-j, j) * 0.6, margin + rng.uniform(-j, j) * 0.6),
               (margin + pw + rng.uniform(-j, j) * 0.6, margin + rng.uniform(-j, j) * 0.6),
               (margin + pw + rng.uniform(-j, j) * 0.6, margin + ph + rng.uniform(-j, j) * 0.6),
               (margin + rng.uniform(-j, j) * 0.6, margin + ph + rng.uniform(-j, j) * 0.6)]
    coeffs = _perspective_coeffs(corners, [(0, 0), (pw, 0), (pw, ph), (0, ph)])
    warped = page.transform((W, H), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=desk)
    mask = Image.new("L", (pw, ph), 255).transform((W, H), Image.PERSPECTIVE, coeffs, Image.BILINEAR,
                                                    fillcolor=0)
    photo = Image.new("RGB", (W, H), desk)
    photo.paste(warped, mask=mask)
    a = _to_array(photo)
    # Warm indoor light, falling off across the page.
    a = a * np.array([1.0, rng.uniform(0.95, 0.99), rng.uniform(0.86, 0.94)], np.float32)
    a = a * _lighting((H, W), rng, rng.uniform(0.15, 0.3))[..., None]
    if shadow > 0:
        sh = Image.new("L", (W, H), 0)
        d = ImageDraw.Draw(sh)
        x0 = rng.uniform(-0.3, 0.4) * W
        d.polygon([(x0, -10), (x0 + rng.uniform(0.3, 0.6) * W, -10),
                   (x0 + rng.uniform(0.1, 0.5) * W, H * rng.uniform(0.3, 0.7)), (x0 - 0.1 * W, H * 0.5)],
                  fill=255)
        sh = sh.filter(ImageFilter.GaussianBlur(max(W, H) * 0.04))
        a = a * (1 - shadow * _to_array(sh)[..., None] / 255.0)
    photo = _from_array(a)
    out_dpi = float(dpi)
    photo = _resample(photo, work_dpi, out_dpi)
    if blur > 0:
        photo = photo.filter(ImageFilter.GaussianBlur(blur * out_dpi / 150.0))
    a = _sensor_noise(_to_array(photo), rng, 9.0 * noise)
    photo = _from_array(a)
    photo = _turn(photo, rotation)
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=int(jpeg_quality))
    buf.seek(0)
    with Image.open(buf) as decoded:
        photo = decoded.convert("RGB")
    return _finish(photo, out_dpi, keep)


def pdf_page_to_image(pdf_path, index: int = 0, dpi: int = 200) -> Image.Image:
    """Page ``index`` (0-based) of ``pdf_path`` rendered at ``dpi`` (RGB, ``info["dpi"]`` set)."""
    return render_pdf_page(pdf_path, index, dpi)


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def _image_dpi(image: Image.Image, default: float = 200.0) -> float:
    return _source_dpi(image, None, default)


def _truth_list(truth, n: int | None) -> list[str] | None:
    if truth is None:
        return None
    if isinstance(truth, str):
        truth = [truth]
    truth = [str(t) for t in truth]
    if n is not None and len(truth) != n:
        raise ValueError(f"truth has {len(truth)} pages, images have {n}")
    return truth


def save_image(image: Image.Image, path, *, truth: str | None = None, jpeg_quality: int = 85) -> Path:
    """Save a page image as PNG or JPEG (by suffix), with the truth text embedded if given."""
    from PIL import PngImagePlugin

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dpi = _image_dpi(image)
    img = _rgb(image) if image.mode not in ("RGB", "L") else image
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        kwargs = {"quality": int(jpeg_quality), "dpi": (round(dpi), round(dpi))}
        if truth is not None:
            kwargs["comment"] = (TRUTH_MARK + json.dumps(truth, ensure_ascii=True)).encode("ascii")
        img.save(path, "JPEG", **kwargs)
    elif suffix == ".png":
        meta = PngImagePlugin.PngInfo()
        if truth is not None:
            meta.add_itxt(TRUTH_KEY, truth)
        img.save(path, "PNG", pnginfo=meta, dpi=(round(dpi), round(dpi)))
    else:
        raise ValueError(f"unsupported image suffix {path.suffix!r} (use .png or .jpg)")
    return path


def _pdf_text(s: str) -> bytes:
    return b"<FEFF" + s.encode("utf-16-be").hex().upper().encode() + b">"


def write_scanned_pdf(
    images: Iterable[Image.Image],
    path,
    *,
    truth: Sequence[str] | None = None,
    dpi: float | None = None,
    jpeg_quality: int = 80,
) -> Path:
    """An image-only PDF, one JPEG page per image, written page by page (memory stays small).

    The page size follows each image's dpi (``info["dpi"]``, else ``dpi``, else 200), so a
    200-dpi A4 image makes an A4 page.  ``truth``: one text per page, stored as JSON in the
    document information entry ``/DossierTruth``.  Deterministic (no dates, fixed ID).
    """
    import hashlib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    truths = _truth_list(truth, None)
    offsets: list[int] = []
    page_ids: list[int] = []
    digest = hashlib.md5()
    with open(path, "wb") as fh:
        pos = 0

        def write(data: bytes) -> None:
            nonlocal pos
            fh.write(data)
            pos += len(data)
            digest.update(data[:4096])

        def obj(num: int, body: bytes) -> None:
            while len(offsets) < num:
                offsets.append(0)
            offsets[num - 1] = pos
            write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

        write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        # 1: catalog, 2: pages (written last), 3: info; pages from 4 on.
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        info = b"<< /Producer (dossier.scans) /Title (Scanned document)"
        if truths is not None:
            info += b" /DossierTruth " + _pdf_text(json.dumps(truths, ensure_ascii=False))
        obj(3, info + b" >>")
        num = 3
        count = 0
        for image in images:
            count += 1
            img = image if image.mode in ("RGB", "L") else _rgb(image)
            d = float(dpi) if dpi else _image_dpi(image)
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=int(jpeg_quality))
            data = buf.getvalue()
            w_pt, h_pt = img.width * 72.0 / d, img.height * 72.0 / d
            cs = b"/DeviceRGB" if img.mode == "RGB" else b"/DeviceGray"
            img_id, content_id, page_id = num + 1, num + 2, num + 3
            num += 3
            obj(img_id, b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
                        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
                % (img.width, img.height, cs, len(data)) + data + b"\nendstream")
            content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
            obj(content_id, b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
            obj(page_id, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] "
                         b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                % (w_pt, h_pt, img_id, content_id))
            page_ids.append(page_id)
        if truths is not None and len(truths) != count:
            raise ValueError(f"truth has {len(truths)} pages, images have {count}")
        kids = b" ".join(b"%d 0 R" % p for p in page_ids)
        obj(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count)
        xref = pos
        fid = digest.hexdigest().encode()
        table = b"".join(b"%010d 00000 n \n" % off for off in offsets)
        write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1) + table
              + b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R /ID [<%s><%s>] >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(offsets) + 1, fid, fid, xref))
    return path


def write_tiff(
    images: Iterable[Image.Image],
    path,
    *,
    truth: Sequence[str] | None = None,
    compression: str = "tiff_lzw",
) -> Path:
    """A multi-page TIFF (one frame per image), as fax-like scanners write.

    ``truth``: one text per page, stored (JSON, ASCII) in every frame's ImageDescription.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = [im if im.mode in ("RGB", "L", "1") else _rgb(im) for im in images]
    if not frames:
        raise ValueError("write_tiff needs at least one image")
    truths = _truth_list(truth, len(frames))
    d = round(_image_dpi(frames[0]))
    kwargs = {"compression": compression, "dpi": (d, d)}
    if truths is not None:
        kwargs["tiffinfo"] = {270: TRUTH_MARK + json.dumps(truths, ensure_ascii=True)}
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], **kwargs)
    return path
