"""OCR of scanned pages: engines, line grouping, page rendering and a process pool.

Engines (``Engine`` protocol: ``name``, ``read(ref) -> OcrPage`` which loads the page a
``PageRef`` points to itself, and ``recognize(image) -> OcrPage``):

``RapidEngine``  RapidOCR (PyPI ``rapidocr``) on onnxruntime with the PP-OCR models
                 shipped inside the ``rapidocr`` wheel (``rapidocr/models/*.onnx``).
                 Never downloads anything: the model files are passed by path, the
                 character table is read from the recognition model, and RapidOCR's
                 downloader is disabled in the process that loads the engine.
                 One onnxruntime thread per engine (and one OpenCV thread).
``FakeEngine``   A test engine: "recognises" the true text the synthetic factory embedded
                 in the page file (PNG text chunk, JPEG comment, TIFF ImageDescription,
                 PDF ``/DossierTruth``; see ``dossier_factory.scans``), which only the
                 ``fake`` module reads, or a mapping given at construction keyed by
                 :func:`image_sha256`.  The production loaders (``pages``) keep no file
                 metadata but the dpi: production code carries no test hook.

Pipeline of ``RapidEngine.recognize`` (figures per A4 page on one core, see bench/ocr.py):

1. working image: the page downscaled to at most ``max_side`` px (default 2400, about
   200 dpi on A4); recognition crops are cut from it.
2. detection (DB) on a copy whose long side is ``det_limit`` px (default 960).
3. orientation: if most detected boxes are tall the page lies sideways (90/270);
   the direction classifier on the <= 8 longest lines (in the candidate upright
   frame) then decides 0 vs 180 (or 270 vs 90).  Costs ~15-30 ms; the page is never
   detected twice.
4. recognition of every box, cut from the working image already upright (the
   perspective crop is given the corners in upright order) and stretched 1.25x
   horizontally: more CTC time steps per character, so "00" in "1,000,000.00" is not
   read as "0".  One crop per run (``rec_batch=1``): on one thread, padding crops to a
   common width costs more than batching saves (measured: 1.48 s vs 2.10 s per page
   for batches of 8).
5. :func:`group_lines`: skew-aware grouping of the boxes into lines (boxes inset by the
   detector's margin first, so gaps between boxes are gaps between inked text).

Measured on this project's synthetic pages (bench/ocr.py, bench/README.md): ~1.9 CPU-s per
A4 page in a pool worker (rendering included), detection ~0.25 s and recognition ~1.5 s of it;
a worker starts in ~1.4 CPU-s (importing rapidocr ~1 s, sessions 0.24 s) and peaks at ~0.5 GB RSS.

``OcrPool`` runs engines in worker processes (one engine, one thread each); only page
references cross the process boundary, and each worker's engine loads its pages itself
(``engine.read(ref)``); a worker that dies (out of memory, killed) costs only
the page it was working on (``OcrPageError``) and is replaced.

Modules: ``results`` (OcrLine, OcrPage, Engine protocol), ``lines`` (line grouping),
``pages`` (PageRef, rendering and loading), ``engine`` (RapidEngine), ``fake`` (FakeEngine),
``pool`` (OcrPool, make_engine).
"""

from ...errors import OcrError, OcrPageError
from .engine import RapidEngine, rapid_model_files
from .fake import FakeEngine, image_sha256
from .lines import group_lines
from .pages import PageRef, load_page_image, render_pdf_page
from .pool import OcrPool, make_engine, peak_rss
from .results import Engine, OcrLine, OcrPage

__all__ = [
    "Engine", "FakeEngine", "OcrError", "OcrLine", "OcrPage", "OcrPageError", "OcrPool", "PageRef",
    "RapidEngine", "group_lines", "image_sha256", "load_page_image", "make_engine", "peak_rss",
    "rapid_model_files", "render_pdf_page",
]
