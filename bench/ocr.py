"""Scanned pages: dossier's whole ingestion beside Tesseract chi_sim on both cores, same pages, same run.

    python bench/ocr.py [--repeat R] [--pages N] [--seed S] [--workdir DIR] [--keep]
    python bench/ocr.py --sweep [--sweep-pages N]     # RapidOCR settings on this machine
    python bench/ocr.py --pdf-pages P                 # also: memory of one P-page scanned PDF

Pages: about N (default 24) scanned A4 pages of dossier_factory documents of many types
(``document_pdf``), several of them multi-page, rendered at 300 dpi and degraded with
``dossier_factory.scans``: image-only PDFs scanned at 150/200/300 dpi, a multi-page TIFF, PNG and
JPEG scans, phone photos (JPEG, and a PDF of photos), some turned by 90/180 degrees; in three
client folders.  Truth of a page: the text layer of its clean source PDF.

Default run (ingestion), ``R`` rounds (default 2), the two sides taking turns:

- dossier: a fresh home whose inbox holds a copy of the files; ``Pipeline(config)``, ``start()``,
  ``ingest(wait=False)``, ``close()`` with ``ocr_engine="rapid"`` and every other setting at its
  default (``ocr_workers`` 2, ``ocr_dpi`` 200), ``settle_seconds=0``.  Worker start-up and model
  loading are inside the time, as they are for every ``dossier ingest``.
- Tesseract: each page rendered once before timing, exactly as dossier's workers see it
  (``load_page_image`` at ``ocr_dpi``), as PNG; then ``xargs -0 -P2 -I{} tesseract {} - -l chi_sim``
  (both cores).  Two rows: as the issue states it (Tesseract's own OpenMP threads, two per process)
  and with ``OMP_THREAD_LIMIT=1`` (one thread per process: the faster way on two cores).
  The ratio is given against both: the first is the issue's target (<= 1.0), the second the
  stricter baseline (Tesseract at its fastest on two cores).
- Also timed: the same pages through one fresh ``OcrPool`` all at once (what a batch-wide read
  stage would give), split into start-up (spawn, imports, model loading) and pages; and, inside the
  ingestion, the wall time spent waiting on OCR, the number of OCR calls and how busy the two
  workers were while OCR ran (worker page-seconds / (workers x OCR wall)).

``--sweep``: RapidEngine options, one after the other in this process on the rendered pages
(CPU seconds per page, as a ratio to the defaults measured first and again last; character
accuracy 1 - CER against the truth; exact amounts found), then the raw models under onnxruntime
session options and under OpenVINO when it is installed (``pip install openvino``).

Nothing is asserted: the machines are shared and noisy, so figures are ratios within one run.
The exit code is 1 if a file was not archived.  The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

APT_HINT = "make bench-sysdeps   (Debian packages in deploy/bench-apt-packages.txt: tesseract-ocr tesseract-ocr-chi-sim)"
AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+\.\d{2}")
CLIENTS = 3  # client folders

#: (doc_type, variant, dpi, rotation): the files of the page set, in order, until N pages.
PLAN = (
    ("business_licence", "scan-pdf", 200, 0),
    ("balance_sheet", "scan-pdf", 300, 0),
    ("audit_report", "scan-pdf", 200, 0),
    ("income_statement", "scan-jpg", 200, 0),
    ("tax_payment_certificate", "photo-jpg", 120, 0),
    ("articles_of_association", "scan-tiff", 200, 0),
    ("application_form", "scan-pdf", 150, 180),
    ("legal_rep_id", "scan-png", 300, 0),
    ("feasibility_study", "photo-pdf", 120, 0),
    ("cash_flow_statement", "scan-pdf", 150, 0),
    ("board_resolution", "scan-pdf", 300, 90),
    ("loan_guarantee_schedule", "scan-pdf", 200, 0),
    ("trade_contract", "scan-pdf", 200, 0),
    ("annual_report", "photo-jpg", 120, 0),
    ("equity_statement", "scan-pdf", 300, 0),
    ("officer_roster", "scan-pdf", 200, 0),
)


@dataclass
class BenchFile:
    client: str
    path: Path
    variant: str
    refs: list = field(default_factory=list)    # PageRef of every page
    truths: list = field(default_factory=list)  # text layer of each clean source page


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------


def build_set(workdir: Path, n_pages: int, seed: int, ocr_dpi: int) -> list[BenchFile]:
    import pypdfium2 as pdfium

    import dossier_factory as samples
    from dossier.reading.ocr import PageRef
    from dossier_factory import scans

    files: list[BenchFile] = []
    total, k = 0, 0
    while total < n_pages:
        doc_type, variant, dpi, rotation = PLAN[k % len(PLAN)]
        company = samples.make_company(seed * 100 + k % CLIENTS)
        client = company.name  # one folder per client, as clerks drop them
        src = samples.document_pdf(doc_type, company, workdir / "src" / f"{k:02d}-{doc_type}.pdf", year=2024)
        pdf = pdfium.PdfDocument(str(src))
        count = min(len(pdf), n_pages - total, 6)
        if variant in ("scan-jpg", "scan-png", "photo-jpg"):
            count = 1
        truths = [pdf[i].get_textpage().get_text_bounded() for i in range(count)]
        pdf.close()
        images = []
        for p in range(count):
            clean = scans.pdf_page_to_image(src, p, 300)
            s = seed * 1000 + k * 10 + p
            if variant.startswith("photo"):
                images.append(scans.phone_photo(clean, dpi=dpi, rotation=rotation, seed=s))
            else:
                images.append(scans.scan(clean, dpi=dpi, skew_deg=((s % 7) - 3) * 0.6, noise=0.3 + (s % 5) / 10,
                                         rotation=rotation, seed=s))
        stem = workdir / "inbox" / client / f"{k:02d}-{doc_type}-{variant}"
        stem.parent.mkdir(parents=True, exist_ok=True)
        if variant.endswith("-pdf"):
            out = scans.write_scanned_pdf(images, stem.with_suffix(".pdf"))
            refs = [PageRef(str(out), i, 0, ocr_dpi) for i in range(count)]
        elif variant == "scan-tiff":
            out = scans.write_tiff(images, stem.with_suffix(".tif"))
            refs = [PageRef(str(out), None, i, ocr_dpi) for i in range(count)]
        else:
            suffix = ".png" if variant == "scan-png" else ".jpg"
            out = scans.save_image(images[0], stem.with_suffix(suffix), jpeg_quality=88)
            refs = [PageRef(str(out), None, 0, ocr_dpi)]
        files.append(BenchFile(client, out, variant, refs, truths))
        total += count
        k += 1
    return files


def render_pngs(files: list[BenchFile], folder: Path) -> list[Path]:
    """Every page as dossier's OCR workers see it (the production loader at ocr_dpi), as PNG."""
    from dossier.reading.ocr import load_page_image

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        for ref in f.refs:
            png = folder / f"{len(out):03d}.png"
            image = load_page_image(ref)
            dpi = image.info.get("dpi", (ref.dpi, ref.dpi))
            image.save(png, compress_level=1, dpi=tuple(round(d) for d in dpi))
            out.append(png)
    return out


