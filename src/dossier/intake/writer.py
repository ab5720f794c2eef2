"""One writer per home (design section 1): the process that ingests (``watch`` or ``ingest``) holds a
home-wide lock for as long as it runs; only its holder recovers what a crashed run left. Readers never
take it and never recover anything.

An ``flock`` on ``<state>/locks/writer.lock``: released by the kernel when the process dies, so a
crash never leaves a stale lock. The holder's pid is written into the file for the message.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from dossier.errors import WriterBusy

PROBE_GRACE = 0.5  # seconds a non-waiting acquire keeps trying


class WriterLock:
    def __init__(self, lock_dir: Path):
        self.path = Path(lock_dir) / "writer.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: bool = False, timeout: float | None = None) -> None:
        """Take the lock; ``WriterBusy`` (exit code 2) when another process holds it, unless ``wait``
        (then block, at most ``timeout`` seconds when given)."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
        # Without ``wait``, still try for a moment: a reader's ``busy()`` probe holds the lock shared for
        # an instant, and must never make a starting ingester give up.
        if not wait:
            timeout = PROBE_GRACE
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        pid = self._pid(fd)
                        raise WriterBusy(
                            f"另一个收件进程{f'（PID {pid}）' if pid else ''}正在处理本主目录的收件箱"
                            "（`dossier watch` 服务或另一个 `dossier ingest`）。同一主目录同时只能有一个收件进程："
                            "监视服务运行时无需手动收件；如需等待它结束，请加 --wait。") from None
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def busy(self) -> bool:
        """Another process holds the lock now (a reader asks, without taking it)."""
        if self._fd is not None:
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    @staticmethod
    def _pid(fd: int) -> int | None:
        try:
            text = os.pread(fd, 32, 0).decode().strip()
            return int(text) if text.isdigit() else None
        except (OSError, ValueError):
            return None
