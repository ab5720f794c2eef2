"""A job the watcher runs in the background every so often, keeping its rhythm across restarts by the
modification time of the log the job appends to (the fixity check, the daily watch of clients)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs ``job`` in a daemon thread when ``period`` seconds have passed since ``log_path`` was last
    written (never, when it does not exist); one run at a time; ``period <= 0`` turns it off."""

    def __init__(self, name: str, period: float, log_path: Path, job: Callable[[], object]):
        self.name, self.period, self.log_path, self.job = name, period, log_path, job
        self.thread: threading.Thread | None = None

    def last_run(self) -> float:
        """When the job last ended (its log's mtime), so restarts keep the schedule."""
        try:
            return self.log_path.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    def tick(self) -> None:
        if self.period <= 0 or (self.thread is not None and self.thread.is_alive()):
            return
        if time.time() >= self.last_run() + self.period:
            self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            self.job()
        except Exception:
            log.exception("scheduled job %s failed", self.name)
