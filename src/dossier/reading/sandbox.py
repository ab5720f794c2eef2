"""Bounded parsing: untrusted bytes are parsed in a worker process with a time and a memory limit.

Everything that parses a claimed file's structure (pypdfium2's text layer and page objects, the
table finder, Pillow counting a TIFF's frames, a zip's members) runs in one long-lived worker
process (spawn start method: no threads or locks inherited) under two limits, both settings:

``read_seconds``    wall clock per task; past it the worker is killed and the file quarantined
``read_memory_mb``  the worker's address space (``RLIMIT_AS``, set in the child); a parser that
                    needs more gets ``MemoryError`` (quarantined at once) or aborts (pdfium does
                    on a failed allocation: a crash)

The parent (the watcher) only ever reads a file's head and tail (``sniff``) and hashes it, so a
compression bomb costs the worker, never the service.

A worker that dies holding a file (a crash, the kernel's OOM killer, SIGKILL) is replaced and the
file is tried once more in a fresh worker; a file that kills its worker twice is quarantined. The
strikes are counted by content digest in the home's state folder (``read-strikes.json``) when the
worker is seen to die, and cleared after a clean answer, so the count survives a restart of the
service: a poison file ends the loop at the second strike. A watcher that is itself killed while a
file is being parsed counts nothing against the file (the parse was the worker's, not the watcher's).

Tasks are module-level functions named in :data:`TASKS` (``"module:function"``), imported in the
worker; arguments and results are plain picklable data. ``ReadError`` raised by a task reaches the
caller as is.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from dossier.errors import DossierError, Interrupted, ReadError

log = logging.getLogger(__name__)

#: What the worker may run: name -> "module:function".
TASKS = {
    "pdf_text": "dossier.reading.pdf:read_text_layer",
    "pdf_tables": "dossier.reading.tables:local_pdf_tables",
    "image_frames": "dossier.reading.sniff:image_frames",
    "zip_check": "dossier.reading.sniff:check_zip",
}
#: A worker that dies this many times on the same content: the file is quarantined.
MAX_STRIKES = 2
STRIKES_FILE = "read-strikes.json"
#: Seconds a fresh worker may take to start (imports), apart from the task's own limit.
START_SECONDS = 120.0
#: Files above this size are keyed by a digest of their size, head and tail (hashing a 10 GB file
#: in the watcher to count strikes would cost more than the parse it guards).
FULL_DIGEST_LIMIT = 32 << 20
_SAMPLE = 1 << 20


def time_limit_reason(seconds: float) -> str:
    return (f"读取超时：解析此文件超过了时间上限（{seconds:g} 秒，设置 read_seconds），已停止读取。"
            "文件可能是异常构造的（如压缩炸弹）或过于复杂；请确认文件来源，必要时打印后重新扫描，"
            "或由管理员调高 read_seconds 后重新放入收件箱。")


def memory_limit_reason(mb: int) -> str:
    return (f"读取此文件需要的内存超过了上限（{mb} MB，设置 read_memory_mb），已停止读取。"
            "文件可能是异常构造的（如压缩炸弹）；请确认文件来源，必要时打印后重新扫描，"
            "或由管理员调高 read_memory_mb 后重新放入收件箱。")


def killed_reason(mb: int, strikes: int = MAX_STRIKES) -> str:
    return (f"读取此文件时读取进程已 {strikes} 次异常退出（崩溃或因内存不足被系统终止；内存上限 {mb} MB，"
            "设置 read_memory_mb），为保护收件服务不再重试。文件可能已损坏或是异常构造的；请确认文件来源，"
            "必要时打印后重新扫描，或由管理员调高 read_memory_mb 后重新放入收件箱。")


@dataclass(frozen=True)
class Limits:
    """``seconds``: wall clock per task (0: none); ``memory_mb``: the worker's address space (0: none)."""

    seconds: float = 120.0
    memory_mb: int = 2048


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``memory_mb`` MiB, and write no core dumps.
    Called first thing in a worker process."""
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_mb and memory_mb > 0:
        limit = int(memory_mb) << 20
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def content_key(path: Path) -> str:
    """The key of a file's strikes: its SHA-512, or for a large file a SHA-512 of its size, head and tail."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        digest = hashlib.sha512()
        if size <= FULL_DIGEST_LIMIT:
            while chunk := fh.read(_SAMPLE):
                digest.update(chunk)
            return digest.hexdigest()
        digest.update(f"sampled:{size}:".encode())
        digest.update(fh.read(_SAMPLE))
        fh.seek(size - _SAMPLE)
        digest.update(fh.read(_SAMPLE))
        return "s" + digest.hexdigest()


class Strikes:
    """Deaths of the read worker by content key, kept in one small JSON file (None: in memory only)."""

    def __init__(self, path: Path | None):
        self.path = None if path is None else Path(path)
        self._memory: dict[str, int] = {}

    def _load(self) -> dict[str, int]:
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("read strikes %s unusable (%s): started afresh", self.path, exc)
            return {}
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save(self, data: dict[str, int]) -> None:
        if self.path is None:
            self._memory = data
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)  # survives the death of this process (page cache), no fsync needed
        except OSError as exc:
            log.warning("read strikes not written to %s: %s", self.path, exc)

    def count(self, key: str) -> int:
        return self._load().get(key, 0)

    def add(self, key: str) -> int:
        data = self._load()
        data[key] = data.get(key, 0) + 1
        self._save(data)
        return data[key]

    def clear(self, key: str) -> None:
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)