# ---------------------------------------------------------------------------
# Tesseract
# ---------------------------------------------------------------------------


def tesseract_status() -> str | None:
    """None when tesseract with chi_sim is usable, else why not."""
    exe = shutil.which("tesseract")
    if not exe:
        return "tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run: {exc}"
    if "chi_sim" not in langs.split():
        return "tesseract has no chi_sim data (tesseract-ocr-chi-sim)"
    return None


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "tesseract"


def run_tesseract(pngs: list[Path], one_thread: bool) -> float:
    """``xargs -0 -P2 -I{} tesseract {} - -l chi_sim`` over the pages; wall seconds."""
    env = dict(os.environ)
    env.pop("OMP_THREAD_LIMIT", None)
    if one_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    start = time.perf_counter()
    proc = subprocess.run(["xargs", "-0", "-P2", "-I{}", "tesseract", "{}", "-", "-l", "chi_sim"],
                          input=b"\0".join(str(p).encode() for p in pngs), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed


# ---------------------------------------------------------------------------
# dossier
# ---------------------------------------------------------------------------


class OcrWatch:
    """Wraps ``OcrPool.imap`` and ``close`` (in this script only) to see where ingestion time goes."""

    def __init__(self):
        from dossier.reading.ocr import pool as pool_mod

        self.cls = pool_mod.OcrPool
        self.calls = self.pages = 0
        self.wall = self.page_seconds = self.cpu = 0.0
        self.first_wait = None
        self._orig = {}

    def __enter__(self):
        watch, cls = self, self.cls
        orig_imap, orig_close = cls.imap, cls.close
        self._orig = {"imap": orig_imap, "close": orig_close}

        def imap(pool, items, *args, **kwargs):  # the pool's own signature passes through
            items = list(items)
            start = time.perf_counter()
            first = True
            try:
                for result in orig_imap(pool, items, *args, **kwargs):
                    if first and watch.first_wait is None:
                        watch.first_wait = time.perf_counter() - start
                    first = False
                    watch.page_seconds += getattr(result, "seconds", 0.0)
                    yield result
            finally:
                watch.wall += time.perf_counter() - start
                watch.calls += 1
                watch.pages += len(items)

        def close(pool, *a, **kw):
            watch.cpu += pool.cpu_seconds
            return orig_close(pool, *a, **kw)

        cls.imap, cls.close = imap, close
        return self

    def __exit__(self, *exc):
        self.cls.imap, self.cls.close = self._orig["imap"], self._orig["close"]


def dossier_ingest(files: list[BenchFile], home: Path) -> dict:
    from dossier import config as config_mod
    from dossier.pipeline import Pipeline, init_home

    cfg = config_mod.load(home, env={}, overrides={"settle_seconds": 0, "stale_seconds": 0, "ocr_engine": "rapid"})
    init_home(cfg)
    for client in sorted({f.client for f in files}):
        shutil.copytree(files[0].path.parents[1] / client, cfg.inbox / client)
    os.sync()
    with OcrWatch() as watch:
        start = time.perf_counter()
        pipe = Pipeline(cfg)
        try:
            pipe.start()
            outcomes = pipe.ingest(wait=False)
        finally:
            pipe.close()
        elapsed = time.perf_counter() - start
    workers = cfg.ocr_workers
    return {"seconds": elapsed, "outcomes": dict(Counter(o.outcome for o in outcomes)),
            "problems": [f"{o.source}: {o.outcome} {o.reason}" for o in outcomes if o.outcome != "archived"][:5],
            "ocr_wall": watch.wall, "ocr_calls": watch.calls, "ocr_pages": watch.pages,
            "ocr_first_wait": watch.first_wait, "ocr_cpu": watch.cpu, "workers": workers,
            "busy": watch.page_seconds / (workers * watch.wall) if watch.wall else None,
            "ocr_settings": {"ocr_workers": cfg.ocr_workers, "ocr_dpi": cfg.ocr_dpi}}


def pool_floor(refs: list) -> dict:
    """Every page through one fresh OcrPool at once: start-up (tiny first pages) and pages."""
    from PIL import Image

    from dossier.reading.ocr import OcrPool

    probe = Path(tempfile.mkdtemp(prefix="dossier-bench-probe-")) / "probe.png"
    Image.new("RGB", (200, 60), "white").save(probe)
    start = time.perf_counter()
    with OcrPool("rapid", workers=2) as pool:
        pool.ocr_pages([(str(probe), None, 0, 200)] * 2)
        startup = time.perf_counter() - start
        t0 = time.perf_counter()
        pool.ocr_pages(refs)
        pages = time.perf_counter() - t0
        cpu = pool.cpu_seconds
    shutil.rmtree(probe.parent, ignore_errors=True)
    return {"startup": startup, "pages_seconds": pages, "total": startup + pages, "cpu": cpu}


# ---------------------------------------------------------------------------
# the ingestion comparison
# ---------------------------------------------------------------------------


def ingest_mode(args, workdir: Path) -> int:
    from dossier.config import SETTINGS

    ocr_dpi = next(s.default for s in SETTINGS if s.name == "ocr_dpi")
    problem = tesseract_status()
    if problem:
        print(f"Tesseract is missing ({problem}): the comparison needs it. Install it with:\n  {APT_HINT}")
    t0 = time.perf_counter()
    files = build_set(workdir, args.pages, args.seed, ocr_dpi)
    refs = [r for f in files for r in f.refs]
    pngs = render_pngs(files, workdir / "png")
    multi = sum(len(f.refs) > 1 for f in files)
    log(f"{len(refs)} pages in {len(files)} files ({multi} multi-page) built and rendered in "
        f"{time.perf_counter() - t0:.0f} s ({workdir})")
    import dossier.reading.understand  # noqa: F401 - imports paid once per process, not per run
    import pdfplumber  # noqa: F401

    runs: dict[str, list] = {"dossier": [], "tess": [], "tess1": [], "floor": []}
    for r in range(args.repeat):
        if not problem:
            runs["tess"].append(run_tesseract(pngs, one_thread=False))
            runs["tess1"].append(run_tesseract(pngs, one_thread=True))
        d = dossier_ingest(files, workdir / f"home-{r}")
        runs["dossier"].append(d)
        runs["floor"].append(pool_floor(refs))
        log(f"round {r + 1}/{args.repeat}: dossier {d['seconds']:.1f} s {d['outcomes']}"
            + ("" if problem else f"; tesseract {runs['tess'][-1]:.1f} s, OMP_THREAD_LIMIT=1 {runs['tess1'][-1]:.1f} s")
            + f"; pool floor {runs['floor'][-1]['total']:.1f} s")
        if not args.keep:
            shutil.rmtree(workdir / f"home-{r}", ignore_errors=True)

    med = statistics.median
    d_sec = med(r["seconds"] for r in runs["dossier"])
    floor = {k: med(f[k] for f in runs["floor"]) for k in ("startup", "pages_seconds", "total", "cpu")}
    last = runs["dossier"][-1]
    n = len(refs)
    print(f"\n# Scanned pages: whole ingestion against Tesseract chi_sim on 2 cores "
          f"({n} pages, {len(files)} files, {multi} multi-page; {args.repeat} rounds, medians)\n")
    rows = [("dossier ingest (rapid, 2 workers, start-up included)", d_sec)]
    if not problem:
        t_sec, t1_sec = med(runs["tess"]), med(runs["tess1"])
        rows += [("tesseract, xargs -P2 (as in the issue)", t_sec), ("tesseract, xargs -P2, OMP_THREAD_LIMIT=1", t1_sec)]
    rows += [("OcrPool floor: all pages at once, start-up included", floor["total"])]
    for label, sec in rows:
        print(f"{label:56} {sec:7.1f} s  {sec / n:5.2f} s/page")
    ratios = {}
    if not problem:
        ratios = {"vs_tesseract": d_sec / t_sec, "vs_tesseract_1thread": d_sec / t1_sec,
                  "floor_vs_tesseract_1thread": floor["total"] / t1_sec}
        pairs = [round(d["seconds"] / t, 2) for d, t in zip(runs["dossier"], runs["tess1"])]
        pairs0 = [round(d["seconds"] / t, 2) for d, t in zip(runs["dossier"], runs["tess"])]
        print(f"\nratio dossier / tesseract (as in the issue):   {ratios['vs_tesseract']:.2f}   "
              f"(per round {pairs0}; target <= 1.0)")
        print(f"ratio dossier / tesseract OMP_THREAD_LIMIT=1:  {ratios['vs_tesseract_1thread']:.2f}   "
              f"(per round {pairs}; the stricter baseline)")
        print(f"ratio OcrPool floor / tesseract 1 thread:      {ratios['floor_vs_tesseract_1thread']:.2f}")
    print(f"\nwhere dossier's time goes (last round): OCR waits {last['ocr_wall']:.1f} s in {last['ocr_calls']} calls "
          f"for {last['ocr_pages']} pages (first result after {last['ocr_first_wait'] or 0:.1f} s: worker start-up "
          f"and model loading), workers busy {100 * (last['busy'] or 0):.0f}% of that; "
          f"everything else {last['seconds'] - last['ocr_wall']:.1f} s; worker CPU {last['ocr_cpu'] / n:.2f} s/page")
    print(f"OcrPool floor: start-up {floor['startup']:.1f} s, pages {floor['pages_seconds']:.1f} s "
          f"({floor['cpu'] / n:.2f} CPU-s/page incl. rendering); settings {last['ocr_settings']}")
    if not problem:
        print(f"tesseract: {tesseract_version()}")
    ok = all(r["outcomes"] == {"archived": len(files)} for r in runs["dossier"])
    if not ok:
        print(f"NOT ALL ARCHIVED: {runs['dossier'][-1]['outcomes']} {runs['dossier'][-1]['problems']}")
    summary = {"pages": n, "files": len(files), "multi_page_files": multi, "repeat": args.repeat,
               "dossier_seconds": [round(r["seconds"], 2) for r in runs["dossier"]],
               "tesseract_seconds": [round(v, 2) for v in runs["tess"]],
               "tesseract_1thread_seconds": [round(v, 2) for v in runs["tess1"]],
               "floor": {k: round(v, 2) for k, v in floor.items()},
               "ratios": {k: round(v, 3) for k, v in ratios.items()},
               "last_ingest": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in last.items()},
               "tesseract_missing": problem, "all_archived": ok}
    if args.pdf_pages:
        summary["memory"] = memory_run(workdir, args.pdf_pages, args.seed)
        m = summary["memory"]
        print(f"{m['pages']}-page scanned PDF via OcrPool: {m['seconds']} s, peak RSS summed over processes "
              f"{m['peak_rss_sum_mb']} MiB (parent {m['parent_rss_mb']}, workers {m['worker_rss_mb']})")
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if ok else 1


