"""The variants corpus of bench/accuracy.py: layouts written independently of the extractor.

Documents: every (doc type, layout) of ``dossier_factory.variants.LAYOUTS`` as a text PDF, and every
third of them also as a scan or phone photo (``variants.degrade``: flatbed scans at 200/300 dpi or
phone photos, some turned); ``--quick``: one layout per type (in turn), every third also scanned.
Each file goes through the same path as the factory corpus (read_document + understand with the real
OcrPool) and is scored against the truth ``variants.render`` returned, with accuracy.report.

Clients: ``variants.make_clients`` (12; 3 with --quick): every client's files (a third scanned or
photographed, neutral file names) are dropped into its folder of a fresh home's inbox and ingested by
the real Pipeline (rapid OCR, 2 workers, settle 0); then ``dossier.checks.client_status`` (what
``dossier status --json`` prints) with the check date pinned to the client's application date, and
every item's status and the complete/incomplete verdict are compared with the expected ones.
"""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import accuracy as acc

QUICK_CLIENTS = 3
DEFAULT_CLIENTS = 12
OPINIONS = ("standard", "qualified", "adverse", "disclaimer", "emphasis")
PRODUCTS = ("working_capital_loan", "project_finance", "letter_of_credit", "bill_acceptance", "equipment_finance")


@dataclass
class VCase:
    """One variant document; the attributes accuracy.report reads are those of accuracy.Case."""

    index: int
    doc_type: str
    layout: str
    company_seed: int
    legacy: bool
    year: int
    kw: dict
    medium: str  # text | scan | photo
    variant: str = "text"
    dpi: int = 0
    rotation: int = 0
    skew: float = 0.0
    path: str = ""
    pages: int = 0
    truth: dict = field(default_factory=dict)

    @property
    def scanned(self) -> bool:
        return self.medium != "text"

    @property
    def name(self) -> str:
        v = "" if self.medium == "text" else f"-{self.variant}{'-r' + str(self.rotation) if self.rotation else ''}"
        return f"{self.index:03d}-{self.doc_type}/{self.layout}{v}"


def _company(case: VCase):
    from dossier_factory.variants import company_for

    return company_for(case.company_seed, "legacy" if case.legacy else "normal")


def _options(doc_type: str, i: int) -> dict:
    if doc_type == "audit_report":
        return {"opinion": OPINIONS[i % len(OPINIONS)]}
    if doc_type == "application_form":
        from datetime import date

        return {"product": PRODUCTS[i % len(PRODUCTS)], "amount": (300, 800, 1000, 1500)[i % 4] * 10_000,
                "term_months": (12, 24, 6, 36)[i % 4], "application_date": date(2026, 1 + i % 9, 3 + i % 25),
                "agent": None if i % 2 else "孙晓明"}
    if doc_type in ("trade_contract", "letter_of_credit"):
        return {"role": ("seller", "buyer")[i % 2], "other": "泉州启川包装有限公司"}
    return {}


