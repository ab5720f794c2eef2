"""Bounded parsing (issue 11, Done means): a compression-bomb PDF and a normal PDF in one drop.

    python bench/bounded.py [--inflated-mb N] [--read-seconds S] [--memory-mb M] [--workdir DIR] [--keep]

Three runs of `dossier ingest --json` (a child process, as a clerk's service would run), each in a
fresh home with the default settings but those given:
- baseline: one client folder holding a normal PDF (a business licence);
- bomb: the same folder plus a PDF of about 1.5 MB whose content stream inflates to N MiB of zeros
  (default 1500);
- unbounded (skipped with --no-unbounded, or when the machine has under 4 GB available): the bomb's
  text layer read in a plain child process without limits, as the watcher did before (the cost the
  sandbox prevents).
For each run: wall time, outcomes, and the peak RSS of every process of the run: the ingest process
and its workers, sampled from /proc (VmHWM) every 20 ms, and the largest reaped descendant
(getrusage RUSAGE_CHILDREN). Timings are noisy on shared machines: the bomb run is printed as a ratio
to the baseline of the same run, the quarantine time against read_seconds, and every peak against
read_memory_mb. Nothing asserts. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc/PID/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return out


def _hwm(pid: int) -> tuple[str, int]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "", 0
    name = next((line.split()[1] for line in status.splitlines() if line.startswith("Name:")), "")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return name, int(line.split()[1]) * 1024
    return name, 0


class Sampler(threading.Thread):
    """Peak RSS of every process of a tree, by pid, until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.names = pid, {}, {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for p in _tree(self.pid):
                name, rss = _hwm(p)
                if rss:
                    self.peaks[p] = max(self.peaks.get(p, 0), rss)
                    self.names[p] = name
            self.done.wait(0.02)


def _run(cmd: list[str], env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": round(elapsed, 2), "exit": proc.returncode, "stdout": out, "stderr": err[-2000:],
            "peak_rss_sampled": max(sampler.peaks.values(), default=0),
            "processes": len(sampler.peaks),
            # the largest descendant reaped so far in this bench (None: not larger than an earlier run's)
            "peak_rss_reaped": reaped if reaped > before else None}


def _home(base: Path, name: str, bomb_mb: int | None) -> Path:
    import dossier_factory as samples
    from dossier_factory import bombs

    home = base / name
    subprocess.run([sys.executable, "-m", "dossier", "--home", str(home), "init"], check=True, capture_output=True)
    folder = home / "inbox" / "恒远机械"
    samples.business_licence_pdf(samples.make_company(7, short="恒远机械"), folder / "营业执照.pdf")
    if bomb_mb:
        bombs.compression_bomb_pdf(folder / "年度报告.pdf", inflated_mb=bomb_mb)
    return home


def _ingest(home: Path, env: dict) -> dict:
    got = _run([sys.executable, "-m", "dossier", "--home", str(home), "ingest", "--json"], env)
    got["outcomes"] = [json.loads(line) for line in got.pop("stdout").splitlines() if line.startswith("{")]
    return got


def _unbounded(path: Path) -> dict:
    code = ("import sys; from dossier.reading.pdf import read_text_layer; "
            "read_text_layer(sys.argv[1], 500)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    got = _run([sys.executable, "-c", code, str(path)], env)
    got.pop("stdout")
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--inflated-mb", type=int, default=1500)
    ap.add_argument("--read-seconds", type=float, default=120.0)
    ap.add_argument("--memory-mb", type=int, default=2048)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-unbounded", action="store_true")
    args = ap.parse_args()
    base = args.workdir or Path(tempfile.mkdtemp(prefix="dossier-bounded-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DOSSIER_SETTLE_SECONDS": "0",
           "DOSSIER_STALE_SECONDS": "0", "DOSSIER_OCR_ENGINE": "none",
           "DOSSIER_READ_SECONDS": str(args.read_seconds), "DOSSIER_READ_MEMORY_MB": str(args.memory_mb)}
    limit = args.memory_mb << 20
    try:
        baseline = _ingest(_home(base, "baseline", None), env)
        bomb_home = _home(base, "bomb", args.inflated_mb)
        bomb_size = (bomb_home / "inbox" / "恒远机械" / "年度报告.pdf").stat().st_size
        bombed = _ingest(bomb_home, env)
        available = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                             if line.startswith("MemAvailable:"))) * 1024
        unbounded = None
        if not args.no_unbounded and available > 4 << 30:
            spare = base / "bomb-unbounded.pdf"
            from dossier_factory import bombs

            bombs.compression_bomb_pdf(spare, inflated_mb=args.inflated_mb)
            unbounded = _unbounded(spare)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    by = {o["source"]: o for o in bombed["outcomes"]}
    normal, bomb = by.get("恒远机械/营业执照.pdf", {}), by.get("恒远机械/年度报告.pdf", {})
    mb = 1 << 20
    print(f"bomb: {bomb_size / mb:.1f} MB on disk, inflates to {args.inflated_mb} MB; limits read_seconds="
          f"{args.read_seconds:g} read_memory_mb={args.memory_mb}")
    print(f"baseline (normal PDF alone): {baseline['seconds']:.2f} s, peak RSS {baseline['peak_rss_sampled'] / mb:.0f} MB "
          f"over {baseline['processes']} processes")
    print(f"bomb + normal PDF: {bombed['seconds']:.2f} s ({bombed['seconds'] / baseline['seconds']:.2f}x baseline); "
          f"normal: {normal.get('outcome')}; bomb: {bomb.get('outcome')}")
    print(f"  bomb quarantined within {bombed['seconds'] / args.read_seconds:.1%} of read_seconds "
          f"(the whole ingest, start-up included); reason: {bomb.get('reason', '')[:60]}...")
    peak = max(bombed["peak_rss_sampled"], bombed["peak_rss_reaped"] or 0)
    print(f"  peak RSS of any process of the run: {peak / mb:.0f} MB = {peak / limit:.1%} of read_memory_mb "
          f"(sampled {bombed['peak_rss_sampled'] / mb:.0f} MB over {bombed['processes']} processes, "
          f"largest reaped descendant {(bombed['peak_rss_reaped'] or 0) / mb:.0f} MB)")
    if unbounded:
        upeak = max(unbounded["peak_rss_sampled"], unbounded["peak_rss_reaped"] or 0)
        print(f"unbounded text layer of the bomb (the watcher before): {unbounded['seconds']:.2f} s, peak RSS "
              f"{upeak / mb:.0f} MB = {upeak / limit:.1%} of read_memory_mb; bounded/unbounded peak "
              f"{peak / max(upeak, 1):.2f}x")
    print(json.dumps({"inflated_mb": args.inflated_mb, "bomb_bytes": bomb_size, "read_seconds": args.read_seconds,
                      "read_memory_mb": args.memory_mb, "baseline": baseline, "bomb": bombed,
                      "unbounded": unbounded}, ensure_ascii=False))


if __name__ == "__main__":
    main()
