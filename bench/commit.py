"""Cost of one commit against the size of the dossier: 3 new files into a dossier of 2,000 and into one of 3.

    python bench/commit.py [--docs N] [--small S] [--new K] [--repeat R] [--workdir DIR] [--keep] [--profile]

Two dossiers are built once, untimed, by ingesting ``dossier_factory.make_bulk_pdfs`` into one client
folder: a big one (N documents, default 2,000) and a small one (S documents, default 3). Then, R times
(median), each home is copied afresh, the same K new files (default 3) are dropped into the client's
inbox folder, and one ingestion is timed as ``bench/ingest.py`` times it: ``Pipeline()``, ``start()``,
``ingest(wait=False)``, ``close()`` (``settle_seconds=0``, no OCR; ``ingest()`` alone is printed too). The figure that matters is the ratio big / small, measured in the
same run: the cost of a commit should grow with the batch, not with the dossier.

Nothing here asserts on timings (the machine is shared and noisy). The exit code is 1 only if a new
file was not archived. The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

FOLDER = "基准大客户"


def log(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def _config(home: Path):
    from dossier import config as config_mod

    return config_mod.load(home, env={}, overrides={"settle_seconds": 0, "stale_seconds": 0, "ocr_engine": "none"})


def build_home(home: Path, docs: int, seed: int, companies=None) -> dict:
    """A home whose one client holds ``docs`` documents (one ingest, untimed)."""
    import dossier_factory as samples
    from dossier.pipeline import Pipeline, init_home

    cfg = _config(home)
    init_home(cfg)
    samples.make_bulk_pdfs(cfg.inbox / FOLDER, docs, seed=seed, companies=companies)
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        outcomes = pipe.ingest(wait=False)
    finally:
        pipe.close()
    return dict(Counter(o.outcome for o in outcomes))


class Stages:
    """Inclusive wall-clock times of a few pipeline steps (thin wrappers installed by this script only)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> "Stages":
        from dossier import pipeline
        from dossier.archive import Archive, ocfl
        from dossier.catalog import Catalog

        for owner, attr, label in (
            (pipeline.Pipeline, "start", "start (recover, catalog check)"),
            (pipeline.Pipeline, "_read", "read stage"),
            (Archive, "store_batch", "archive commit (store_batch)"),
            (pipeline, "version_reports", "  of which the reports"),
            (ocfl.VersionBuilder, "commit", "  of which the OCFL version commit"),
            (pipeline.Pipeline, "_receipt", "receipt"),
            (Catalog, "update", "catalog update"),
        ):
            original = getattr(owner, attr)

            def timed(*args, _original=original, _label=label, **kwargs):
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.seconds[_label] = self.seconds.get(_label, 0.0) + time.perf_counter() - start

            setattr(owner, attr, timed)
            self._undo.append((owner, attr, original))
            self.seconds.setdefault(label, 0.0)
        return self

    def uninstall(self) -> None:
        for owner, attr, original in reversed(self._undo):
            setattr(owner, attr, original)
        self._undo.clear()


def own_company(home: Path):
    """The invented company whose credit code the client of ``home`` carries."""
    import dossier_factory as samples
    from dossier.archive import Archive

    archive = Archive(_config(home))
    code = archive.meta(archive.client_ids()[0]).get("credit_code")
    for k in range(20):
        company = samples.make_company(1000 + k)
        if company.credit_code == code or code is None:  # no code bound: any of its companies will do
            return company
    raise SystemExit(f"bench/commit.py: no invented company carries the client's credit code {code}")


def ingest_new(base: Path, home: Path, new_files: list[Path], profile: cProfile.Profile | None = None) -> dict:
    """Copy ``base`` to ``home``, drop ``new_files`` into the client folder, time one ingest."""
    from dossier.pipeline import Pipeline

    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(base, home, symlinks=True)
    cfg = _config(home)
    folder = cfg.inbox / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for f in new_files:
        shutil.copy2(f, folder / f.name)
    os.sync()  # untimed: the copies are written back before the clock starts
    stages = Stages().install()
    if profile:
        profile.enable()
    start = time.perf_counter()
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        t_ingest = time.perf_counter()
        outcomes = pipe.ingest(wait=False)
        ingest_only = time.perf_counter() - t_ingest
    finally:
        pipe.close()
    seconds = time.perf_counter() - start
    if profile:
        profile.disable()
    stages.uninstall()
    from dossier.archive import Archive

    archive = Archive(cfg)
    documents = len(archive.snapshot(archive.client_ids()[0]).documents)
    return {"seconds": seconds, "ingest_seconds": ingest_only, "stages": stages.seconds,
            "outcomes": dict(Counter(o.outcome for o in outcomes)), "documents": documents,
            "problems": [f"{o.source}: {o.outcome} {o.reason}" for o in outcomes if o.outcome != "archived"][:5]}