# ---------------------------------------------------------------------------
# --sweep: RapidOCR's own settings
# ---------------------------------------------------------------------------

#: (label, RapidEngine options) tried by --sweep, after the defaults.
VARIANTS = (
    ("det_limit 960 (the default until 2026-12)", {"det_limit": 960}),
    ("det_limit 640", {"det_limit": 640}),
    ("max_side 1800", {"max_side": 1800}),
    ("rec_stretch 1.0", {"rec_stretch": 1.0}),
    ("rec_stretch 1.1", {"rec_stretch": 1.1}),
    ("rec_batch 4", {"rec_batch": 4}),
    ("rec_batch 8", {"rec_batch": 8}),
    ("threads 2 (one worker, 2 onnxruntime threads)", {"threads": 2}),
)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (numpy, one vectorised row per character of ``a``)."""
    import numpy as np

    if not a or not b:
        return len(a) + len(b)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    prev = idx.copy()
    for i, ch in enumerate(a, 1):
        sub = prev[:-1] + (bb != ord(ch))
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(sub, prev[1:] + 1)
        prev = np.minimum.accumulate(cur - idx) + idx
    return int(prev[-1])


def score(texts: list[str], truths: list[str]) -> tuple[float, int, int]:
    """(1 - CER, amounts found exactly, amounts in the truth) over the pages."""
    edits = chars = found = total = 0
    for text, truth in zip(texts, truths):
        t, g = _norm(truth), _norm(text)
        edits += edit_distance(t, g)
        chars += len(t)
        amounts = AMOUNT_RE.findall(t)
        total += len(amounts)
        found += sum(a in g for a in amounts)
    return 1 - edits / max(1, chars), found, total


def engine_pass(options: dict, pngs: list[Path]) -> dict:
    from PIL import Image

    from dossier.reading.ocr import RapidEngine

    engine = RapidEngine(**options)
    c0, w0 = time.process_time(), time.perf_counter()
    engine.load()
    load = time.process_time() - c0, time.perf_counter() - w0
    images = []
    for p in pngs:
        with Image.open(p) as im:
            images.append(im.convert("RGB"))
    engine.recognize(images[0])  # warm-up
    texts, parts = [], Counter()
    c0, w0 = time.process_time(), time.perf_counter()
    for im in images:
        texts.append(engine.recognize(im).text)
        parts.update(engine.timings)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    n = len(images)
    return {"cpu": cpu / n, "wall": wall / n, "load_cpu": load[0], "texts": texts,
            "det": parts["det"] / n, "rec": parts["rec"] / n}


def sessions_table(pngs: list[Path]) -> list[tuple[str, float, float]]:
    """Raw det (one A4 page) and rec (a page's worth of line crops) per backend/session option: ms."""
    import numpy as np
    import onnxruntime as ort

    from dossier.reading.ocr import rapid_model_files

    files = rapid_model_files()
    rng = np.random.default_rng(0)
    det_x = rng.random((1, 3, 960, 672), dtype=np.float32)
    rec_xs = [rng.random((1, 3, 48, w), dtype=np.float32) for w in (96, 150, 190, 200, 240, 320, 480, 700, 990) * 6]

    def timed(run_det, run_rec) -> tuple[float, float]:
        run_det(det_x)
        run_rec(rec_xs[0])
        c0 = time.process_time()
        for _ in range(2):
            run_det(det_x)
        det = (time.process_time() - c0) / 2
        c0 = time.process_time()
        for x in rec_xs:
            run_rec(x)
        return det * 1000, (time.process_time() - c0) * 1000

    def ort_case(**kw):
        def make(path):
            so = ort.SessionOptions()
            so.intra_op_num_threads = kw.get("threads", 1)
            so.inter_op_num_threads = 1
            so.enable_cpu_mem_arena = kw.get("arena", False)
            so.graph_optimization_level = kw.get("opt", ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
            so.execution_mode = kw.get("mode", ort.ExecutionMode.ORT_SEQUENTIAL)
            for key, value in kw.get("config", {}).items():
                so.add_session_config_entry(key, value)
            s = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
            name = s.get_inputs()[0].name
            return lambda x: s.run(None, {name: x})
        return timed(make(files["det"]), make(files["rec"]))

    G = ort.GraphOptimizationLevel
    rows = [("onnxruntime, dossier's settings (1 thread, ENABLE_ALL, no arena)", *ort_case())]
    rows.append(("onnxruntime, memory arena on", *ort_case(arena=True)))
    rows.append(("onnxruntime, graph optimisation BASIC", *ort_case(opt=G.ORT_ENABLE_BASIC)))
    rows.append(("onnxruntime, graph optimisation EXTENDED", *ort_case(opt=G.ORT_ENABLE_EXTENDED)))
    rows.append(("onnxruntime, intra-op spinning off", *ort_case(config={"session.intra_op.allow_spinning": "0"})))
    rows.append(("onnxruntime, parallel execution mode", *ort_case(mode=ort.ExecutionMode.ORT_PARALLEL)))
    rows.append(("onnxruntime, 2 intra-op threads (CPU time)", *ort_case(threads=2)))
    try:
        import openvino as ov
    except ImportError:
        rows.append(("OpenVINO: not installed (pip install openvino)", float("nan"), float("nan")))
    else:
        core = ov.Core()
        core.set_property("CPU", {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
                                  "ENABLE_CPU_PINNING": False})

        def make(path):
            req = core.compile_model(core.read_model(str(path)), "CPU").create_infer_request()
            return lambda x: req.infer([x])
        rows.append((f"OpenVINO {ov.__version__}, CPU, 1 thread", *timed(make(files["det"]), make(files["rec"]))))
    return rows


def sweep_mode(args, workdir: Path) -> int:
    from dossier.config import SETTINGS

    ocr_dpi = next(s.default for s in SETTINGS if s.name == "ocr_dpi")
    files = build_set(workdir, args.sweep_pages, args.seed, ocr_dpi)
    truths = [t for f in files for t in f.truths]
    pngs = render_pngs(files, workdir / "png")
    log(f"sweep over {len(pngs)} pages")
    results = [("defaults", engine_pass({}, pngs))]
    for label, options in VARIANTS:
        results.append((label, engine_pass(options, pngs)))
        log(f"  {label}: {results[-1][1]['cpu']:.2f} CPU-s/page")
    results.append(("defaults (again, drift check)", engine_pass({}, pngs)))
    base = statistics.mean([results[0][1]["cpu"], results[-1][1]["cpu"]])
    print(f"\n# RapidEngine options on {len(pngs)} scanned pages (ocr_dpi {ocr_dpi}); CPU-s/page ratio to the "
          f"defaults (mean of first and last run)\n")
    print(f"{'variant':48} {'CPU s/page':>10} {'ratio':>6} {'det s':>6} {'rec s':>6} {'wall s':>7} "
          f"{'1-CER':>7} {'amounts':>9}")
    summary = {}
    for label, r in results:
        acc, found, total = score(r["texts"], truths)
        print(f"{label:48} {r['cpu']:10.2f} {r['cpu'] / base:6.2f} {r['det']:6.2f} {r['rec']:6.2f} {r['wall']:7.2f} "
              f"{acc:7.2%} {found:4}/{total:<4}")
        summary[label] = {"cpu": round(r["cpu"], 3), "ratio": round(r["cpu"] / base, 3), "char_acc": round(acc, 5),
                          "amounts": [found, total], "load_cpu": round(r["load_cpu"], 2)}
    print("\n# Raw models: det = one A4 page at det_limit 960, rec = 54 line crops (CPU ms; ratio)\n")
    rows = sessions_table(pngs)
    d0, r0 = rows[0][1], rows[0][2]
    for label, det, rec in rows:
        print(f"{label:66} det {det:7.0f} ({det / d0:4.2f})  rec {rec:7.0f} ({rec / r0:4.2f})")
    summary["sessions"] = {label: [round(det, 1), round(rec, 1)] for label, det, rec in rows}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------------------
# memory: a long scanned PDF through the pool (child process)
# ---------------------------------------------------------------------------


def memory_child(pdf: str, pages: int, dpi: int) -> None:
    """Runs in a child process: OCR every page of ``pdf`` one at a time through the pool."""
    from dossier.reading.ocr import OcrPool, PageRef, peak_rss

    t0 = time.perf_counter()
    with OcrPool("rapid", workers=2) as pool:
        for page in pool.imap(PageRef(pdf, i, 0, dpi) for i in range(pages)):
            if isinstance(page, Exception):
                raise page
        worker_rss = dict(pool.peak_rss)
    print(json.dumps({"seconds": time.perf_counter() - t0, "parent_rss": peak_rss(),
                      "worker_rss": list(worker_rss.values())}))


def memory_run(workdir: Path, n_pages: int, seed: int) -> dict:
    import dossier_factory as samples
    from dossier_factory import scans

    company = samples.make_company(seed * 100 + 7)
    src = samples.balance_sheet_pdf(company, samples.DEMO_YEAR, workdir / "mem-src.pdf")
    clean = scans.pdf_page_to_image(src, 0, 300)
    pdf = scans.write_scanned_pdf((scans.scan(clean, dpi=200, skew_deg=(i % 5 - 2) * 0.5, seed=i)
                                   for i in range(n_pages)), workdir / f"scanned-{n_pages}p.pdf")
    proc = subprocess.run([sys.executable, __file__, "--_memory-child", str(pdf), str(n_pages), "200"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    total = data["parent_rss"] + sum(data["worker_rss"])
    return {"pages": n_pages, "seconds": round(data["seconds"], 1), "peak_rss_sum_mb": round(total / 2**20, 1),
            "parent_rss_mb": round(data["parent_rss"] / 2**20, 1),
            "worker_rss_mb": [round(v / 2**20, 1) for v in data["worker_rss"]]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=24, help="scanned pages of the ingestion run (default 24)")
    ap.add_argument("--repeat", type=int, default=2, help="rounds, sides taking turns (default 2; medians)")
    ap.add_argument("--sweep", action="store_true", help="RapidOCR settings table instead of the ingestion run")
    ap.add_argument("--sweep-pages", type=int, default=12, help="pages of the --sweep run (default 12)")
    ap.add_argument("--pdf-pages", type=int, default=0, help="also OCR one scanned PDF of this many pages (memory)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--_memory-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._memory_child:
        memory_child(args._memory_child[0], int(args._memory_child[1]), int(args._memory_child[2]))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-ocr-", dir=args.workdir))
    try:
        return sweep_mode(args, workdir) if args.sweep else ingest_mode(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
