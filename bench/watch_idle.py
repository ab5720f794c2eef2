"""CPU of `dossier watch` while a half-copied PDF waits in the inbox, beside the same watcher idle.

    python bench/watch_idle.py [--seconds S] [--workdir DIR] [--keep]

Two fresh homes, watched one after the other by `dossier watch` in a child process with the default
settings (a PDF without `%%EOF` waits `stale_seconds`, 600 s, before it is quarantined):
- baseline: an empty inbox with one client folder;
- pending: the same, plus a PDF copied half-way (its first half, no `%%EOF`) in the client folder.
After a warm-up, the child's CPU time (user + system, from /proc/PID/stat) is read over S seconds
(default 30). The target (issue 10): the pending watcher's CPU stays under 5% of one core. Timings are
noisy on shared machines, so the ratio to the idle watcher of the same run is printed as well; nothing
asserts. The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def _home(base: Path, pending: bool) -> Path:
    import dossier_factory as samples

    home = base / ("pending" if pending else "idle")
    subprocess.run([sys.executable, "-m", "dossier", "--home", str(home), "init"], check=True,
                   capture_output=True)
    folder = home / "inbox" / "恒远机械"
    folder.mkdir(parents=True, exist_ok=True)
    if pending:
        full = base / "full.pdf"
        samples.balance_sheet_pdf(samples.make_company(7, short="恒远机械"), 2025, full)
        data = full.read_bytes()
        (folder / "资产负债表2025.pdf").write_bytes(data[: len(data) // 2])  # copied half-way
    return home


def _measure(home: Path, seconds: float, warmup: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DOSSIER_OCR_ENGINE": "none"}
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "--home", str(home), "watch"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(warmup)
        if proc.poll() is not None:
            raise SystemExit(f"watch exited early ({proc.returncode})")
        c0, t0 = _cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = _cpu_seconds(proc.pid), time.monotonic()
        return {"cpu_s": round(c1 - c0, 3), "wall_s": round(t1 - t0, 2), "cpu_pct": round(100 * (c1 - c0) / (t1 - t0), 2)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=8.0)
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    base = Path(args.workdir or tempfile.mkdtemp(prefix="dossier-watch-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        idle = _measure(_home(base, False), args.seconds, args.warmup)
        print(f"idle watcher:                  {idle['cpu_pct']:6.2f}% CPU over {idle['wall_s']} s")
        pending_home = _home(base, True)
        pending = _measure(pending_home, args.seconds, args.warmup)
        left = sorted(p.name for p in (pending_home / "inbox" / "恒远机械").iterdir())
        print(f"half-copied PDF waiting:       {pending['cpu_pct']:6.2f}% CPU over {pending['wall_s']} s "
              f"(target < 5%); still in the folder: {', '.join(left)}")
        ratio = pending["cpu_s"] / idle["cpu_s"] if idle["cpu_s"] else None
        print(f"ratio pending/idle:            {ratio:.2f}" if ratio is not None else "ratio: idle used no CPU")
        print(json.dumps({"idle": idle, "pending": pending, "ratio": ratio, "target_pct": 5.0,
                          "met": pending["cpu_pct"] < 5.0, "inbox_after": left}, ensure_ascii=False))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
