"""OCR of scanned Chinese pages: dossier (RapidOCR) beside Tesseract chi_sim, same run, same pixels.

    python bench/ocr.py [--pages N] [--photos M] [--pdf-pages P] [--seed S] [--workdir DIR] [--keep]
                        [--no-tesseract]

Pages: synthetic documents of dossier_factory (营业执照, 资产负债表, 利润表, 完税证明, 担保申请书;
companies cycle with the kinds), rendered at 300 dpi and degraded with dossier_factory.scans: N flatbed
scans at each of 150, 200 and 300 dpi (skew up to ±2°, red seal, noise, uneven light) and M phone
photos (~120 dpi, perspective, shadow, JPEG).  Each page is written as a one-page image-only PDF
(what scanners produce); both engines read the same pixels: that PDF page rendered at its scan dpi.
Truth: the text layer of the clean source PDF (pdfplumber).

Figures
- s/page: wall-clock per page on ONE core, models loaded (dossier: RapidEngine with one
  onnxruntime thread; Tesseract: OMP_THREAD_LIMIT=1, one `tesseract` process per page, which is how
  it is run).  Median and 95th percentile.
- CPU s/page: CPU time of the same runs (process time; Tesseract: the child's rusage).
- pages/min, 2 cores: dossier's OcrPool with 2 workers over every page (workers render the PDF
  pages themselves: rendering included); Tesseract: two pages at a time.  Pool start-up excluded
  (reported separately).  "wall clock" is what the run got; "from CPU time" is 2 cores x 60 s
  divided by the CPU seconds per page, i.e. what two cores of our own give: the machines are
  shared, and other processes take CPU from a wall-clock run.
- peak RSS per worker: ru_maxrss of each OcrPool worker.
- char accuracy: 1 - CER, edit distance over the whole page after NFKC and removing all
  whitespace (Tesseract puts spaces between Chinese characters), summed over pages.
- fields: a key field counts as read when its exact text occurs in the page's OCR text
  (same normalisation).  credit code: the 18-character 统一社会信用代码; company name;
  amounts: every figure like 1,234.56 on the page; dates: every 2025年01月05日 / 2025-01-05.
- --pdf-pages P: also OCR one P-page scanned PDF page by page through OcrPool (in a child
  process) and report the peak RSS summed over the pool's processes.

Nothing is asserted: the machines are shared and noisy.  The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

APT_HINT = "apt-get install -y tesseract-ocr tesseract-ocr-chi-sim"
KINDS = ("licence", "balance", "income", "tax", "application")
DPIS = (150, 200, 300)
FIELD_KINDS = ("credit code", "company name", "amounts", "dates")
AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2}")
DATE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")


@dataclass
class BenchPage:
    name: str
    kind: str
    variant: str  # "150 dpi", "200 dpi", "300 dpi", "phone"
    dpi: int
    pdf: Path
    png: Path
    truth: str
    fields: dict[str, list[str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _source_pdf(kind: str, company, path: Path) -> Path:
    import dossier_factory as samples

    year = samples.DEMO_YEAR
    if kind == "licence":
        return samples.business_licence_pdf(company, path)
    if kind == "balance":
        return samples.balance_sheet_pdf(company, year, path)
    if kind == "income":
        return samples.income_statement_pdf(company, year, path)
    if kind == "tax":
        return samples.tax_payment_certificate_pdf(company, year, path)
    return samples.application_form_pdf(company, path, 3_000_000, 12, "流动资金贷款担保")


def _fields(truth: str, company) -> dict[str, list[str]]:
    t = _norm(truth)
    out = {
        "credit code": [company.credit_code] if company.credit_code in t else [],
        "company name": [company.name] if company.name in t else [],
        "amounts": AMOUNT_RE.findall(t),
        "dates": DATE_RE.findall(t),
    }
    return out


def build_pages(workdir: Path, n: int, photos: int, seed: int) -> list[BenchPage]:
    import random

    import pdfplumber

    import dossier_factory as samples
    from dossier_factory import scans

    src_dir = workdir / "src"
    out_dir = workdir / "pages"
    src_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"bench-ocr:{seed}")
    sources: dict[tuple[str, int], tuple[Path, str, object]] = {}

    def source(i: int):
        kind = KINDS[i % len(KINDS)]
        company_no = i // len(KINDS)
        key = (kind, company_no)
        if key not in sources:
            company = samples.make_company(seed * 100 + company_no)
            pdf = _source_pdf(kind, company, src_dir / f"{kind}-{company_no}.pdf")
            with pdfplumber.open(pdf) as doc:
                truth = doc.pages[0].extract_text() or ""
            sources[key] = (pdf, truth, company)
        return kind, sources[key]

    pages: list[BenchPage] = []
    plan = [(f"{dpi} dpi", dpi, i) for dpi in DPIS for i in range(n)]
    plan += [("phone", 120, i) for i in range(photos)]
    for k, (variant, dpi, i) in enumerate(plan):
        kind, (pdf, truth, company) = source(i + 2 if variant == "phone" else i)
        clean = scans.pdf_page_to_image(pdf, 0, 300)
        if variant == "phone":
            img = scans.phone_photo(clean, dpi=dpi, seed=seed * 1000 + k)
        else:
            img = scans.scan(clean, dpi=dpi, skew_deg=rng.uniform(-2, 2), noise=rng.uniform(0.3, 0.8),
                             seed=seed * 1000 + k)
        name = f"{k:03d}-{kind}-{variant.replace(' ', '')}"
        out_pdf = scans.write_scanned_pdf([img], out_dir / f"{name}.pdf", truth=[truth])
        # Both engines read exactly this: the scanned PDF's page rendered at the scan dpi.
        from dossier.reading.ocr import render_pdf_page

        rendered = render_pdf_page(out_pdf, 0, dpi)
        png = out_dir / f"{name}.png"
        rendered.save(png, dpi=(dpi, dpi), compress_level=1)
        pages.append(BenchPage(name, kind, variant, dpi, out_pdf, png, truth, _fields(truth, company)))
    return pages


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (numpy, one vectorised row per character of ``a``)."""
    import numpy as np

    if not a:
        return len(b)
    if not b:
        return len(a)
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


