"""Reading accuracy: document type and fields through the real pipeline path, text PDFs and scans.

    python bench/accuracy.py [--corpus factory|variants|all] [--docs N] [--quick] [--clients N] [--seed S]
                             [--companies C] [--show K] [--jobs J] [--workdir DIR] [--keep]

Two corpora, reported separately (default: both). ``factory`` is described below. ``variants``
(bench/accuracy_variants.py) is dossier_factory.variants: layouts written independently of the
extractor (every type in three or more real-world layouts) read the same way, plus synthetic clients
ingested through the real Pipeline whose checklist statuses (``dossier status --json``, check date
pinned to each client's application date) are compared with the expected ones.

The factory (dossier_factory.document_pdf / expected_fields) writes N documents covering every
doc type of samples.DOC_TYPES about evenly, for C invented companies and fiscal years 2022-2025,
with varied options (guarantee product, audit opinion, old/new tax registration, seller/buyer).
Half of them stay text PDFs; the other half are rendered at 300 dpi and degraded with
dossier_factory.scans, cycling through these variants:

    scan-pdf-150/200/300  image-only PDF of flatbed scans at that dpi (scans.write_scanned_pdf)
    scan-jpg-200          one JPEG scan            (documents of one page; else scan-tiff-200)
    scan-png-300          one PNG scan             (documents of one page; else scan-tiff-300)
    scan-tiff-200         multi-page TIFF of scans
    photo-jpg             one phone photo, ~110-140 dpi (documents of one page; else photo-pdf)
    photo-pdf             image-only PDF of phone photos

Scans get a skew of up to ±3°, a red seal (most of them), noise and blur; about a quarter of
the scans and photos lie turned by 90, 180 or 270 degrees.  Everything is deterministic for a
given --seed.

Each file then goes through what the service runs for it (pipeline.Pipeline._read):
dossier.reading.read_document(path, read_max_pages, ocr, ocr_max_pages, ocr_dpi) with a real
OcrPool("rapid", 2), then dossier.reading.understand(path, reading); the configuration
defaults of dossier.config are used.  Files are read one after the other, as the service does.

Figures
- type accuracy: understood doc_type == the generated type (overall, text vs scans, per type).
- field exact match, per field: the value equals expected_fields() exactly (a wrong type counts
  as every field wrong).  Key fields credit_code, id_number, year and company_name get their
  own lines with the targets (>= 98% on scans, 100% on text PDFs).
- review rate: results flagged ``review``.
- silent errors: results NOT flagged review whose type or any field is wrong (target 0: a
  result the system is not sure of must go to a person).  All of them are listed.
- text-layer PDFs: ms per page of read + classify + extract (median, p95; target median < 100).
  Files are timed one by one after one untimed warm-up file.
- scans: seconds per scanned page (read incl. OCR + understand, per file divided by its pages;
  median, p95) and the overall wall time per scanned page.  Pool start-up is excluded.
- the worst failures (silent first), each with doc, field, expected and got.

Files are generated under a temporary folder (``mktemp`` under $TMPDIR or /tmp, or --workdir),
removed at the end except ``failures.jsonl`` (every failing document with its page texts, the
OCR output, for whoever fixes the rules); --keep keeps everything.  The exit code is 1 when there
is a silent error (either corpus), else 0; timings are never checked (shared, noisy machines).  The
last line of output is one JSON object with every figure: {"corpus", "factory": {...}, "variants":
{"documents": {...}, "clients": {...}}}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DOCS = 300
QUICK_DOCS = 58  # every type once as a text PDF and once as a scan
KEY_FIELDS = ("credit_code", "id_number", "year", "company_name")
TARGET_TYPE = 0.99
TARGET_KEY_SCAN = 0.98
TARGET_KEY_TEXT = 1.0
TARGET_TEXT_MS = 100.0
SOURCE_DPI = 300  # clean pages are rendered at this dpi before being degraded
# (kind, dpi) in the order scanned documents cycle through them.
SCAN_VARIANTS = (
    ("scan-pdf", 150), ("scan-pdf", 200), ("scan-pdf", 300), ("scan-jpg", 200),
    ("scan-png", 300), ("photo-jpg", 120), ("scan-tiff", 200), ("photo-pdf", 120),
)
ONE_PAGE_ONLY = {"scan-jpg": "scan-tiff", "scan-png": "scan-tiff", "photo-jpg": "photo-pdf"}


# ---------------------------------------------------------------------------
# the plan: which documents, how degraded
# ---------------------------------------------------------------------------

@dataclass
class Case:
    index: int
    doc_type: str
    company_seed: int
    year: int
    kw: dict
    variant: str  # "text" or a scan kind of SCAN_VARIANTS
    dpi: int = 0
    skew: float = 0.0
    rotation: int = 0
    noise: float = 0.5
    blur: float = 0.5
    seal: bool = True
    photo: dict = field(default_factory=dict)
    path: str = ""
    pages: int = 0

    @property
    def scanned(self) -> bool:
        return self.variant != "text"

    @property
    def label(self) -> str:
        v = self.variant if self.variant == "text" or self.variant.startswith("photo") else f"{self.variant}-{self.dpi}"
        return f"{v}{'-r' + str(self.rotation) if self.rotation else ''}"

    @property
    def name(self) -> str:
        return f"{self.index:03d}-{self.doc_type}-{self.label}"


def _options(doc_type: str, rng: random.Random) -> dict:
    """Keyword options of document_pdf / expected_fields that change what the document says."""
    import dossier_factory as samples

    if doc_type == "application_form":
        return {"product": rng.choice(sorted(samples.PRODUCTS))}
    if doc_type == "audit_report":
        return {"opinion": rng.choice(samples.OPINIONS)}
    if doc_type == "tax_registration":
        return {"new_style": rng.random() < 0.5}
    if doc_type in ("trade_contract", "letter_of_credit"):
        return {"role": rng.choice(("seller", "buyer"))}
    return {}


def plan(docs: int, seed: int, companies: int) -> list[Case]:
    """``docs`` cases: types in turn (each as a text PDF, then as a scan), companies in turn."""
    import dossier_factory as samples

    types = samples.DOC_TYPES
    seeds = [seed * 1000 + k for k in range(companies)]
    cases = []
    for i in range(docs):
        rng = random.Random(f"dossier-accuracy:{seed}:{i}")
        doc_type = types[(i // 2) % len(types)]
        case = Case(i, doc_type, seeds[i % len(seeds)], rng.choice((2022, 2023, 2024, 2025)),
                    _options(doc_type, rng), "text")
        if i % 2:
            kind, dpi = SCAN_VARIANTS[(i // 2) % len(SCAN_VARIANTS)]
            case.variant, case.dpi = kind, dpi
            case.rotation = rng.choice((90, 180, 270)) if rng.random() < 0.25 else 0
            if kind.startswith("photo"):
                case.dpi = rng.choice((110, 120, 140))
                case.photo = {"perspective": round(rng.uniform(0.02, 0.06), 3),
                              "shadow": round(rng.uniform(0.15, 0.4), 2),
                              "jpeg_quality": rng.randrange(60, 86), "blur": round(rng.uniform(0.5, 1.0), 2),
                              "noise": round(rng.uniform(0.4, 0.7), 2)}
            else:
                case.skew = round(rng.uniform(-3.0, 3.0), 2)
                case.noise = round(rng.uniform(0.3, 0.7), 2)
                case.blur = round(rng.uniform(0.3, 0.8), 2)
                case.seal = rng.random() < 0.8
        cases.append(case)
    return cases


def company_of(case: Case):
    import dossier_factory as samples

    return samples.make_company(case.company_seed)


def expected_of(case: Case) -> dict:
    import dossier_factory as samples

    return samples.expected_fields(case.doc_type, company_of(case), year=case.year, **case.kw)


def make_file(case: Case, folder: str) -> tuple[str, int, str]:
    """Write the case's file; returns (path, pages, variant actually used). Runs in a worker process."""
    import pypdfium2 as pdfium

    import dossier_factory as samples
    from dossier_factory import scans

    folder = Path(folder)
    src = folder / "src" / f"{case.index:03d}-{case.doc_type}.pdf"
    samples.document_pdf(case.doc_type, company_of(case), src, year=case.year, **case.kw)
    pdf = pdfium.PdfDocument(str(src))
    pages = len(pdf)
    pdf.close()
    if not case.scanned:
        return str(src), pages, "text"
    kind = case.variant
    if pages > 1 and kind in ONE_PAGE_ONLY:
        kind = ONE_PAGE_ONLY[kind]
    images = []
    for p in range(pages):
        clean = scans.pdf_page_to_image(src, p, SOURCE_DPI)
        seed = case.index * 100 + p
        if kind.startswith("photo"):
            images.append(scans.phone_photo(clean, dpi=case.dpi, rotation=case.rotation, seed=seed, **case.photo))
        else:
            images.append(scans.scan(clean, dpi=case.dpi, skew_deg=case.skew, noise=case.noise, blur=case.blur,
                                     seal=case.seal, rotation=case.rotation, seed=seed))
    stem = folder / "files" / f"{case.index:03d}-{case.doc_type}"
    if kind.endswith("-pdf"):
        out = scans.write_scanned_pdf(images, stem.with_suffix(".pdf"))
    elif kind == "scan-tiff":
        out = scans.write_tiff(images, stem.with_suffix(".tif"))
    elif kind in ("scan-jpg", "photo-jpg"):
        out = scans.save_image(images[0], stem.with_suffix(".jpg"), jpeg_quality=88)
    else:
        out = scans.save_image(images[0], stem.with_suffix(".png"))
    return str(out), pages, kind