def _worker_main(conn, memory_mb: int) -> None:
    """The worker: limits first, then tasks until told to stop."""
    limit_memory(memory_mb)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    functions = {}
    try:
        for name, target in TASKS.items():
            module, _, attr = target.partition(":")
            functions[name] = getattr(importlib.import_module(module), attr)
        import PIL.Image  # noqa: F401
        import pypdfium2  # noqa: F401 - imported before the clock of the first task starts
    except BaseException as exc:  # noqa: BLE001 - report and quit
        conn.send(("fatal", None, f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None, None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, name, args = task
        try:
            try:
                answer = ("ok", task_id, functions[name](*args))
            except ReadError as exc:
                answer = ("err", task_id, exc.message)
            except MemoryError:
                answer = ("mem", task_id, None)
            except Exception as exc:  # noqa: BLE001 - a reader bug costs its file only
                answer = ("bug", task_id, f"{type(exc).__name__}: {exc}")
            conn.send(answer)
        except MemoryError:  # the answer itself did not fit
            conn.send(("mem", task_id, None))


class WorkerDied(Exception):
    """The worker died holding a task (exit code in ``code``)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Sandbox:
    """The read worker and its limits. ``run(task, *args, key=...)`` returns the task's result or
    raises ReadError (the file's own reason, or a limit's, naming the setting that raises it).
    One caller at a time; close it when done (the worker is started on first use, or earlier by ``prestart``)."""

    def __init__(self, limits: Limits = Limits(), strikes: Strikes | None = None, start_method: str = "spawn"):
        self.limits = limits
        self.strikes = strikes or Strikes(None)
        self._ctx = multiprocessing.get_context(start_method)
        self._proc = None
        self._conn = None
        self._next_id = 0
        self._ready = False  # the worker said it is ready (``prestart`` does not wait for that)
        self.peak_rss: dict[int, int] = {}  # worker pid -> peak RSS (bytes), as last seen
        self.restarts = 0  # workers lost: died, killed at the time limit, or not trusted after an error

    @classmethod
    def for_config(cls, config) -> "Sandbox":
        return cls(Limits(float(config.read_seconds), int(config.read_memory_mb)),
                   Strikes(config.state_dir / STRIKES_FILE))

    # -- the worker ------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def prestart(self) -> None:
        """Start the worker now without waiting for it: its start-up (a fresh interpreter importing the
        parsers, a few hundred milliseconds) runs on the other core while the caller goes on with its own
        work; the first task waits for it to be ready. No-op when a worker runs or is starting."""
        if self._proc is not None and self._proc.is_alive():
            return
        if self._proc is not None:
            self._kill()  # died while idle
        self._spawn()

    def _start(self) -> None:
        self._spawn()
        self._await_ready()

    def _spawn(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_worker_main, args=(child, self.limits.memory_mb), daemon=True,
                                 name="dossier-read")
        proc.start()
        child.close()
        self._proc, self._conn, self._ready = proc, parent, False

    def _await_ready(self) -> None:
        parent = self._conn
        if not parent.poll(START_SECONDS):
            self._kill()
            raise ReadError("读取进程无法启动（超时），请联系系统管理员。")
        try:
            kind, _, detail = parent.recv()
        except (EOFError, OSError):
            self._kill()
            raise ReadError("读取进程无法启动（意外退出，可能内存上限 read_memory_mb 过低），请联系系统管理员。")
        if kind != "ready":
            self._kill()
            raise ReadError(f"读取进程无法启动（{detail}），请联系系统管理员。")
        self._ready = True

    def _note_rss(self) -> None:
        pid = self.pid
        if pid is None:
            return
        try:
            with open(f"/proc/{pid}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), int(line.split()[1]) * 1024)
        except (OSError, ValueError, IndexError):
            pass

    def _kill(self, lost: bool = True) -> None:
        """Kill the worker; ``lost``: it died, timed out or is not trusted again (counted in ``restarts``)."""
        proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
        if proc is not None:
            self.restarts += int(lost)
            with contextlib.suppress(Exception):
                proc.kill()
            proc.join(5)
        if conn is not None:
            conn.close()

    def close(self, timeout: float = 2.0) -> None:
        proc, conn = self._proc, self._conn
        if proc is None:
            return
        if not self._ready:  # started early and never used: it holds nothing, don't wait for its imports
            self._kill(lost=False)
            return
        with contextlib.suppress(OSError, BrokenPipeError):
            conn.send(None)
        proc.join(timeout)
        self._kill(lost=False)

    def _call(self, name: str, args: tuple, should_stop=None) -> tuple[str, Any]:
        """One task in the worker: (kind, payload); WorkerDied, ("timeout", None) or ("stopped", None)."""
        from multiprocessing.connection import wait

        if self._proc is None or not self._proc.is_alive():
            if self._proc is not None:
                self._kill()  # died while idle (or while starting)
            self._start()
        elif not self._ready:  # started early (prestart): wait for it now
            self._await_ready()
        self._next_id += 1
        task_id = self._next_id
        try:
            self._conn.send((task_id, name, args))
        except (OSError, BrokenPipeError):
            code = self._proc.exitcode
            self._kill()
            raise WorkerDied(code) from None
        deadline = time.monotonic() + self.limits.seconds if self.limits.seconds > 0 else None
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = wait([self._conn, self._proc.sentinel], min(1.0, left) if left is not None else 1.0)
            self._note_rss()
            dead = self._proc.sentinel in ready
            if self._conn in ready:
                try:
                    kind, got_id, payload = self._conn.recv()
                except (EOFError, OSError):  # the pipe closed: the worker is gone
                    dead = True
                else:
                    if got_id != task_id:
                        continue  # an answer to an abandoned task
                    if kind in ("mem", "bug"):
                        self._kill()  # a worker that ran out of memory or hit a bug is not trusted again
                    return kind, payload
            if dead:
                self._proc.join(1)
                code = self._proc.exitcode
                self._kill()
                raise WorkerDied(code)
            if deadline is not None and time.monotonic() >= deadline:
                self._kill()
                return "timeout", None
            if should_stop is not None and should_stop():  # the service is stopping: don't wait for the parse
                self._kill(lost=False)
                return "stopped", None

    # -- tasks -----------------------------------------------------------------
    def run(self, task: str, *args, key: str | None = None, label: str = "", should_stop=None) -> Any:
        """Run ``task`` on ``args`` within the limits; ``key`` (the file's content key) counts strikes.
        ``should_stop()`` true: the worker is stopped and Interrupted raised (no strike: the file goes back)."""
        if task not in TASKS:
            raise ValueError(task)
        key = key or f"call:{task}:{args!r}"
        strikes = self.strikes.count(key)
        if strikes >= MAX_STRIKES:
            raise ReadError(killed_reason(self.limits.memory_mb, strikes))
        while True:
            try:
                kind, payload = self._call(task, args, should_stop)
            except ReadError:  # the worker could not start: not the file's fault
                raise
            except WorkerDied as died:
                # Counted when the worker is seen to die on the file, and kept across restarts. Not before
                # the attempt: the parse runs in the worker, so a watcher that is itself killed (SIGKILL,
                # a restart) was not killed by the file, and must not count against it.
                strikes = self.strikes.add(key)
                log.warning("read worker died (exit code %s) on %s: strike %d of %d", died.code, label or task,
                            strikes, MAX_STRIKES)
                if strikes >= MAX_STRIKES:
                    raise ReadError(killed_reason(self.limits.memory_mb, strikes)) from None
                continue  # once more, in a fresh worker
            self.strikes.clear(key)
            if kind == "stopped":
                raise Interrupted()
            if kind == "ok":
                return payload
            if kind == "err":
                raise ReadError(payload)
            if kind == "mem":
                raise ReadError(memory_limit_reason(self.limits.memory_mb))
            if kind == "timeout":
                log.warning("reading %s stopped after %g s (read_seconds)", label or task, self.limits.seconds)
                raise ReadError(time_limit_reason(self.limits.seconds))
            log.error("reading %s failed in the worker: %s", label or task, payload)
            raise ReadError(f"读取时发生内部错误（{payload}），请联系系统管理员。")


class Local:
    """The same tasks in this process, without limits (library use and tests of the readers)."""

    limits = Limits(0.0, 0)

    def run(self, task: str, *args, key: str | None = None, label: str = "", should_stop=None) -> Any:
        module, _, attr = TASKS[task].partition(":")
        try:
            return getattr(importlib.import_module(module), attr)(*args)
        except DossierError:
            raise
        except MemoryError:
            raise ReadError("读取此文件时内存不足，已停止读取。文件可能是异常构造的（如压缩炸弹）；请确认文件来源，"
                            "必要时打印后重新扫描。") from None

    def prestart(self) -> None:
        pass

    def close(self, timeout: float = 0.0) -> None:
        pass


_ACTIVE: contextvars.ContextVar[Sandbox | Local | None] = contextvars.ContextVar("dossier_read_sandbox",
                                                                                default=None)


@contextlib.contextmanager
def active(sandbox: Sandbox | Local | None) -> Iterator[None]:
    """Within the block, readers called without a sandbox (``tables.pdf_tables`` from ``understand``) use it."""
    token = _ACTIVE.set(sandbox)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def current() -> Sandbox | Local:
    """The sandbox of the enclosing ``active`` block, else the unbounded local runner."""
    return _ACTIVE.get() or Local()


__all__ = [
    "MAX_STRIKES",
    "STRIKES_FILE",
    "TASKS",
    "Limits",
    "Local",
    "Sandbox",
    "Strikes",
    "active",
    "content_key",
    "current",
    "killed_reason",
    "limit_memory",
    "memory_limit_reason",
    "time_limit_reason",
]