@dataclass
class Score:
    edits: int = 0
    chars: int = 0
    found: dict[str, int] = field(default_factory=lambda: {k: 0 for k in FIELD_KINDS})
    total: dict[str, int] = field(default_factory=lambda: {k: 0 for k in FIELD_KINDS})
    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu: list[float] = field(default_factory=list)

    def add(self, page: BenchPage, text: str, seconds: float, cpu: float | None = None) -> None:
        truth, got = _norm(page.truth), _norm(text)
        self.edits += edit_distance(truth, got)
        self.chars += len(truth)
        for kind, values in page.fields.items():
            for v in values:
                self.total[kind] += 1
                self.found[kind] += v in got
        self.seconds.setdefault(page.variant, []).append(seconds)
        if cpu is not None:
            self.cpu.append(cpu)

    @property
    def accuracy(self) -> float:
        return 1 - self.edits / max(1, self.chars)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ---------------------------------------------------------------------------
# engines
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
        return "tesseract has no chi_sim data"
    return None


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def tesseract_page(png: Path) -> tuple[str, float]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    start = time.perf_counter()
    proc = subprocess.run(["tesseract", str(png), "stdout", "-l", "chi_sim", "--psm", "3"],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip())
    return proc.stdout, elapsed


def tesseract_version() -> str:
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "tesseract"


def run_dossier_single(pages: list[BenchPage]) -> tuple[Score, float, list[str]]:
    from PIL import Image

    from dossier.reading.ocr import RapidEngine

    engine = RapidEngine()
    start = time.perf_counter()
    engine.load()
    load = time.perf_counter() - start
    with Image.open(pages[0].png) as warm:
        engine.recognize(warm.convert("RGB"))
    score, texts = Score(), []
    for p in pages:
        with Image.open(p.png) as im:
            img = im.convert("RGB")
        cpu = time.process_time()
        page = engine.recognize(img)
        score.add(p, page.text, page.seconds, time.process_time() - cpu)
        texts.append(page.text)
    return score, load, texts


def run_tesseract_single(pages: list[BenchPage]) -> tuple[Score, list[str]]:
    score, texts = Score(), []
    for p in pages:
        cpu = _children_cpu()
        text, secs = tesseract_page(p.png)
        score.add(p, text, secs, _children_cpu() - cpu)
        texts.append(text)
    return score, texts


def run_pool(pages: list[BenchPage], workers: int = 2) -> dict:
    from dossier.reading.ocr import OcrPool, PageRef

    refs = [PageRef(str(p.pdf), 0, 0, p.dpi) for p in pages]
    start = time.perf_counter()
    with OcrPool("rapid", workers=workers) as pool:
        pool.ocr_pages(refs[:workers])  # start-up: spawn, import, load models
        warm = time.perf_counter() - start
        t0 = time.perf_counter()
        cpu0 = pool.cpu_seconds
        results = pool.ocr_pages(refs)
        elapsed = time.perf_counter() - t0
        cpu = pool.cpu_seconds - cpu0
        rss = dict(pool.peak_rss)
    return {"pages": len(refs), "seconds": elapsed, "pages_per_min": len(refs) / elapsed * 60,
            "cpu_seconds": cpu, "pages_per_min_cpu_bound": len(refs) / (cpu / workers) * 60,
            "startup_seconds": warm, "peak_rss_worker_mb": max(rss.values()) / 2**20 if rss else None,
            "rss_by_worker_mb": {str(k): round(v / 2**20, 1) for k, v in rss.items()},
            "rotations": sorted({r.rotation for r in results})}


