"""Pages to read: references, PDF rendering and image loading, bounded in pixels."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image
import math
import os
from typing import NamedTuple

from ...errors import OcrPageError
from .results import MAX_PAGE_PIXELS


class PageRef(NamedTuple):
    """A page to read: ``page`` is the 0-based PDF page index, None for an image file;
    ``frame`` the frame of a multi-page TIFF; ``dpi`` the resolution to render PDF pages
    at (image files with a higher dpi are downscaled to it)."""

    path: str | os.PathLike
    page: int | None = None
    frame: int = 0
    dpi: int = 200


def render_pdf_page(path, index: int = 0, dpi: int = 200) -> "Image.Image":
    """Page ``index`` (0-based) of a PDF rendered at ``dpi`` as an RGB image (pypdfium2).

    ``info["dpi"]`` is set (and nothing else); a page that would exceed MAX_PAGE_PIXELS is
    rendered at a lower dpi.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:  # OSError: the file is gone or unreadable
        raise OcrPageError(f"PDF 无法打开，不能识别（{exc}）。") from exc
    try:
        if not 0 <= index < len(pdf):
            raise OcrPageError(f"PDF 只有 {len(pdf)} 页，没有第 {index + 1} 页。")
        page = pdf[index]
        try:
            w_pt, h_pt = page.get_size()
            scale = dpi / 72.0
            pixels = w_pt * h_pt * scale * scale
            if pixels > MAX_PAGE_PIXELS:
                scale *= math.sqrt(MAX_PAGE_PIXELS / pixels)
            bitmap = page.render(scale=scale, may_draw_forms=False)
            try:
                image = bitmap.to_pil()
                if image.mode != "RGB":
                    image = image.convert("RGB")
                else:
                    image = image.copy()  # detach from the pdfium buffer
            finally:
                bitmap.close()
        finally:
            page.close()
        effective = round(scale * 72.0, 2)
        image.info.clear()
        image.info["dpi"] = (effective, effective)
        return image
    finally:
        pdf.close()


def load_page_image(ref: PageRef | tuple) -> "Image.Image":
    """Load the page ``ref`` points to as an RGB image (rendering PDF pages).

    Image files with a dpi above ``ref.dpi`` are downscaled to it (JPEGs are decoded at
    reduced size directly), pages above MAX_PAGE_PIXELS too; a phone's EXIF orientation
    is applied.  ``info`` holds only ``"dpi"`` (when known): no metadata of the file is kept.
    """
    from PIL import Image

    ref = PageRef(*ref)
    if ref.page is not None:
        return render_pdf_page(ref.path, ref.page, ref.dpi)
    try:
        img = Image.open(ref.path)
    except (OSError, Image.DecompressionBombError) as exc:
        raise OcrPageError(f"图像文件无法打开，不能识别（{exc}）。") from exc
    with img:
        try:
            if ref.frame:
                img.seek(ref.frame)
        except EOFError as exc:
            raise OcrPageError(f"图像只有 {getattr(img, 'n_frames', 1)} 帧，没有第 {ref.frame + 1} 帧。") from exc
        dpi = img.info.get("dpi")
        src_dpi = float(dpi[0]) if isinstance(dpi, tuple) and dpi and dpi[0] else None
        scale = 1.0
        if src_dpi and src_dpi > ref.dpi * 1.2:
            scale = ref.dpi / src_dpi
        if img.width * img.height * scale * scale > MAX_PAGE_PIXELS:
            scale = math.sqrt(MAX_PAGE_PIXELS / (img.width * img.height))
        target = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        if scale < 1.0 and img.format == "JPEG":
            img.draft("RGB", target)
        elif img.width * img.height > 3 * MAX_PAGE_PIXELS:
            # Decoding it whole would take gigabytes (only JPEGs decode at reduced size).
            raise OcrPageError(
                f"图像尺寸过大（{img.width}×{img.height} 像素），无法识别。请以 150-300 dpi 重新扫描。")
        try:
            img.load()
            exif_turn = _exif_transpose_method(img)
            out = img.convert("RGB") if img.mode != "RGB" else img.copy()
        except (OSError, ValueError, SyntaxError) as exc:
            raise OcrPageError(f"图像文件已损坏，不能识别（{exc}）。") from exc
    if out.size != target and scale < 1.0:
        out = out.resize(target, Image.BILINEAR, reducing_gap=2.0)
    if exif_turn is not None:
        out = out.transpose(exif_turn)
    out.info.clear()
    if src_dpi:
        d = round(src_dpi * min(1.0, scale), 2)
        out.info["dpi"] = (d, d)
    return out


def _exif_transpose_method(img):
    """The transpose that a phone's EXIF orientation asks for, or None."""
    from PIL import Image

    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001
        return None
    return {2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
            5: Image.TRANSPOSE, 6: Image.ROTATE_270, 7: Image.TRANSVERSE,
            8: Image.ROTATE_90}.get(orientation)