def _top_lines(prof: cProfile.Profile, n: int) -> list[str]:
    stats = pstats.Stats(prof).strip_dirs()
    rows = []
    for func, (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        filename, line, name = func
        rows.append((cumtime, tottime, ncalls, f"{filename}:{line}({name})"))
    rows.sort(reverse=True)
    return [f"{cum:8.3f} s cum {tot:8.3f} s own {calls:>9} calls  {where}" for cum, tot, calls, where in rows[:n]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents in the big dossier")
    parser.add_argument("--small", type=int, default=3, help="documents in the small dossier")
    parser.add_argument("--new", type=int, default=3, help="new files ingested into each")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats (median)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the workdir")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one big-dossier commit")
    args = parser.parse_args(argv)

    import pdfplumber  # noqa: F401  (imported once, before any timing)
    import pypdf  # noqa: F401

    import dossier_factory as samples

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-commit-", dir=args.workdir))
    try:
        t0 = time.perf_counter()
        big_counts = build_home(work / "base-big", args.docs, seed=1)
        log(f"big dossier: {args.docs} files ingested in {time.perf_counter() - t0:.1f} s {big_counts}")
        # the client's own documents (another company's would be set aside by identity routing)
        own = own_company(work / "base-big")
        small_counts = build_home(work / "base-small", args.small, seed=1, companies=[own])
        log(f"small dossier: {args.small} files {small_counts}")
        new_files = samples.make_bulk_pdfs(work / "new", args.new, seed=9001, companies=[own], start=args.docs)

        runs: dict[str, list[dict]] = {"big": [], "small": []}
        for r in range(args.repeat):
            for key in ("small", "big"):  # alternate, so drift on the shared machine hits both alike
                run = ingest_new(work / f"base-{key}", work / f"home-{key}", new_files)
                runs[key].append(run)
                log(f"run {r + 1}/{args.repeat} {key}: {run['seconds']:.3f} s, {run['documents']} documents, "
                    f"{run['outcomes']}")
        profile_top = []
        if args.profile:
            prof = cProfile.Profile()
            ingest_new(work / "base-big", work / "home-profile", new_files, prof)
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("cumulative").print_stats(40)
            print(buf.getvalue())
            profile_top = _top_lines(prof, 15)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    big = statistics.median(r["seconds"] for r in runs["big"])
    small = statistics.median(r["seconds"] for r in runs["small"])
    big_ingest = statistics.median(r["ingest_seconds"] for r in runs["big"])
    small_ingest = statistics.median(r["ingest_seconds"] for r in runs["small"])
    all_archived = all(r["outcomes"] == {"archived": args.new} for rs in runs.values() for r in rs)
    result = {
        "bench": "commit", "new_files": args.new, "repeat": args.repeat,
        "big_documents": runs["big"][-1]["documents"], "small_documents": runs["small"][-1]["documents"],
        "big_s": round(big, 4), "small_s": round(small, 4), "ratio": round(big / small, 2),
        "big_ingest_only_s": round(big_ingest, 4), "small_ingest_only_s": round(small_ingest, 4),
        "ratio_ingest_only": round(big_ingest / small_ingest, 2),
        "big_runs_s": [round(r["seconds"], 4) for r in runs["big"]],
        "small_runs_s": [round(r["seconds"], 4) for r in runs["small"]],
        "all_archived": all_archived,
        "problems": [p for rs in runs.values() for r in rs for p in r["problems"]][:5],
        "profile_top": profile_top,
    }
    stage_rows = {label: (statistics.median(r["stages"][label] for r in runs["big"]),
                          statistics.median(r["stages"][label] for r in runs["small"])) for label in runs["big"][0]["stages"]}
    result["stages_s"] = {label: {"big": round(b, 4), "small": round(sm, 4)} for label, (b, sm) in stage_rows.items()}
    print(f"{'step (median s)':<36} {'big':>8} {'small':>8}")
    for label, (b, sm) in stage_rows.items():
        print(f"{label:<36} {b:8.3f} {sm:8.3f}")
    print(f"{args.new} new files into a dossier of {result['big_documents']:>5} documents: {big:.3f} s (median of "
          f"{args.repeat})")
    print(f"{args.new} new files into a dossier of {result['small_documents']:>5} documents: {small:.3f} s")
    print(f"ratio big / small: {result['ratio']:.2f}x (goal <= 1.5)")
    print(f"  Pipeline.ingest() alone (without Pipeline(), start(), close()): {big_ingest:.3f} s / "
          f"{small_ingest:.3f} s = {result['ratio_ingest_only']:.2f}x")
    if not all_archived:
        print("NOT ALL ARCHIVED: " + "; ".join(result["problems"]))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if all_archived else 1


if __name__ == "__main__":
    sys.exit(main())