def run_tesseract_parallel(pages: list[BenchPage], workers: int = 2) -> dict:
    t0, cpu0 = time.perf_counter(), _children_cpu()
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(lambda p: tesseract_page(p.png), pages))
    elapsed, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    return {"pages": len(pages), "seconds": elapsed, "pages_per_min": len(pages) / elapsed * 60,
            "cpu_seconds": cpu, "pages_per_min_cpu_bound": len(pages) / (cpu / workers) * 60}


# ---------------------------------------------------------------------------
# memory: a long scanned PDF through the pool (child process)
# ---------------------------------------------------------------------------


def memory_child(pdf: str, pages: int, dpi: int) -> None:
    """Runs in a child process: OCR every page of ``pdf`` one at a time through the pool."""
    from dossier.reading.ocr import OcrPool, PageRef

    t0 = time.perf_counter()
    n_chars = 0
    with OcrPool("rapid", workers=2) as pool:
        for page in pool.imap(PageRef(pdf, i, 0, dpi) for i in range(pages)):
            if isinstance(page, Exception):
                raise page
            n_chars += len(page.text)
        worker_rss = dict(pool.peak_rss)
    from dossier.reading.ocr import peak_rss

    own = peak_rss()
    print(json.dumps({"seconds": time.perf_counter() - t0, "chars": n_chars, "parent_rss": own,
                      "worker_rss": list(worker_rss.values())}))


