"""Worker processes that OCR pages: one engine and one thread each, crash-isolated."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from ...errors import DossierError, OcrError, OcrPageError
from .engine import RapidEngine
from .fake import FakeEngine
from .pages import PageRef
from .results import Engine, OcrPage

#: How often an ``imap`` with ``should_stop`` looks at it while pages are being read (seconds).
STOP_POLL = 0.25


def make_engine(name: str, **options) -> Engine:
    """``"rapid"`` or ``"fake"``."""
    if name == "rapid":
        return RapidEngine(**options)
    if name == "fake":
        return FakeEngine(**options)
    raise OcrError(f"未知的 OCR 引擎：{name}（可用：rapid、fake）")


def _worker_main(conn, engine_name: str, options: dict, memory_mb: int = 0) -> None:
    """Worker process: one engine, one thread; reads PageRefs (the engine loads each page), answers OcrPages.
    ``memory_mb``: the worker's address space (``RLIMIT_AS``; 0: no limit), set before anything is loaded."""
    if memory_mb:
        from ..sandbox import limit_memory

        limit_memory(memory_mb)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        engine = make_engine(engine_name, **options)
        if hasattr(engine, "load"):
            engine.load()
        conn.send(("ready", None, None, peak_rss(), 0.0))
    except BaseException as exc:  # noqa: BLE001 - report and quit
        message = exc.message if isinstance(exc, DossierError) else f"OCR 引擎无法启动：{exc!r}"
        conn.send(("fatal", None, message, 0, 0.0))
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        task_id, ref = task
        start, cpu = time.perf_counter(), time.process_time()
        try:
            page = replace(engine.read(ref), seconds=time.perf_counter() - start)
            _trim_heap()
            conn.send(("ok", task_id, page, peak_rss(), time.process_time() - cpu))
        except DossierError as exc:
            conn.send(("err", task_id, exc.message, peak_rss(), time.process_time() - cpu))
        except MemoryError:
            conn.send(("err", task_id, "内存不足，无法识别此页。", peak_rss(), time.process_time() - cpu))
        except Exception as exc:  # noqa: BLE001 - one bad page must not end the worker
            conn.send(("err", task_id, f"识别出错（{type(exc).__name__}: {exc}）", peak_rss(),
                       time.process_time() - cpu))


