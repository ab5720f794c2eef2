"""Scans and phone photos of a rendered variant PDF (through dossier_factory.scans)."""

from __future__ import annotations

import random
from pathlib import Path

SOURCE_DPI = 300


def degrade_params(kind: str, seed: int = 0) -> dict:
    """The degradation ``degrade`` applies for ``kind`` and ``seed`` (dpi, rotation, ...)."""
    rng = random.Random(f"variants-degrade:{seed}")
    rotation = rng.choice((90, 180, 270)) if rng.random() < 0.2 else 0
    if kind == "photo":
        return {"dpi": rng.choice((120, 140)), "rotation": rotation, "perspective": round(rng.uniform(0.02, 0.05), 3),
                "shadow": round(rng.uniform(0.15, 0.35), 2), "jpeg_quality": rng.randrange(65, 86),
                "blur": round(rng.uniform(0.5, 0.9), 2), "noise": round(rng.uniform(0.4, 0.6), 2)}
    return {"dpi": rng.choice((200, 300)), "skew_deg": round(rng.uniform(-2.5, 2.5), 2),
            "noise": round(rng.uniform(0.3, 0.6), 2), "blur": round(rng.uniform(0.3, 0.7), 2),
            "seal": rng.random() < 0.8, "rotation": rotation}


def degrade(pdf: Path, out_stem: Path, kind: str, seed: int = 0) -> Path:
    """``kind`` "scan": an image-only PDF of flatbed scans (200/300 dpi, skew, seal, noise; one in
    five turned); "photo": a phone photo (JPEG for one page, else an image-only PDF of photos)."""
    import pypdfium2 as pdfium

    from .. import scans

    doc = pdfium.PdfDocument(str(pdf))
    pages = len(doc)
    doc.close()
    params = degrade_params(kind, seed)
    images = []
    for p in range(pages):
        clean = scans.pdf_page_to_image(pdf, p, SOURCE_DPI)
        if kind == "photo":
            images.append(scans.phone_photo(clean, seed=seed * 100 + p, **params))
        else:
            images.append(scans.scan(clean, seed=seed * 100 + p, **params))
    out_stem = Path(out_stem)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    if kind == "photo" and pages == 1:
        return scans.save_image(images[0], out_stem.with_suffix(".jpg"), jpeg_quality=85)
    return scans.write_scanned_pdf(images, out_stem.with_suffix(".pdf"))