# ---------------------------------------------------------------------------
# running and scoring
# ---------------------------------------------------------------------------

@dataclass
class Result:
    case: Case
    expected: dict
    doc_type: str = ""
    confidence: float = 0.0
    fields: dict = field(default_factory=dict)
    review: bool = True
    problems: tuple = ()
    seconds: float = 0.0
    read_seconds: float = 0.0
    texts: tuple = ()
    methods: tuple = ()
    rotations: tuple = ()
    ocr_confidence: float | None = None
    error: str = ""

    @property
    def type_ok(self) -> bool:
        return self.doc_type == self.case.doc_type

    def field_ok(self, name: str) -> bool:
        return self.type_ok and name in self.fields and self.fields[name] == self.expected[name]

    @property
    def wrong_fields(self) -> list[str]:
        return [k for k in self.expected if not self.field_ok(k)]

    @property
    def correct(self) -> bool:
        return not self.error and self.type_ok and not self.wrong_fields

    @property
    def silent(self) -> bool:
        return not self.review and not self.correct


def _settings() -> dict:
    from dossier.config import SETTINGS

    return {s.name: s.default for s in SETTINGS}


def run_case(case: Case, pool, settings: dict, expected: dict | None = None) -> Result:
    """Read and understand one file as the service does; score it against ``expected`` (default: the factory's)."""
    from dossier.reading.document import read_document
    from dossier.reading.understand import understand

    result = Result(case, expected_of(case) if expected is None else expected)
    path = Path(case.path)
    start = time.perf_counter()
    try:
        reading = read_document(path, settings["read_max_pages"], pool, settings["ocr_max_pages"],
                                settings["ocr_dpi"])
        result.read_seconds = time.perf_counter() - start
        found = understand(path, reading)
    except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the run
        result.seconds = time.perf_counter() - start
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.seconds = time.perf_counter() - start
    result.doc_type, result.confidence = found.doc_type, found.confidence
    result.fields, result.review, result.problems = dict(found.fields), found.review, tuple(found.problems)
    result.texts = reading.pages_text
    result.methods = tuple(p.method for p in reading.page_texts)
    result.rotations = tuple(p.rotation for p in reading.page_texts)
    result.ocr_confidence = reading.ocr_confidence
    return result