def memory_run(workdir: Path, n_pages: int, seed: int) -> dict:
    import dossier_factory as samples
    from dossier_factory import scans

    company = samples.make_company(seed * 100 + 7)
    src = samples.balance_sheet_pdf(company, samples.DEMO_YEAR, workdir / "mem-src.pdf")
    clean = scans.pdf_page_to_image(src, 0, 300)

    def gen():
        for i in range(n_pages):
            yield scans.scan(clean, dpi=200, skew_deg=(i % 5 - 2) * 0.5, seed=i)

    pdf = scans.write_scanned_pdf(gen(), workdir / f"scanned-{n_pages}p.pdf")
    proc = subprocess.run([sys.executable, __file__, "--_memory-child", str(pdf), str(n_pages), "200"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    total = data["parent_rss"] + sum(data["worker_rss"])
    return {"pages": n_pages, "pdf_mb": round(pdf.stat().st_size / 2**20, 1), "seconds": round(data["seconds"], 1),
            "pages_per_min": round(n_pages / data["seconds"] * 60, 1),
            "peak_rss_sum_mb": round(total / 2**20, 1), "parent_rss_mb": round(data["parent_rss"] / 2**20, 1),
            "worker_rss_mb": [round(v / 2**20, 1) for v in data["worker_rss"]]}


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def _secs_cell(score: Score | None, variant: str) -> str:
    if score is None or variant not in score.seconds:
        return "-"
    v = score.seconds[variant]
    return f"{statistics.median(v):.2f} / {_pct(v, 0.95):.2f}"


def _field_cell(score: Score | None, kind: str) -> str:
    if score is None:
        return "-"
    t = score.total[kind]
    return f"{score.found[kind]}/{t} ({score.found[kind] / t:.0%})" if t else "-"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=5, help="scanned pages per resolution (150/200/300 dpi)")
    ap.add_argument("--photos", type=int, default=None, help="phone photos (default: same as --pages)")
    ap.add_argument("--pdf-pages", type=int, default=0, help="also OCR one scanned PDF of this many pages (memory)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-tesseract", action="store_true")
    ap.add_argument("--_memory-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._memory_child:
        memory_child(args._memory_child[0], int(args._memory_child[1]), int(args._memory_child[2]))
        return 0
    photos = args.pages if args.photos is None else args.photos

    tess_problem = "disabled (--no-tesseract)" if args.no_tesseract else tesseract_status()
    if tess_problem and not args.no_tesseract:
        print(f"Tesseract column skipped: {tess_problem}. Install it with:\n  {APT_HINT}\n", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-ocr-", dir=args.workdir))
    try:
        t0 = time.perf_counter()
        pages = build_pages(workdir, args.pages, photos, args.seed)
        print(f"{len(pages)} pages built in {time.perf_counter() - t0:.0f} s ({workdir})", flush=True)
        d_score, d_load, _ = run_dossier_single(pages)
        print("dossier single-core pass done", flush=True)
        t_score = None
        if not tess_problem:
            t_score, _ = run_tesseract_single(pages)
            print("tesseract single-core pass done", flush=True)
        pool = run_pool(pages)
        print("dossier OcrPool pass done", flush=True)
        t_par = None if tess_problem else run_tesseract_parallel(pages)
        mem = memory_run(workdir, args.pdf_pages, args.seed) if args.pdf_pages else None
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    import rapidocr
    import onnxruntime

    d_name = f"dossier (RapidOCR {rapidocr.__version__ if hasattr(rapidocr, '__version__') else ''})".replace(" )", ")")
    t_name = tesseract_version() + " chi_sim" if not tess_problem else "Tesseract chi_sim (missing)"
    rows = []
    for variant in [f"{d} dpi" for d in DPIS] + ["phone"]:
        n = len(d_score.seconds.get(variant, []))
        label = f"s/page {variant} (median / p95, n={n})" if variant != "phone" else \
            f"s/page phone photo ~120 dpi (median / p95, n={n})"
        rows.append((label, _secs_cell(d_score, variant), _secs_cell(t_score, variant)))
    rows.append(("CPU s/page, all pages (mean)", f"{statistics.mean(d_score.cpu):.2f}",
                 f"{statistics.mean(t_score.cpu):.2f}" if t_score else "-"))
    rows.append(("pages/min, 2 cores (wall clock)", f"{pool['pages_per_min']:.1f}",
                 f"{t_par['pages_per_min']:.1f}" if t_par else "-"))
    rows.append(("pages/min, 2 cores (from CPU time)", f"{pool['pages_per_min_cpu_bound']:.1f}",
                 f"{t_par['pages_per_min_cpu_bound']:.1f}" if t_par else "-"))
    rows.append(("peak RSS per worker", f"{pool['peak_rss_worker_mb']:.0f} MiB", "-"))
    rows.append(("char accuracy (1 - CER)", f"{d_score.accuracy:.2%}", f"{t_score.accuracy:.2%}" if t_score else "-"))
    for kind in FIELD_KINDS:
        rows.append((f"exact {kind}", _field_cell(d_score, kind), _field_cell(t_score, kind)))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(d_name), *(len(r[1]) for r in rows))
    print()
    print(f"{'':{w0}}  {d_name:>{w1}}  {t_name}")
    for label, a, b in rows:
        print(f"{label:{w0}}  {a:>{w1}}  {b}")
    print(f"\nmodel load {d_load:.2f} s per engine; pool start-up (2 workers, first pages) "
          f"{pool['startup_seconds']:.1f} s; onnxruntime {onnxruntime.__version__}")
    if mem:
        print(f"{mem['pages']}-page scanned PDF ({mem['pdf_mb']} MiB) via OcrPool: {mem['seconds']} s "
              f"({mem['pages_per_min']} pages/min), peak RSS summed over processes {mem['peak_rss_sum_mb']} MiB "
              f"(parent {mem['parent_rss_mb']}, workers {mem['worker_rss_mb']})")
    summary = {
        "pages": len(pages), "per_dpi": args.pages, "photos": photos,
        "dossier": {
            "seconds": {k: {"median": round(statistics.median(v), 3), "p95": round(_pct(v, 0.95), 3)}
                        for k, v in d_score.seconds.items()},
            "char_accuracy": round(d_score.accuracy, 5),
            "cpu_seconds_per_page": round(statistics.mean(d_score.cpu), 3),
            "fields": {k: [d_score.found[k], d_score.total[k]] for k in FIELD_KINDS},
            "pool": {k: (round(v, 2) if isinstance(v, float) else v) for k, v in pool.items()},
            "model_load_seconds": round(d_load, 2),
        },
        "tesseract": None if t_score is None else {
            "seconds": {k: {"median": round(statistics.median(v), 3), "p95": round(_pct(v, 0.95), 3)}
                        for k, v in t_score.seconds.items()},
            "char_accuracy": round(t_score.accuracy, 5),
            "fields": {k: [t_score.found[k], t_score.total[k]] for k in FIELD_KINDS},
            "cpu_seconds_per_page": round(statistics.mean(t_score.cpu), 3),
            "pages_per_min_2_procs": round(t_par["pages_per_min"], 2),
            "pages_per_min_2_procs_cpu_bound": round(t_par["pages_per_min_cpu_bound"], 2),
        },
        "tesseract_missing": tess_problem,
        "memory": mem,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
