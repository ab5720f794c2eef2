"""RapidOCR (PP-OCR on onnxruntime) with the models shipped in its wheel; never downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

    from .pages import PageRef
import logging
import os
import time
from pathlib import Path

from ...errors import OcrError
from .lines import group_lines
from .pages import load_page_image
from .results import OcrPage

#: (task, file-name pattern) of the models shipped in the rapidocr wheel.
_MODEL_PATTERNS = (("det", "*det*.onnx"), ("rec", "*rec*.onnx"), ("cls", "*cls*.onnx"))


def rapid_model_files() -> dict[str, Path]:
    """Paths of the detection, recognition and orientation models inside the rapidocr package.

    Raises OcrError (nothing is ever downloaded) when the package or a model is missing.
    """
    import importlib.util

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise OcrError("未安装 OCR 组件 rapidocr：请运行 make setup（pip install -e .）。")
    models = Path(list(spec.submodule_search_locations)[0]) / "models"
    found: dict[str, Path] = {}
    for task, pattern in _MODEL_PATTERNS:
        hits = sorted(models.glob(pattern))
        # Prefer the newest PP-OCR version shipped (file names start with it).
        if hits:
            found[task] = sorted(hits, key=lambda p: ("PP-OCRv" in p.name, p.name))[-1]
    missing = [t for t, _ in _MODEL_PATTERNS if t not in found]
    if missing:
        raise OcrError(
            f"rapidocr 安装包中缺少 OCR 模型（{', '.join(missing)}，应在 {models}）。"
            "程序不会在运行时下载模型：请重新安装 rapidocr（make setup）。"
        )
    return found


def _no_download(*args, **kwargs):
    raise OcrError("OCR 组件试图在运行时下载模型，已被禁止。请检查 rapidocr 安装是否完整。")


class RapidEngine:
    """RapidOCR (PP-OCR, onnxruntime), loaded on first use. See the module docstring.

    ``det_limit``: long side of the detection input (px; 736 saves ~40% of detection time but reads
    fewer characters (bench/README.md) and drops the 所 of 住所 on the demo's licence photo, so 960
    stays; 1280 costs ~2x for no gain on A4); ``max_side``: long side of the
    working image crops are cut from; ``rec_batch``: crops per recognition run;
    ``rec_stretch``: horizontal stretch of the crops before recognition (1.1 merges repeated
    digits: 1904011.47 read as 190011.47 without a flag, measured on bench/accuracy.py);
    ``orientation``: detect pages turned by 90/180/270; ``text_score``: lines read with a
    lower confidence are dropped; ``threads``: onnxruntime intra-op threads.
    """

    name = "rapid"

    def __init__(self, *, det_limit: int = 960, max_side: int = 2400, rec_batch: int = 1,
                 orientation: bool = True, text_score: float = 0.5, threads: int = 1,
                 box_thresh: float = 0.5, unclip_ratio: float = 1.6, rec_stretch: float = 1.25):
        self.det_limit = int(det_limit)
        self.max_side = int(max_side)
        self.rec_batch = int(rec_batch)
        self.orientation = orientation
        self.text_score = float(text_score)
        self.threads = int(threads)
        self.box_thresh = box_thresh
        self.unclip_ratio = unclip_ratio
        self.rec_stretch = float(rec_stretch)
        self._det = self._cls = self._rec = None
        self.timings: dict[str, float] = {}

    # -- loading -------------------------------------------------------------

    def load(self) -> None:
        """Load the models now (otherwise done by the first ``recognize``)."""
        if self._det is not None:
            return
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        files = rapid_model_files()
        try:
            import cv2
            import onnxruntime  # noqa: F401 - fail early with a clear message
            from rapidocr import RapidOCR
            from rapidocr.utils import download_file
        except ImportError as exc:
            raise OcrError(f"OCR 组件未正确安装（{exc.name}）：请运行 make setup。") from exc
        cv2.setNumThreads(1)
        # Belt and braces: the model paths below never reach the downloader; make sure.
        download_file.DownloadFile.run = classmethod(_no_download)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        params = {
            "Global.log_level": "error",
            "Global.use_cls": True,
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": False,
            "Det.model_path": str(files["det"]),
            "Det.limit_type": "max",
            "Det.limit_side_len": self.det_limit,
            "Det.box_thresh": self.box_thresh,
            "Det.unclip_ratio": self.unclip_ratio,
            "Rec.model_path": str(files["rec"]),
            "Rec.rec_batch_num": self.rec_batch,
            # Crops are padded to the widest crop of their batch, not to 320 px.
            "Rec.rec_img_shape": [3, 48, 48],
            "Cls.model_path": str(files["cls"]),
            "Cls.cls_batch_num": 8,
        }
        ocr = RapidOCR(params=params)
        # RapidOCR's own lazy loaders (public behaviour since rapidocr 3.0).
        det, rec = ocr._load_det_model(), ocr._load_rec_model()
        cls = ocr._load_cls_model() if self.orientation else None
        if not rec.session.have_key():
            raise OcrError("OCR 识别模型缺少字符表，无法使用。请重新安装 rapidocr（make setup）。")
        self._det, self._rec, self._cls = det, rec, cls

    # -- recognition -----------------------------------------------------------

    def read(self, ref: "PageRef | tuple") -> OcrPage:
        """OCR the page ``ref`` points to, loaded with :func:`.pages.load_page_image`."""
        return self.recognize(load_page_image(ref))

    def recognize(self, image: "Image.Image") -> OcrPage:
        import numpy as np
        from PIL import Image
        from rapidocr.utils.process_img import get_rotate_crop_image

        start = time.perf_counter()
        self.load()
        t = {}
        img = image if image.mode == "RGB" else image.convert("RGB")
        W, H = img.size
        scale = min(1.0, self.max_side / max(W, H))
        work = img if scale >= 1.0 else img.resize((max(1, round(W * scale)), max(1, round(H * scale))),
                                                   Image.BILINEAR, reducing_gap=2.0)
        ww, wh = work.size
        bgr = np.ascontiguousarray(np.asarray(work)[:, :, ::-1])
        t0 = time.perf_counter()
        det = self._det(bgr)
        t["det"] = time.perf_counter() - t0
        if det.boxes is None or len(det.boxes) == 0:
            return OcrPage((), 0, W, H, time.perf_counter() - start)
        boxes = [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in det.boxes]
        t0 = time.perf_counter()
        rotation = self._orientation(bgr, boxes) if self.orientation else 0
        t["orientation"] = time.perf_counter() - t0
        # Corners in the upright frame, ordered from the top-left; the same order applied
        # to the original corners gives the perspective crop an upright target.
        ordered, upright = [], []
        for b in boxes:
            up = _turn_points(b, rotation, ww, wh)
            first = int(np.argmin(up[:, 0] + up[:, 1]))
            idx = [(first + k) % 4 for k in range(4)]
            ordered.append(b[idx])
            upright.append(up[idx])
        t0 = time.perf_counter()
        crops = [get_rotate_crop_image(bgr, q.copy()) for q in ordered]
        if self.rec_stretch != 1.0:
            import cv2

            # More CTC time steps per character: "00" in amounts is not merged into "0".
            crops = [cv2.resize(c, (max(1, round(c.shape[1] * self.rec_stretch)), c.shape[0]),
                                interpolation=cv2.INTER_LINEAR) for c in crops]
        t["crop"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self._rec(TextRecInput(img=crops, return_word_box=False))
        t["rec"] = time.perf_counter() - t0
        inv = 1.0 / scale
        words = []
        for text, score, quad in zip(rec.txts, rec.scores, upright):
            if text and text.strip() and score >= self.text_score:
                # The detector's boxes carry a margin of about a quarter of their height on
                # every side; take it off so line boxes and gaps follow the ink.
                quad = _inset(quad, 0.25)
                words.append((text, float(score), [(float(x) * inv, float(y) * inv) for x, y in quad]))
        t0 = time.perf_counter()
        lines = group_lines(words)
        t["group"] = time.perf_counter() - t0
        self.timings = t
        up_w, up_h = (H, W) if rotation in (90, 270) else (W, H)
        return OcrPage(tuple(lines), rotation, up_w, up_h, time.perf_counter() - start)

    def _orientation(self, bgr, boxes) -> int:
        """Counter-clockwise rotation of the page: 0, 90, 180 or 270."""
        import numpy as np
        from rapidocr.utils.process_img import get_rotate_crop_image

        wide = tall = 0.0
        dims = []
        for b in boxes:
            w = float(np.linalg.norm(b[1] - b[0]))
            h = float(np.linalg.norm(b[3] - b[0]))
            dims.append((w, h))
            if w > 1.5 * h:
                wide += w
            elif h > 1.5 * w:
                tall += h
        if wide == 0 and tall == 0:
            return 0
        candidate = 270 if tall > wide else 0
        hh, ww = bgr.shape[:2]
        # The longest lines, cut upright for the candidate; the classifier says 0 or 180.
        long_ones = sorted(range(len(boxes)), key=lambda i: -max(dims[i]))
        picks = [i for i in long_ones if max(dims[i]) > 2.5 * min(dims[i])][:8] or long_ones[:8]
        crops = []
        for i in picks:
            up = _turn_points(boxes[i], candidate, ww, hh)
            first = int(np.argmin(up[:, 0] + up[:, 1]))
            crops.append(get_rotate_crop_image(bgr, boxes[i][[(first + k) % 4 for k in range(4)]].copy()))
        res = self._cls(crops)
        vote = 0.0
        for label, score in res.cls_res or ():
            vote += float(score) if "180" in str(label) else -float(score)
        return (candidate + 180) % 360 if vote > 0 else candidate


def _inset(quad, frac: float):
    """A (tl, tr, br, bl) quad moved inwards on every side by ``frac`` of its height."""
    import numpy as np

    p0, p1, p2, p3 = (np.asarray(p, dtype=np.float64) for p in quad)
    w, h = np.linalg.norm(p1 - p0), np.linalg.norm(p3 - p0)
    if w < 1 or h < 1:
        return quad
    u, v = (p1 - p0) / w, (p3 - p0) / h
    m = min(frac * h, 0.45 * w, 0.45 * h)
    return [p0 + m * u + m * v, p1 - m * u + m * v, p2 - m * u - m * v, p3 + m * u - m * v]


def _turn_points(pts, rotation: int, w: int, h: int):
    """Map points of an image (w x h) turned counter-clockwise by ``rotation`` to the upright image."""
    import numpy as np

    x, y = pts[:, 0], pts[:, 1]
    if rotation == 90:  # upright = rotate clockwise by 90
        return np.stack([h - y, x], axis=1)
    if rotation == 180:
        return np.stack([w - x, h - y], axis=1)
    if rotation == 270:
        return np.stack([y, w - x], axis=1)
    return np.array(pts, dtype=np.float32)