def plan_docs(quick: bool, seed: int) -> list[VCase]:
    from dossier_factory.variants import LAYOUTS, LEGACY_ONLY

    pairs = []
    for t_index, (doc_type, layouts) in enumerate(LAYOUTS.items()):
        if quick:
            pairs.append((doc_type, layouts[(seed + t_index) % len(layouts)]))
        else:
            pairs += [(doc_type, lay) for lay in layouts]
    cases = []
    for i, (doc_type, layout) in enumerate(pairs):
        legacy = (doc_type, layout) in LEGACY_ONLY
        cases.append(VCase(len(cases), doc_type, layout, seed * 1000 + 300 + i % 6, legacy, 2022 + i % 4,
                           _options(doc_type, i), "text"))
    for i, base in enumerate(list(cases)):
        if i % 3 == 0:
            cases.append(VCase(len(cases), base.doc_type, base.layout, base.company_seed, base.legacy, base.year,
                               dict(base.kw), "photo" if (i // 3) % 3 == 2 else "scan"))
    return cases


def make_vfile(case: VCase, folder: str) -> VCase:
    """Render (and degrade) the case's file. Runs in a worker process."""
    import pypdfium2 as pdfium

    from dossier_factory.variants import degrade, degrade_params, render

    folder = Path(folder)
    src = folder / "src" / f"{case.index:03d}-{case.doc_type}-{case.layout}.pdf"
    case.truth = render(case.doc_type, case.layout, _company(case), src, year=case.year, rng_seed=case.index % 7,
                        **case.kw)
    pdf = pdfium.PdfDocument(str(src))
    case.pages = len(pdf)
    pdf.close()
    if not case.scanned:
        case.path = str(src)
        return case
    params = degrade_params(case.medium, case.index)
    case.dpi, case.rotation = params["dpi"], params["rotation"]
    out = degrade(src, folder / "files" / f"{case.index:03d}-{case.doc_type}", case.medium, case.index)
    case.path = str(out)
    case.variant = f"{case.medium}-{out.suffix[1:]}"
    return case


def _generate(func, cases: list, folder: Path, jobs: int) -> list:
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            return list(ex.map(func, cases, [str(folder)] * len(cases), chunksize=1))
    return [func(c, str(folder)) for c in cases]


def run_documents(args, pool, settings: dict, work: Path) -> tuple[dict, list]:
    cases = plan_docs(args.quick, args.seed)
    start = time.perf_counter()
    cases = _generate(make_vfile, cases, work / "variants-docs", max(1, args.jobs))
    print(f"variants: generated {len(cases)} files in {time.perf_counter() - start:.0f} s", flush=True)
    results = []
    wall = time.perf_counter()
    for n, case in enumerate(cases, 1):
        results.append(acc.run_case(case, pool, settings, expected=case.truth))
        if case.scanned and n % 10 == 0:
            print(f"variants: read {n}/{len(cases)} ({time.perf_counter() - wall:.0f} s)", flush=True)
    wall = time.perf_counter() - wall
    print(f"\n# Variants corpus, documents: {len(cases)} ({sum(not c.scanned for c in cases)} text PDFs, "
          f"{sum(c.scanned for c in cases)} scans/photos) over {len({(c.doc_type, c.layout) for c in cases})} layouts")
    summary = acc.report(results, args.show, acc.timings_of(results, wall, 0.0))
    summary["per_layout"] = _per_layout(results)
    return summary, results


def _per_layout(results) -> dict:
    print("\n## Per layout (text PDFs: documents with every field exact; failing layouts only)")
    out = {}
    for r in results:
        key = f"{r.case.doc_type}/{r.case.layout}"
        ok, n = out.get(key, (0, 0))
        out[key] = (ok + r.correct, n + 1)
    for key, (ok, n) in sorted(out.items()):
        if ok < n:
            fields = sorted({k for r in results if f"{r.case.doc_type}/{r.case.layout}" == key for k in
                             (r.wrong_fields if r.type_ok else ["doc_type"])})
            print(f"  {key:52} {ok}/{n}  wrong: {', '.join(fields)}")
    return {k: {"exact": ok, "docs": n} for k, (ok, n) in out.items()}


# ---------------------------------------------------------------------------
# clients through the real pipeline
# ---------------------------------------------------------------------------

def _neutral_name(n: int, medium: str, suffix: str) -> str:
    if medium == "photo":
        return f"IMG_20260{3 + n % 6}1{n % 9}_09{n:02d}{(n * 7) % 60:02d}{suffix}"
    if medium == "scan":
        return f"扫描件({n}){suffix}"
    return f"文件{n:02d}{suffix}"


def make_client_files(job: tuple, folder: str) -> list[str]:
    """Render one client's drop into ``folder``/inbox/<client>/. Runs in a worker process."""
    from dossier_factory.variants import degrade, make_clients, render

    index, n_clients, seed = job
    client = make_clients(n_clients, seed)[index]
    base = Path(folder)
    out = []
    for n, d in enumerate(client.docs, 1):
        src = base / "src" / client.folder / f"{n:02d}-{d.doc_type}-{d.layout}.pdf"
        render(d.doc_type, d.layout, d.company, src, year=d.year, rng_seed=n, **d.options)
        drop = base / "inbox" / client.folder
        drop.mkdir(parents=True, exist_ok=True)
        if d.medium == "text":
            target = drop / _neutral_name(n, "text", ".pdf")
            shutil.copyfile(src, target)
        else:
            made = degrade(src, base / "deg" / client.folder / f"{n:02d}", d.medium, seed * 10_000 + index * 100 + n)
            target = drop / _neutral_name(n, d.medium, made.suffix)
            shutil.copyfile(made, target)
        out.append(str(target))
    return out


def run_clients(args, work: Path) -> dict:
    from dossier import config as config_mod
    from dossier.archive import Archive
    from dossier.checks import client_status
    from dossier.pipeline import Pipeline, init_home
    from dossier_factory.variants import make_clients

    n = args.clients or (QUICK_CLIENTS if args.quick else DEFAULT_CLIENTS)
    clients = make_clients(n, args.seed)
    home = work / "variants-home"
    cfg = config_mod.load(home, env={}, overrides={"settle_seconds": 0, "stale_seconds": 0})
    init_home(cfg)
    start = time.perf_counter()
    staging = work / "variants-clients"
    _generate(make_client_files, [(i, n, args.seed) for i in range(n)], staging, max(1, args.jobs))
    for c in clients:
        shutil.copytree(staging / "inbox" / c.folder, cfg.inbox / c.folder)
    docs = sum(len(c.docs) for c in clients)
    scanned = sum(d.scanned for c in clients for d in c.docs)
    print(f"variants: {n} clients, {docs} files ({scanned} scans/photos) generated in "
          f"{time.perf_counter() - start:.0f} s; ingesting through the pipeline ...", flush=True)
    start = time.perf_counter()
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        outcomes = pipe.ingest(wait=False)
    finally:
        pipe.close()
    ingest_s = time.perf_counter() - start
    by_folder: dict[str, str] = {}
    for o in outcomes:
        if o.client and o.outcome in ("archived", "duplicate"):
            by_folder.setdefault(o.source.split("/", 1)[0], o.client)
    archive = Archive(cfg)
    items_ok = items_n = verdicts_ok = 0
    mismatches, per_client = [], {}
    confusion: dict[str, int] = {}
    print(f"\n# Variants corpus, clients: {n} clients, {docs} files, ingested in {ingest_s:.0f} s "
          f"({dict(_count(o.outcome for o in outcomes))})")
    print(f"{'client':14} {'scenario':22} {'items right':>12} {'expected':>10} {'got':>10}")
    for c in clients:
        cid = by_folder.get(c.folder)
        got_items, got_complete, case_diff = {}, None, {}
        if cid is not None:
            status = client_status(archive.snapshot(cid), c.as_of)
            got_items = {i["item"]: i for i in status["items"]}
            got_complete = status["complete"]
            want_case = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in c.case.items()
                         if k != "amount"}
            case_diff = {k: (v, status["case"].get(k)) for k, v in want_case.items() if status["case"].get(k) != v}
        right = 0
        for item, want in c.expected.items():
            got = got_items.get(item, {}).get("status", "(no dossier)")
            items_n += 1
            if got == want:
                right += 1
            else:
                confusion[f"{want}->{got}"] = confusion.get(f"{want}->{got}", 0) + 1
                mismatches.append({"client": c.folder, "scenario": _scenario(c), "item": item, "expected": want,
                                   "got": got, "problems": list(got_items.get(item, {}).get("problems", []))})
        items_ok += right
        verdicts_ok += got_complete == c.complete
        want_v = "complete" if c.complete else "incomplete"
        got_v = {True: "complete", False: "incomplete", None: "(none)"}[got_complete]
        print(f"{c.folder:14} {_scenario(c):22} {right:>5}/{len(c.expected):<6} {want_v:>10} {got_v:>10}"
              + ("   case read as: " + ", ".join(f"{k} {w!r}->{g!r}" for k, (w, g) in case_diff.items())
                 if case_diff else ""))
        per_client[c.folder] = {"scenario": _scenario(c), "items_right": right, "items": len(c.expected),
                                "expected": want_v, "got": got_v, "case_wrong": case_diff}
    print(f"\nitem statuses right: {acc._pct(items_ok, items_n)}; verdicts right: {verdicts_ok}/{n}")
    print("wrong statuses (expected->got): " + ", ".join(f"{k} {v}" for k, v in
                                                          sorted(confusion.items(), key=lambda t: -t[1])))
    print(f"\n## Status mismatches ({len(mismatches)})")
    for m in mismatches:
        problems = "；".join(m["problems"])[:220]
        print(f"  {m['client']:12} {m['item']:32} expected {m['expected']:12} got {m['got']:12} {problems}")
    return {"clients": n, "files": docs, "scanned_files": scanned, "ingest_seconds": round(ingest_s, 1),
            "items_right": items_ok, "items": items_n, "items_rate": acc._rate(items_ok, items_n),
            "verdicts_right": verdicts_ok, "confusion": confusion, "per_client": per_client, "mismatches": mismatches}


def _count(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def _scenario(client) -> str:
    return "+".join(client.defects) or ("complete" if client.complete else "?")


def run(args, pool, settings: dict, work: Path, release=None) -> dict:
    """Both parts of the variants corpus; returns the figures (the caller prints the JSON line).
    ``release()`` stops ``pool`` before the pipeline starts its own OCR workers."""
    docs, results = run_documents(args, pool, settings, work)
    if release is not None:
        release()
    failures = work / "variants-failures.jsonl"
    with open(failures, "w", encoding="utf-8") as fh:
        for r in results:
            if not r.correct:
                rec = acc._failure_record(r)
                rec["layout"] = r.case.layout
                fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    print(f"variants: failing documents with their page texts: {failures}")
    return {"documents": docs, "clients": run_clients(args, work)}
