"""Time of `dossier pull` (BagIt folder and zip) beside `sha512sum` + `cp -r` of the same object, same run.

    python bench/pull.py [--docs N] [--large-mb M --large-count K] [--repeat R] [--workdir DIR] [--keep]

Builds one client dossier of N small PDFs (dossier_factory.make_bulk_pdfs; plus K PDFs of M MiB if
asked), ingested through the Pipeline with settle_seconds=0: N documents give 2N+1 logical files
(documents/, extracted/, dossier.json). Then, R times each, median reported:
  - dossier: export.pull to a new folder, and to a new .zip (verifying every byte, fsyncing, logging);
  - baseline: sha512sum of every file of the object's content (batches of 200), then
    `cp -r --preserve=mode` of the object folder; the "+ sync" row adds one `sync -f` of the copy,
    as dossier fsyncs what it writes and cp does not.
An untimed sync() precedes every timed section; caches are warm on both sides. Nothing here
asserts timings. The last line is one JSON object. Exit code 1 if a bag's manifest differs from
sha512sum of the stored bytes or bagit-python (when installed) rejects a bag.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MIB = 1 << 20
SHA_BATCH = 200
CLIENT = "基准调阅客户"


def log(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def build(work: Path, docs: int, large_mb: float, large_count: int):
    from dossier import config as config_mod
    import dossier_factory as samples
    from dossier.archive import Archive
    from dossier.pipeline import Pipeline, init_home

    cfg = config_mod.load(work / "home", env={}, overrides={"settle_seconds": 0, "stale_seconds": 0})
    init_home(cfg)
    folder = cfg.inbox / CLIENT
    samples.make_bulk_pdfs(folder, docs, seed=7)
    for i in range(large_count):
        samples.big_pdf(folder / f"大文件{i + 1}.pdf", large_mb, seed=300 + i)
    t0 = time.perf_counter()
    pipe = Pipeline(cfg)
    try:
        pipe.start()
        outcomes = pipe.ingest(wait=False)
    finally:
        pipe.close()
    archived = sum(o.outcome == "archived" for o in outcomes)
    log(f"ingested {archived}/{len(outcomes)} documents in {time.perf_counter() - t0:.1f} s")
    if archived != docs + large_count:
        raise SystemExit(f"only {archived} of {docs + large_count} documents were archived: "
                         f"{[o.reason for o in outcomes if o.outcome != 'archived'][:3]}")
    return cfg, Archive(cfg)


class FsyncTimer:
    """Wall time spent in os.fsync while installed (dossier's durability cost)."""

    def __init__(self):
        self.seconds, self.calls, self._orig = 0.0, 0, None

    def __enter__(self):
        self._orig = os.fsync

        def timed(fd):
            start = time.perf_counter()
            try:
                return self._orig(fd)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        os.fsync = timed
        return self

    def __exit__(self, *exc):
        os.fsync = self._orig


def dossier_pull(archive, out: Path) -> dict:
    from dossier.outputs.bag import pull

    os.sync()
    with FsyncTimer() as fs:
        start = time.perf_counter()
        result = pull(archive, CLIENT, out, user="bench")
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "fsync_seconds": fs.seconds, "fsync_calls": fs.calls,
            "files": result.files, "bytes": result.bytes}