def _trim_heap() -> None:
    """Give freed memory back to the system between pages (glibc keeps it otherwise)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def peak_rss() -> int:
    """Peak resident set size of this process in bytes.

    VmHWM from /proc (Linux): unlike ``ru_maxrss`` it is not inherited from the parent
    across exec, so a freshly spawned worker reports its own peak.
    """
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _Feed:
    """The pages of one ``imap`` call, taken from its iterable only as workers free up (so a caller's
    generator decides late, e.g. to stop a file whose OCR budget is spent)."""

    def __init__(self, items: Iterable):
        self._items = enumerate(items)
        self._back: list[tuple[int, PageRef]] = []
        self.taken = 0
        self.done = False

    def pop(self) -> tuple[int, PageRef] | None:
        if self._back:
            return self._back.pop()
        if self.done:
            return None
        try:
            index, ref = next(self._items)
        except StopIteration:
            self.done = True
            return None
        self.taken += 1
        return index, PageRef(*ref)

    def push_back(self, item: tuple[int, PageRef]) -> None:
        self._back.append(item)

    @property
    def empty(self) -> bool:
        return self.done and not self._back


class _Worker:
    def __init__(self, ctx, engine: str, options: dict, memory_mb: int = 0):
        parent, child = ctx.Pipe(duplex=True)
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, engine, options, memory_mb), daemon=True,
                                name="dossier-ocr")
        self.proc.start()
        child.close()
        self.task: tuple[object, int, int, PageRef] | None = None  # (call, task id, index, ref)
        self.orphan = False
        self.started: float = 0.0

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def stop(self, timeout: float = 5.0) -> None:
        try:
            if self.proc.is_alive():
                self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout)
        self.conn.close()


def _page_label(ref: PageRef) -> str:
    name = Path(ref.path).name
    if ref.page is not None:
        return f"{name} 第 {ref.page + 1} 页"
    if ref.frame:
        return f"{name} 第 {ref.frame + 1} 帧"
    return name


class OcrPool:
    """Worker processes that OCR pages; use as a context manager.

    ``engine``: ``"rapid"`` or ``"fake"``; ``workers``: default ``min(2, os.cpu_count())``;
    ``engine_options``: keyword arguments of the engine; ``page_timeout``: seconds after
    which a page's worker is killed and the page reported failed (None: no limit);
    ``memory_mb``: each worker's address space (``RLIMIT_AS``, 0: no limit).

    Each worker holds one engine with one onnxruntime thread and reads/renders the
    pages itself, so only paths cross process boundaries.  When a worker dies (killed,
    out of memory) or times out, the page it held fails with ``OcrPageError`` and a new
    worker takes its place; other pages are unaffected.  ``peak_rss`` maps each worker
    pid to its peak RSS in bytes; ``cpu_seconds`` adds up the workers' CPU time per page;
    ``restarts`` counts replaced workers.
    """

    def __init__(self, engine: str = "rapid", workers: int | None = None, *,
                 engine_options: Mapping[str, Any] | None = None, page_timeout: float | None = 600.0,
                 start_method: str = "spawn", memory_mb: int = 0):
        if engine not in ("rapid", "fake"):
            raise OcrError(f"未知的 OCR 引擎：{engine}（可用：rapid、fake）")
        self.engine = engine
        self.workers = max(1, int(workers or min(2, os.cpu_count() or 1)))
        self.engine_options = dict(engine_options or {})
        self.page_timeout = page_timeout
        self.memory_mb = int(memory_mb or 0)
        self._ctx = multiprocessing.get_context(start_method)
        self._pool: list[_Worker] = []
        self.peak_rss: dict[int, int] = {}
        self.restarts = 0
        self.cpu_seconds = 0.0
        self._closed = False
        self._next_id = 0

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> "OcrPool":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self._closed:
            raise OcrError("OCR 进程池已关闭。")
        while len(self._pool) < self.workers:
            self._pool.append(_Worker(self._ctx, self.engine, self.engine_options, self.memory_mb))

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers; one still busy after ``timeout`` seconds is killed."""
        self._closed = True
        pool, self._pool = self._pool, []
        for w in pool:
            w.stop(timeout)

    @property
    def closed(self) -> bool:
        """Closed (``close``, or a worker's fatal error): a new pool is needed."""
        return self._closed

    @property
    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        return [w.pid for w in self._pool if w.pid is not None]

    def _replace(self, worker: "_Worker") -> "_Worker":
        i = self._pool.index(worker)
        try:
            worker.proc.kill()
        except Exception:  # noqa: BLE001
            pass
        worker.proc.join(5)
        worker.conn.close()
        self.restarts += 1
        self._pool[i] = _Worker(self._ctx, self.engine, self.engine_options, self.memory_mb)
        return self._pool[i]

    # -- work ----------------------------------------------------------------

    def ocr_pages(self, items: Iterable[PageRef | tuple]) -> list[OcrPage]:
        """OCR every page, results in input order.

        If some pages failed, the others are still done, then the first failure is raised
        as OcrPageError whose ``results`` attribute holds every page's OcrPage or error.
        """
        results = list(self.imap(items))
        failed = [r for r in results if isinstance(r, OcrPageError)]
        if failed:
            err = failed[0]
            if len(failed) > 1:
                err = OcrPageError(f"{err.message}（另有 {len(failed) - 1} 页也未能识别）", err.index, err.ref)
            err.results = results
            raise err
        return results

    def imap(self, items: Iterable[PageRef | tuple],
             should_stop: Callable[[], bool] | None = None) -> Iterator[OcrPage | OcrPageError]:
        """Yield an OcrPage, or an OcrPageError for a page that failed, per item in input order.

        ``should_stop``: looked at while waiting (a few times a second); when it says stop, the
        iterator ends at once, without waiting for the pages in flight (their results are dropped).

        Pages are taken from ``items`` and handed to idle workers as they free up (``items`` may be
        a generator that decides late); results are held only until every earlier page is out.  Abandoning the iterator is safe: the pages still being read are
        finished and their results dropped.  One caller at a time (not thread-safe).
        """
        if self._closed:
            raise OcrError("OCR 进程池已关闭。")
        self.start()
        feed = _Feed(items)
        call = object()  # identifies this call's tasks
        done: dict[int, OcrPage | OcrPageError] = {}
        next_out = 0
        try:
            while True:
                if should_stop is not None and should_stop():
                    return
                self._dispatch(feed, call)
                if feed.empty and next_out >= feed.taken:
                    break
                if feed.empty and not any(w.task is not None for w in self._pool) and next_out not in done:
                    raise OcrError("OCR 进程池内部错误：有页面没有结果。")  # pragma: no cover
                for index, result in self._collect(call, STOP_POLL if should_stop is not None else None):
                    done[index] = result
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
        finally:
            for w in self._pool:
                if w.task is not None and w.task[0] is call:
                    w.orphan = True  # its result, when it comes, is dropped

    def _dispatch(self, feed: _Feed, call) -> None:
        for w in list(self._pool):
            if w.task is not None:
                continue
            item = feed.pop()
            if item is None:
                return
            if not w.proc.is_alive():  # died while idle: replace before giving it a page
                w = self._replace(w)
            index, ref = item
            self._next_id += 1
            try:
                w.conn.send((self._next_id, ref))
            except (OSError, BrokenPipeError):
                feed.push_back((index, ref))
                self._replace(w)
                continue
            w.task = (call, self._next_id, index, ref)
            w.orphan = False
            w.started = time.monotonic()

    def _collect(self, call, poll: float | None = None) -> list[tuple[int, OcrPage | OcrPageError]]:
        """Wait for at least one event (or ``poll`` seconds); return the (index, result) of this
        call's finished pages."""
        from multiprocessing.connection import wait

        busy = [w for w in self._pool if w.task is not None]
        if not busy:
            return []
        timeout = None
        if self.page_timeout is not None:
            oldest = min(w.started for w in busy)
            timeout = max(0.05, oldest + self.page_timeout - time.monotonic())
        if poll is not None:
            timeout = poll if timeout is None else min(timeout, poll)
        waitables = []
        for w in busy:
            waitables += [w.conn, w.proc.sentinel]
        ready = set(wait(waitables, timeout))
        out: list[tuple[int, OcrPage | OcrPageError]] = []
        for w in busy:
            owner, task_id, index, ref = w.task
            mine = owner is call and not w.orphan
            if w.conn in ready or w.proc.sentinel in ready:
                message = self._receive(w, task_id)
                if message is None and w.proc.is_alive():
                    continue  # only a start-up notice so far
                w.task = None
                if message is None:  # the worker died holding the page
                    code = w.proc.exitcode
                    self._replace(w)
                    if mine:
                        hint = "，可能内存不足或被系统终止" if code is not None and code < 0 else ""
                        out.append((index, OcrPageError(
                            f"{_page_label(ref)}：识别进程意外退出（退出码 {code}{hint}），此页未能识别。"
                            "其余页面不受影响，可稍后重新收件重试。", index, ref)))
                    continue
                kind, _, payload, rss, cpu = message
                self.cpu_seconds += cpu
                if kind == "fatal":
                    self.close()
                    raise OcrError(payload)
                if mine:
                    if kind == "ok":
                        out.append((index, payload))
                    else:
                        out.append((index, OcrPageError(f"{_page_label(ref)}：{payload}", index, ref)))
            elif self.page_timeout is not None and time.monotonic() - w.started > self.page_timeout:
                w.task = None
                self._replace(w)
                if mine:
                    out.append((index, OcrPageError(
                        f"{_page_label(ref)}：识别超时（超过 {self.page_timeout:.0f} 秒），此页未能识别。",
                        index, ref)))
        return out

    def _receive(self, w: "_Worker", task_id: int):
        """The worker's answer to ``task_id``, or None if it has none (yet, or ever)."""
        while True:
            try:
                if not w.conn.poll():
                    return None
                message = w.conn.recv()
            except (EOFError, OSError):
                return None
            self.peak_rss[w.pid] = max(self.peak_rss.get(w.pid, 0), message[3])
            if message[0] == "fatal" or message[1] == task_id:
                return message
            # a start-up notice ("ready"): read on