def engine_options(pairs: list[str]) -> dict:
    """``["det_limit=800", "rec_stretch=1.1"]`` -> ``{"det_limit": 800, "rec_stretch": 1.1}``."""
    import ast

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"--engine-option needs KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            out[key.strip()] = value.strip()
    return out


def _pct(ok: int, n: int) -> str:
    return f"{100.0 * ok / n:.1f}% ({ok}/{n})" if n else "-"


def _rate(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def _short(value, width: int = 38) -> str:
    s = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return s if len(s) <= width else s[: width - 1] + "…"


def report(results: list[Result], show: int, timings: dict) -> dict:
    text = [r for r in results if not r.case.scanned]
    scan = [r for r in results if r.case.scanned]
    groups = (("all", results), ("text PDFs", text), ("scans/photos", scan))
    out: dict = {"docs": len(results), "text_docs": len(text), "scan_docs": len(scan),
                 "scan_pages": sum(r.case.pages for r in scan)}

    print("\n## Document type")
    print(f"{'':16} {'type accuracy':>20} {'review':>18} {'all fields exact':>20} {'silent errors':>14}")
    out["type_accuracy"], out["review_rate"], out["docs_exact"], out["silent"] = {}, {}, {}, {}
    for label, rs in groups:
        n = len(rs)
        ok = sum(r.type_ok for r in rs)
        rev = sum(r.review for r in rs)
        exact = sum(r.correct for r in rs)
        silent = sum(r.silent for r in rs)
        print(f"{label:16} {_pct(ok, n):>20} {_pct(rev, n):>18} {_pct(exact, n):>20} {silent:>14}")
        key = label.split()[0].split("/")[0]
        out["type_accuracy"][key] = _rate(ok, n)
        out["review_rate"][key] = _rate(rev, n)
        out["docs_exact"][key] = _rate(exact, n)
        out["silent"][key] = silent
    print(f"(target: type accuracy >= {TARGET_TYPE:.0%}; silent errors 0)")
    known = [r for r in results if r.case.doc_type != "other"]
    print(f"review rate without type 'other' (always reviewed by design): "
          f"text {_pct(sum(r.review for r in known if not r.case.scanned), sum(not r.case.scanned for r in known))}, "
          f"scans {_pct(sum(r.review for r in known if r.case.scanned), sum(r.case.scanned for r in known))}")
    out["review_rate_known_types"] = _rate(sum(r.review for r in known), len(known))

    print("\n## Per type (text | scans; worst first)")
    print(f"{'doc_type':32} {'type text':>9} {'type scan':>9} {'fields text':>11} {'fields scan':>11} "
          f"{'review scan':>11} {'silent':>6}")
    per_type = {}
    def exact_share(t: str) -> float:  # worst types first
        rs = [r for r in results if r.case.doc_type == t]
        return sum(r.correct for r in rs) / len(rs)

    types = sorted({r.case.doc_type for r in results}, key=lambda t: (exact_share(t), t))
    for t in types:
        tt = [r for r in text if r.case.doc_type == t]
        ts = [r for r in scan if r.case.doc_type == t]

        def frac(rs, pred):
            return f"{sum(map(pred, rs))}/{len(rs)}" if rs else "-"

        def fields_frac(rs):
            n = sum(len(r.expected) for r in rs)
            ok = sum(sum(r.field_ok(k) for k in r.expected) for r in rs)
            return f"{100.0 * ok / n:.0f}%" if n else "-"

        silent = sum(r.silent for r in tt + ts)
        print(f"{t:32} {frac(tt, lambda r: r.type_ok):>9} {frac(ts, lambda r: r.type_ok):>9} "
              f"{fields_frac(tt):>11} {fields_frac(ts):>11} {frac(ts, lambda r: r.review):>11} {silent:>6}")
        per_type[t] = {"text": _rate(sum(r.type_ok for r in tt), len(tt)),
                       "scan": _rate(sum(r.type_ok for r in ts), len(ts)), "silent": silent}
    out["per_type"] = per_type

    print("\n## Fields: exact match (text PDFs | scans)")
    print(f"{'field':30} {'text':>16} {'scans':>16}")
    names = sorted({k for r in results for k in r.expected})
    stats = {}
    for name in names:
        nt = [r for r in text if name in r.expected]
        ns = [r for r in scan if name in r.expected]
        ok_t = sum(r.field_ok(name) for r in nt)
        ok_s = sum(r.field_ok(name) for r in ns)
        stats[name] = (ok_t, len(nt), ok_s, len(ns))
    for name in sorted(names, key=lambda k: ((stats[k][2] / stats[k][3]) if stats[k][3] else 1.0, k)):
        ok_t, n_t, ok_s, n_s = stats[name]
        print(f"{name:30} {_pct(ok_t, n_t):>16} {_pct(ok_s, n_s):>16}")
    out["fields"] = {k: {"text": _rate(v[0], v[1]), "scan": _rate(v[2], v[3])} for k, v in stats.items()}

    print("\n## Key fields (targets: 100% on text PDFs, >= 98% on scans)")
    out["key_fields"] = {}
    for name in KEY_FIELDS:
        ok_t, n_t, ok_s, n_s = stats.get(name, (0, 0, 0, 0))
        verdict = []
        if n_t and ok_t / n_t < TARGET_KEY_TEXT:
            verdict.append("text below target")
        if n_s and ok_s / n_s < TARGET_KEY_SCAN:
            verdict.append("scans below target")
        verdict = ", ".join(verdict) or ("ok" if n_t or n_s else "no document with this field")
        print(f"{name:30} {_pct(ok_t, n_t):>16} {_pct(ok_s, n_s):>16}   {verdict}")
        out["key_fields"][name] = {"text": _rate(ok_t, n_t), "scan": _rate(ok_s, n_s)}

    print("\n## Scan variants")
    print(f"{'variant':16} {'docs':>5} {'pages':>6} {'type':>8} {'all fields':>10} {'review':>8} {'silent':>6} "
          f"{'rotation ok':>12}")
    by_variant = defaultdict(list)
    for r in scan:
        by_variant[r.case.variant if r.case.variant.startswith("photo") else f"{r.case.variant}-{r.case.dpi}"].append(r)
    out["variants"] = {}
    for v in sorted(by_variant):
        rs = by_variant[v]
        n = len(rs)
        pages = [(got, r.case.rotation) for r in rs for got, m in zip(r.rotations, r.methods) if m == "ocr"]
        rot_ok = sum(got == want for got, want in pages)
        print(f"{v:16} {n:>5} {sum(r.case.pages for r in rs):>6} {sum(r.type_ok for r in rs):>4}/{n:<3} "
              f"{sum(r.correct for r in rs):>6}/{n:<3} {sum(r.review for r in rs):>4}/{n:<3} "
              f"{sum(r.silent for r in rs):>6} {rot_ok:>7}/{len(pages):<4}")
        out["variants"][v] = {"docs": n, "type": _rate(sum(r.type_ok for r in rs), n),
                              "exact": _rate(sum(r.correct for r in rs), n),
                              "review": _rate(sum(r.review for r in rs), n), "silent": sum(r.silent for r in rs)}
    rotated = [r for r in scan if r.case.rotation]
    print(f"rotated scans/photos: {len(rotated)}, type right {sum(r.type_ok for r in rotated)}, "
          f"all fields exact {sum(r.correct for r in rotated)}")

    print("\n## Speed")
    tm = timings["text_ms_per_page"]
    ss = timings["scan_s_per_page"]
    print(f"text-layer PDFs, read + classify + extract: median {tm['median']:.1f} ms/page, "
          f"p95 {tm['p95']:.1f} ms/page over {tm['docs']} files (target median < {TARGET_TEXT_MS:.0f} ms); "
          f"of which read_document: median {tm['read_median']:.1f} ms/page")
    per = defaultdict(list)
    for r in results:
        if not r.case.scanned and not r.error:
            per[r.case.doc_type].append(1000 * r.seconds / max(1, r.case.pages))
    slow = sorted(per, key=lambda t: -statistics.median(per[t]))[:5]
    print("slowest text types (median ms/page): "
          + ", ".join(f"{t} {statistics.median(per[t]):.0f}" for t in slow))
    if ss["docs"]:
        print(f"scans/photos, read (OCR, 2 workers) + understand: median {ss['median']:.2f} s/page, "
              f"p95 {ss['p95']:.2f} s/page over {ss['docs']} files; overall {ss['overall']:.2f} s/page "
              f"({ss['pages']} pages in {ss['wall']:.0f} s); OCR pool start {timings['pool_start_s']:.1f} s")
    out.update(timings)

    errors = [r for r in results if r.error]
    if errors:
        print(f"\n## Crashes ({len(errors)})")
        for r in errors:
            print(f"  {r.case.name}: {r.error}")
    out["crashes"] = len(errors)

    silent = [r for r in results if r.silent]
    print(f"\n## Silent errors: {len(silent)} (wrong, not flagged for review)")
    out["silent_errors"] = []
    for r in silent:
        if not r.type_ok:
            print(f"  {r.case.name}: type expected {r.case.doc_type}, got {r.doc_type} ({r.confidence:.2f})")
            out["silent_errors"].append({"doc": r.case.name, "field": "doc_type", "expected": r.case.doc_type,
                                         "got": r.doc_type})
            continue
        for k in r.wrong_fields:
            print(f"  {r.case.name}: {k} expected {_short(r.expected[k])}, got {_short(r.fields.get(k))}")
            out["silent_errors"].append({"doc": r.case.name, "field": k, "expected": r.expected[k],
                                         "got": r.fields.get(k)})

    rows = []
    for r in results:
        if r.correct:
            continue
        if not r.type_ok:
            rows.append((r.silent, r, "doc_type", r.case.doc_type, f"{r.doc_type} ({r.confidence:.2f})"))
            continue
        for k in r.wrong_fields:
            rows.append((r.silent, r, k, r.expected[k], r.fields.get(k)))
    counts = Counter((r.case.doc_type, k) for _s, r, k, _e, _g in rows)
    rows.sort(key=lambda t: (not t[0], -counts[(t[1].case.doc_type, t[2])], not t[1].case.scanned,
                             t[1].case.index))
    print(f"\n## Worst failures ({len(rows)} wrong values in {len({id(t[1]) for t in rows})} documents; "
          f"silent first, then the most frequent type/field; {min(show, len(rows))} shown)")
    print(f"{'doc':44} {'field':26} {'expected':40} {'got':40} review")
    for is_silent, r, k, exp, got in rows[:show]:
        print(f"{r.case.name:44} {k:26} {_short(exp):40} {_short(got):40} {'SILENT' if is_silent else 'yes'}")
    out["worst"] = [{"doc": r.case.name, "field": k, "expected": exp, "got": got, "silent": s}
                    for s, r, k, exp, got in rows[:show]]
    return out


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def _generate(cases: list[Case], work: Path, jobs: int) -> None:
    start = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            made = list(ex.map(make_file, cases, [str(work)] * len(cases), chunksize=1))
    else:
        made = [make_file(c, str(work)) for c in cases]
    for case, (path, pages, kind) in zip(cases, made):
        case.path, case.pages, case.variant = path, pages, kind
    print(f"generated {len(cases)} files in {time.perf_counter() - start:.0f} s under {work}", flush=True)


def _failure_record(r: Result) -> dict:
    c = r.case
    return {"doc": c.name, "doc_type": c.doc_type, "variant": c.variant, "dpi": c.dpi, "rotation": c.rotation,
            "skew": c.skew, "company_seed": c.company_seed, "year": c.year, "kw": c.kw, "file": c.path,
            "got_type": r.doc_type, "confidence": r.confidence, "review": r.review, "silent": r.silent,
            "expected": r.expected, "fields": r.fields, "wrong": r.wrong_fields if r.type_ok else ["doc_type"],
            "problems": list(r.problems), "error": r.error, "ocr_confidence": r.ocr_confidence,
            "methods": list(r.methods), "rotations": list(r.rotations), "pages_text": list(r.texts)}


def timings_of(results: list[Result], wall: float, pool_start: float) -> dict:
    """The speed figures of ``report`` (text ms/page, scan s/page; ``wall``: seconds reading the scans)."""
    text_ms = [1000 * r.seconds / max(1, r.case.pages) for r in results if not r.case.scanned and not r.error]
    read_ms = [1000 * r.read_seconds / max(1, r.case.pages) for r in results if not r.case.scanned and not r.error]
    scan_s = [r.seconds / max(1, r.case.pages) for r in results if r.case.scanned and not r.error]
    scan_pages = sum(r.case.pages for r in results if r.case.scanned)
    timings = {
        "text_ms_per_page": {"median": statistics.median(text_ms) if text_ms else 0.0,
                             "p95": _quantile(text_ms, 0.95) or 0.0, "docs": len(text_ms),
                             "read_median": statistics.median(read_ms) if read_ms else 0.0},
        "scan_s_per_page": {"median": statistics.median(scan_s) if scan_s else 0.0,
                            "p95": _quantile(scan_s, 0.95) or 0.0, "docs": len(scan_s), "pages": scan_pages,
                            "wall": round(wall, 1), "overall": wall / scan_pages if scan_pages else 0.0},
        "pool_start_s": round(pool_start, 2),
    }
    for k in ("text_ms_per_page", "scan_s_per_page"):
        timings[k] = {a: (round(b, 3) if isinstance(b, float) else b) for a, b in timings[k].items()}
    return timings


def start_pool(settings: dict, options: dict, work: Path):
    """The real OcrPool("rapid", ocr_workers), its models loaded on one tiny probe page (untimed)."""
    from PIL import Image, ImageDraw

    from dossier.reading.ocr import OcrPool

    t0 = time.perf_counter()
    pool = OcrPool("rapid", settings["ocr_workers"], engine_options=options)
    pool.start()
    probe = work / "probe.png"
    img = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(img).text((10, 40), "probe 123", fill="black")
    img.save(probe)
    list(pool.imap([(str(probe), None, 0, 200)] * settings["ocr_workers"]))
    return pool, time.perf_counter() - t0


def run_factory(args, docs: int, pool, pool_start: float, settings: dict, work: Path) -> tuple[dict, list[Result]]:
    from dossier.reading.document import read_document
    from dossier.reading.understand import understand

    cases = plan(docs, args.seed, args.companies)
    _generate(cases, work, max(1, args.jobs))
    # Warm-up (imports, rule loading), untimed.
    warm = next(c for c in cases if not c.scanned)
    understand(Path(warm.path), read_document(Path(warm.path), settings["read_max_pages"], None))
    results: list[Result] = []
    text_cases = [c for c in cases if not c.scanned]
    for case in text_cases:
        results.append(run_case(case, pool, settings))
    print(f"read {len(text_cases)} text PDFs", flush=True)
    scan_cases = [c for c in cases if c.scanned]
    wall = time.perf_counter()
    for n, case in enumerate(scan_cases, 1):
        results.append(run_case(case, pool, settings))
        if n % 25 == 0 or n == len(scan_cases):
            print(f"read {n}/{len(scan_cases)} scans ({time.perf_counter() - wall:.0f} s)", flush=True)
    wall = time.perf_counter() - wall
    results.sort(key=lambda r: r.case.index)
    timings = timings_of(results, wall, pool_start)
    scan_pages = timings["scan_s_per_page"]["pages"]
    print(f"\n# Reading accuracy, factory corpus: {docs} documents (seed {args.seed}, {args.companies} companies), "
          f"{sum(not c.scanned for c in cases)} text PDFs, {sum(c.scanned for c in cases)} scans/photos "
          f"({scan_pages} pages)")
    if args.engine_option:
        print(f"RapidEngine options: {engine_options(args.engine_option)}")
    summary = report(results, args.show, timings)
    summary.update({"seed": args.seed, "companies": args.companies,
                    "engine_options": engine_options(args.engine_option)})
    failures = work / "failures.jsonl"
    with open(failures, "w", encoding="utf-8") as fh:
        for r in results:
            if not r.correct:
                fh.write(json.dumps(_failure_record(r), ensure_ascii=False) + "\n")
    return summary, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("factory", "variants", "all"), default="all",
                        help="factory (dossier_factory), variants (dossier_factory.variants: independent layouts "
                             "and clients through the pipeline) or all (default)")
    parser.add_argument("--docs", type=int, default=None, help=f"factory documents (default {DEFAULT_DOCS})")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: --docs {QUICK_DOCS}; variants: one layout per type, 3 clients")
    parser.add_argument("--clients", type=int, default=None, help="variants clients (default 12, --quick 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of companies, options and degradations")
    parser.add_argument("--companies", type=int, default=12, help="number of invented companies (default 12)")
    parser.add_argument("--show", type=int, default=40, help="worst failures listed (default 40)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes generating the files (before any OCR; default 2)")
    parser.add_argument("--workdir", help="parent folder for the run (default $TMPDIR or /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--engine-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a RapidEngine option to try instead of its default (repeatable), "
                             "e.g. --engine-option det_limit=800")
    args = parser.parse_args(argv)
    docs = args.docs or (QUICK_DOCS if args.quick else DEFAULT_DOCS)

    settings = _settings()
    base = Path(args.workdir) if args.workdir else None
    if base:
        base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dossier-accuracy-", dir=base))
    summary: dict = {"corpus": args.corpus, "factory": None, "variants": None}
    silent = 0
    pool = None
    try:
        pool, pool_start = start_pool(settings, engine_options(args.engine_option), work)
        if args.corpus in ("factory", "all"):
            summary["factory"], results = run_factory(args, docs, pool, pool_start, settings, work)
            silent += sum(r.silent for r in results)
        if args.corpus in ("variants", "all"):
            import accuracy_variants

            def release() -> None:  # the pipeline of the client part starts its own OCR workers
                nonlocal pool
                pool.close()
                pool = None

            summary["variants"] = accuracy_variants.run(args, pool, settings, work, release)
            silent += len(summary["variants"]["documents"]["silent_errors"])
    finally:
        if pool is not None:
            pool.close()
    keep = {"failures.jsonl", "variants-failures.jsonl"}
    if not args.keep:
        for entry in work.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
    kept = f" (files kept in {work})" if args.keep else ""
    print(f"\nfailing documents with their page texts: {work}/*failures.jsonl{kept}")
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 1 if silent else 0


if __name__ == "__main__":
    sys.exit(main())