def baseline(obj: Path, target: Path) -> dict:
    files = sorted(str(p) for p in obj.rglob("*") if p.is_file() and "/content/" in str(p))
    os.sync()
    start = time.perf_counter()
    sums = {}
    for i in range(0, len(files), SHA_BATCH):
        out = subprocess.run(["sha512sum", "--", *files[i:i + SHA_BATCH]],
                             check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            digest, name = line.split(None, 1)
            sums[str(Path(name.lstrip("*")).relative_to(obj))] = digest
    hashed = time.perf_counter()
    subprocess.run(["cp", "-r", "--preserve=mode", str(obj), str(target)], check=True)
    copied = time.perf_counter()
    subprocess.run(["sync", "--file-system", str(target)], check=True)
    synced = time.perf_counter()
    return {"seconds": copied - start, "hash_seconds": hashed - start, "cp_seconds": copied - hashed,
            "sync_seconds": synced - copied, "sha512": sums}


def check_bag(bag_dir: Path, reader, sums: dict) -> list[str]:
    """Manifest digests = sha512sum of the stored content; bagit-python validates (if installed)."""
    problems = []
    manifest = {}
    for line in (bag_dir / "manifest-sha512.txt").read_text("utf-8").splitlines():
        digest, rel = line.split(" ", 1)
        manifest[rel[len("data/"):]] = digest
    state = reader.state()
    if set(manifest) != set(state):
        problems.append(f"{bag_dir.name}: manifest paths differ from the archive state")
    for logical, digest in state.items():
        content = reader.inventory["manifest"][digest][0]
        if manifest.get(logical) != sums.get(content):
            problems.append(f"{bag_dir.name}: {logical} digest differs from sha512sum of {content}")
    try:
        import bagit
    except ImportError:
        return problems
    try:
        bagit.Bag(str(bag_dir)).validate()
    except bagit.BagError as exc:
        problems.append(f"{bag_dir.name}: bagit-python: {exc}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--large-mb", type=float, default=0.0)
    parser.add_argument("--large-count", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    import logging

    logging.getLogger("bagit").setLevel(logging.WARNING)

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-pull-", dir=args.workdir))
    try:
        cfg, archive = build(work, args.docs, args.large_mb, args.large_count if args.large_mb else 0)
        obj = archive.object_path(CLIENT)
        reader = archive.store.reader(CLIENT)
        runs = {"folder": [], "zip": [], "baseline": []}
        problems: list[str] = []
        for r in range(args.repeat):
            folder = work / "out" / f"bag-{r}"
            runs["folder"].append(dossier_pull(archive, folder))
            zip_path = work / "out" / f"bag-{r}.zip"
            runs["zip"].append(dossier_pull(archive, zip_path))
            copy = work / "out" / f"cp-{r}"
            runs["baseline"].append(baseline(obj, copy))
            log(f"run {r + 1}/{args.repeat}: folder {runs['folder'][-1]['seconds']:.3f} s, "
                f"zip {runs['zip'][-1]['seconds']:.3f} s, sha512sum+cp {runs['baseline'][-1]['seconds']:.3f} s")
            if r == 0:
                sums = runs["baseline"][-1]["sha512"]
                problems += check_bag(folder, reader, sums)
                with zipfile.ZipFile(zip_path) as zf:
                    zf.extractall(work / "unzipped")
                problems += check_bag(work / "unzipped" / zip_path.stem, reader, sums)
            if not args.keep:
                for p in (folder, zip_path, copy):
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
        files, size = runs["folder"][0]["files"], runs["folder"][0]["bytes"]
        stored = sum(p.stat().st_size for p in obj.rglob("*") if p.is_file() and "/content/" in str(p))

        def med(kind, key="seconds"):
            return statistics.median(r[key] for r in runs[kind])

        base = med("baseline")
        base_sync = statistics.median(r["seconds"] + r["sync_seconds"] for r in runs["baseline"])
        result = {
            "bench": "pull", "documents": args.docs + (args.large_count if args.large_mb else 0),
            "payload_files": files, "payload_bytes": size, "stored_bytes": stored, "repeat": args.repeat,
            "folder_s": round(med("folder"), 4), "folder_fsync_s": round(med("folder", "fsync_seconds"), 4),
            "zip_s": round(med("zip"), 4), "zip_fsync_s": round(med("zip", "fsync_seconds"), 4),
            "baseline_s": round(base, 4), "baseline_hash_s": round(med("baseline", "hash_seconds"), 4),
            "baseline_cp_s": round(med("baseline", "cp_seconds"), 4), "baseline_plus_sync_s": round(base_sync, 4),
            "folder_vs_baseline": round(med("folder") / base, 2), "zip_vs_baseline": round(med("zip") / base, 2),
            "folder_vs_synced_baseline": round(med("folder") / base_sync, 2),
            "zip_vs_synced_baseline": round(med("zip") / base_sync, 2),
            "runs": {k: [round(r["seconds"], 4) for r in v] for k, v in runs.items()},
            "problems": problems, "ok": not problems,
        }
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")

    print()
    print(f"dossier pull vs sha512sum + cp -r (same object, same run; median of {args.repeat})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {result['documents']} documents = "
          f"{files} logical files, {size / MIB:.2f} MiB payload ({stored / MIB:.2f} MiB stored)")
    mib = size / MIB
    rows = [("", "seconds", "files/s", "MiB/s", "vs baseline", "of which fsync")]
    for label, secs, fsync in (("dossier pull -> folder", result["folder_s"], result["folder_fsync_s"]),
                               ("dossier pull -> zip", result["zip_s"], result["zip_fsync_s"])):
        rows.append((label, f"{secs:.3f}", f"{files / secs:.0f}", f"{mib / secs:.1f}", f"{secs / base:.2f}x",
                     f"{fsync:.3f}"))
    rows.append(("sha512sum + cp -r", f"{base:.3f}", f"{files / base:.0f}", f"{mib / base:.1f}", "1.00x", "-"))
    rows.append(("sha512sum + cp -r + sync -f", f"{base_sync:.3f}", f"{files / base_sync:.0f}",
                 f"{mib / base_sync:.1f}", f"{base_sync / base:.2f}x", "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    for p in problems:
        print(f"PROBLEM: {p}")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
