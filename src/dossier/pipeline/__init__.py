"""The order of the stages, and nothing else (design section 1).

A pass over the inbox: ``scan`` every entry, keep what has ``settle``d, hold a client folder whose
drop is still being written, then run every group of settled files (one client folder, or the inbox
root) through :data:`STAGES`, in order::

    claim -> read -> route -> commit -> receipt -> catalog

One group becomes one archive version per client. Each stage is a method ``_<name>`` taking the
group (``route`` in ``routing.py``, ``receipt`` in ``receipts.py``); a stage records what happened to each file in ``group.outcomes`` and never raises for one
bad file (it is quarantined with its reason instead). ``_cleanup`` always runs last.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from dossier import intake, rules, timefmt
from dossier.archive import Archive, Batch, Item, Snapshot, accesslog, fixity
from dossier.catalog import Catalog
from dossier.codes import find_credit_codes
from dossier.config import Config
from dossier.errors import DossierError, ReadError, UsageError
from dossier.intake import Entry, identity
from dossier.models import Outcome, Progress, Reading, Understanding
from dossier.outputs import alerts, charts, report_files
from dossier.reading import (
    ReadingCache,
    Sandbox,
    document_name,
    probe,
    read_batch,
    sandbox,
    settings_for,
    understand,
)

from . import heap
from .parts import Claimed, Group, LazyOcr, init_home, is_home
from .receipts import Receipts
from .routing import UNSORTED_TITLE, Routing

__all__ = [
    "QUARANTINE_TITLE",
    "STAGES",
    "UNSORTED_TITLE",
    "Claimed",
    "Group",
    "LazyOcr",
    "Pipeline",
    "init_home",
    "is_home",
    "version_reports",
]

log = logging.getLogger(__name__)

QUARANTINE_TITLE = "收件失败：文件已移入 _failed 隔离文件夹"

#: The stages every group of settled files goes through, in this order.
STAGES: tuple[str, ...] = (
    "claim",    # rename into the private work folder (intake)
    "read",     # text layer or OCR, type and fields; an unreadable file is quarantined (reading)
    "route",    # the client of each file: its folder, or the credit code it carries (root drops)
    "commit",   # one new archive version per client; its reports are derived inside (archive, outputs)
    "receipt",  # the clerk's receipt in the client folder (outputs)
    "catalog",  # the SQLite cache follows the new heads (catalog)
)


class Pipeline(Routing, Receipts):
    def __init__(self, config: Config, on_progress: Callable[[Progress], None] | None = None):
        if not is_home(config):
            raise UsageError(
                f"{config.home} 不是 dossier 主目录（缺少 inbox/ 或 archive/）。"
                f"请先运行 `dossier --home {config.home} init`，或用 --home / DOSSIER_HOME 指定主目录。"
            )
        self.config = config
        os.umask(config.umask)  # archive, state and catalog private by default (group_access)
        rules.use(config.rules)  # the company's rule folder, if it has one
        self.archive = Archive(config)
        self.catalog = Catalog(config.catalog_path)
        self.settle = intake.SettleTracker(config.settle_seconds)
        self.on_progress = on_progress or (lambda progress: None)
        self.stop = threading.Event()
        self.progress = Progress()
        self.ocr = LazyOcr.for_config(config) if config.ocr_engine != "none" else None
        self.sandbox = Sandbox.for_config(config)  # parsing in a worker, within read_seconds and read_memory_mb
        self.read_settings = settings_for(config, self.ocr)
        self.read_cache = ReadingCache.for_config(config)  # a retried batch is not read or OCRed again
        self._waits: dict[str, str] = {}  # inbox rel path -> why it waits (this pass)
        self._due: list[float] = []  # seconds until each waiting file could be ready
        self._receipt_waits: dict[str, frozenset[str]] = {}  # folder -> waiting names its receipt shows
        self.backoff = intake.Backoff(config.state_dir, base=max(config.settle_seconds, 1.0))
        self.writer = intake.WriterLock(config.locks)
        # every version carries fresh reports of its own state (checks -> outputs, design section 1)
        self.archive.derive = functools.partial(version_reports, config.templates)
        self.archive.recall = self.catalog.records  # records the catalog holds need not be parsed again
        self._holds_heap = False  # an ingester keeps its start-up heap out of full GC passes (heap.py)

    def close(self) -> None:
        if self.ocr is not None:  # stopping (SIGTERM): don't wait for a page in flight, it goes back to the inbox
            self.ocr.close(timeout=0.5 if self.stop.is_set() else 5.0)
        self.sandbox.close()
        self.read_cache.close()
        self.catalog.close()
        self.writer.release()
        if self._holds_heap:
            self._holds_heap = False
            heap.release()

    # -- start-up ---------------------------------------------------------
    def start(self, role: str = "ingester", wait: bool = False) -> list[str]:
        """Get ready for ``role`` (design section 1, one writer, many readers):

        - ``ingester`` (``watch``, ``ingest``): take the home's writer lock (``WriterBusy`` when another
          process ingests, unless ``wait``), finish or undo what a crashed run left, bring the catalog
          up to date. Only this role recovers anything.
        - ``editor`` (case, issue, amend: one commit under the object's own lock) and ``reader`` (every
          command that only shows): nothing is moved or recovered; the catalog, a cache, is brought up
          to date only while no ingester runs (a running one keeps it current itself).
        """
        if role not in ("ingester", "editor", "reader"):
            raise ValueError(role)
        if role != "ingester":
            if not self.writer.busy():
                try:
                    self.sync_catalog()
                except Exception:  # a cache: readers answer from the archive regardless
                    log.exception("catalog sync failed")
            return []
        intake.check_folders(self.config)  # data apart from state, real folders, ours
        self.writer.acquire(wait)
        if not self._holds_heap:
            heap.hold()
            self._holds_heap = True
        charts.warm()  # the draft's charts: matplotlib loads while the batch is read
        self.sandbox.prestart()  # the reading worker starts while the archive is recovered and checked
        actions = self.archive.recover()
        actions += intake.recover_claims(self.config)
        self.sync_catalog()
        for action in actions:
            log.warning("%s", action)
        return actions

    def sync_catalog(self, full: bool = False) -> int:
        heads = {} if full else self.catalog.heads()
        ids = self.archive.client_ids()
        updated = 0
        for client in ids:
            reader = self.archive.store.reader(client)
            if heads.get(client) != reader.head:
                if full:
                    self.catalog.update(self.archive.snapshot(client, with_text=True))
                else:  # only the paths changed since what the catalog holds
                    self.catalog.update(self.archive.head(client), self.archive.text_of)
                updated += 1
            if full:  # the access log lives in the object's logs/, outside versions
                accesslog.sync_catalog(self.archive, self.catalog, client)
        self.catalog.remove_missing(ids)
        return updated

    # -- one pass over the inbox: scan, settle, group -----------------------
    def pass_once(self) -> tuple[list[Outcome], list[Entry]]:
        self._waits, self._due = {}, []
        tidied = intake.tidy(self.config.inbox, max(self.config.settle_seconds, 1.0), self.config.stale_seconds)
        for rel in tidied.removed:
            log.info("收件箱整理：已删除 %s", rel)
        self._waits.update(tidied.reported)  # shown in the receipt; nothing to wait for
        entries = intake.scan(self.config.inbox)
        self.settle.prune({e.rel for e in entries})
        ready: list[Entry] = []
        pending: list[Entry] = []
        outcomes: list[Outcome] = []
        for entry in entries:
            if entry.too_deep:
                outcomes.append(self._quarantine(entry, f"文件夹层级过深（超过 {intake.MAX_DEPTH} 层），整个文件夹未处理。"
                                                        "请把其中的文件直接放入客户文件夹后重新放入收件箱。"))
            elif entry.special:
                outcomes.append(self._quarantine(entry, "这不是普通文件（管道、设备或套接字），系统不会打开它。请放入文件本身。"))
            elif entry.is_link:
                outcomes.append(self._set_aside_link(entry))
            elif self._ready(entry):
                ready.append(entry)
            else:
                pending.append(entry)
        groups = self._groups(ready, pending)
        if groups and not self.stop.is_set():
            self.sandbox.prestart()  # the reading worker starts while files are claimed and heads are built
        self.progress = Progress(total=sum(len(g.entries) for g in groups))
        ran: set[str | None] = set()
        for group in groups:
            if self.stop.is_set():
                break
            outcomes += self.run(group)
            ran.add(group.folder)
        self._waiting_receipts(ran)
        self._log(outcomes)
        return outcomes, pending

    def next_due(self) -> float | None:
        """Seconds until the earliest waiting file could be ready (None: nothing waits). A file that has
        not changed costs no work until then: the watcher backs off instead of polling it."""
        return max(0.0, min(self._due)) if self._due else None

    def _wait(self, entry: Entry, seconds: float, note: str) -> None:
        self._waits[entry.rel] = note
        self._due.append(seconds)

    def _groups(self, ready: list[Entry], pending: list[Entry]) -> list[Group]:
        """Settled files by client folder, root drops last. A clerk's drop into one folder becomes one
        version: a folder's settled files are held while others in it are still being written (for at
        most a few quiet periods); root files wait for every folder, one of which may be their client."""
        busy = {e.incoming.folder for e in pending}
        hold_limit = 4 * self.config.settle_seconds
        folders_busy = any(folder is not None for folder in busy)
        by_folder: dict[str | None, list[Entry]] = defaultdict(list)
        for entry in ready:
            left = self.backoff.left(entry.incoming.folder)
            if left > 0:  # its last commit failed: not re-read until the back-off ends
                pending.append(entry)
                self._wait(entry, left, "上次归档失败，稍后自动重试（详见日志和 INTAKE-ALERT.txt）")
                continue
            held = entry.incoming.folder in busy or (entry.incoming.folder is None and folders_busy)
            if held and self.settle.unchanged_for(entry) < hold_limit:
                pending.append(entry)
                self._wait(entry, hold_limit - self.settle.unchanged_for(entry),
                           "与同一文件夹中仍在写入的文件一起收件（同一批文件归入同一版本）")
            else:
                by_folder[entry.incoming.folder].append(entry)
        return [Group(folder, by_folder[folder]) for folder in sorted(by_folder, key=lambda f: (f is None, f or ""))]

    def _ready(self, entry: Entry) -> bool:
        if not self.settle.ready(entry):
            self._wait(entry, self.config.settle_seconds - self.settle.unchanged_for(entry),
                       "正在写入或刚刚放入，写入完成并稳定后自动收件")
            return False
        try:
            found = probe(entry.path)  # remembered: the read stage does not sniff the claimed file again
            if found.media_type and not found.complete:
                # Still being copied, or truncated for good: wait until it has been still for long.
                left = self.config.stale_seconds - self.settle.unchanged_for(entry)
                if left > 0:
                    at = timefmt.local(datetime.now(timezone.utc) + timedelta(seconds=left), self.config.tz)
                    at = at.strftime("%H:%M") if at else "稍后"
                    self._wait(entry, left, f"文件不完整（可能仍在复制中）；如到 {at} 仍无变化，将判定为不完整并移入 _failed")
                    return False
        except OSError:
            self._wait(entry, self.config.settle_seconds, "暂时无法读取，稍后重试")
            return False
        return True

    def _quarantine(self, entry: Entry, reason: str, claimed: Path | None = None) -> Outcome:
        dest = self._set_aside(entry, self.config.failed, reason, QUARANTINE_TITLE, claimed)
        if dest == entry.path:  # it could not be moved (or changed meanwhile): it stays, and says why
            return Outcome(entry.incoming.source, "pending", f"{reason}（未能移入 _failed，文件仍在原处）")
        return Outcome(entry.incoming.source, "quarantined", reason, moved_to=self._rel(dest))

    def _set_aside(self, entry: Entry, root: Path, reason: str, title: str, claimed: Path | None = None) -> Path:
        """``intake.set_aside``, but a file that cannot be moved stays where it is, logged: the pass goes on."""
        try:
            return intake.set_aside(entry, root, reason, title, claimed)
        except OSError as exc:
            log.error("无法把 %s 移入 %s（%s）；文件留在原处。原因：%s", entry.incoming.source, root.name, exc, reason)
            return entry.path

    def _set_aside_link(self, entry: Entry) -> Outcome:
        try:
            target = str(entry.path.readlink())
        except OSError:
            target = "?"
        reason = (f"这是一个符号链接（指向 {target}），系统不会跟随链接读取其他位置的文件。"
                  "请把文件本身复制到收件箱。")
        return self._quarantine(entry, reason)

    # -- the stages of a group --------------------------------------------
    def run(self, group: Group) -> list[Outcome]:
        """Run one group through every stage of :data:`STAGES`; the work folder is always removed."""
        group.work = intake.new_batch_dir(self.config)
        try:
            for name in STAGES:
                getattr(self, f"_{name}")(group)
        finally:
            intake.remove_batch_dir(group.work)
        return group.outcomes

    def _claim(self, group: Group) -> None:
        claimed = []
        for entry in group.entries:
            try:
                got = intake.claim(entry, group.work, int(self.config.max_file_mb) << 20)
            except OSError as exc:  # one bad path never stops the pass: it stays, reported
                log.error("无法收取 %s：%s", entry.incoming.source, exc)
                group.outcomes.append(Outcome(entry.incoming.source, "pending", f"暂时无法收取（{exc}），稍后重试"))
                continue
            if isinstance(got, intake.Refused):
                group.outcomes.append(self._quarantine(entry, got.reason))
            elif got is not None:
                claimed.append(Claimed(entry, got))
        group.claimed = claimed

    def _read(self, group: Group) -> None:
        """Read the group's files together (their scanned pages share the OCR pool), then understand each."""
        items = [] if self.stop.is_set() else group.claimed
        if items:
            self._warm_head(group)  # while the reading worker starts (route and commit need the head)
        with sandbox.active(self.sandbox):  # understand's statement tables are parsed there too
            self._read_items(group, items)

    def _read_items(self, group: Group, items: list[Claimed]) -> None:
        results = read_batch([i.path for i in items], self.read_settings, self.ocr, self.read_cache,
                             should_stop=self.stop.is_set,
                             on_file=lambda k: self._step(items[k].entry.incoming.source), sandbox=self.sandbox)
        readable: list[Claimed] = []
        for n, item in enumerate(group.claimed):
            source = item.entry.incoming.source
            result = results[n] if n < len(results) else None
            if isinstance(result, ReadError):
                group.outcomes.append(self._quarantine(item.entry, result.message, item.path))
            elif result is None:  # the service is stopping: back to the inbox, untouched
                intake.release(item.path, group.work, self.config.inbox)
                group.outcomes.append(Outcome(source, "pending", "服务停止，下次启动时处理"))
            else:
                self._understand(item, result)
                readable.append(item)
        group.claimed = readable

    def _understand(self, item: Claimed, reading: Reading) -> None:
        """Type, fields and credit codes of one read file."""
        source = item.entry.incoming.source
        try:
            item.understanding = understand(item.path, reading)
        except Exception as exc:  # a rule bug must not lose the file: archive it for review
            log.exception("understanding %s failed", source)
            item.understanding = Understanding(problems=(f"识别时发生内部错误（{type(exc).__name__}），请人工查看",))
        item.reading = reading
        item.codes = tuple(find_credit_codes(Path(source).name + "\n" + reading.text))

    def _commit(self, group: Group) -> None:
        for client, items in group.clients.items():
            batch = Batch(
                items=[Item(i.entry.incoming, i.path, i.reading, i.understanding,
                            document_name(i.understanding, Path(i.entry.incoming.source).name)) for i in items],
                # only the client's own evidence (licence, application form) may establish its credit code
                credit_codes=identity.evidence_codes([i.understanding for i in items]),
            )
            try:
                outcomes = self.archive.store_batch(client, group.folder if client == group.home else None, batch)
            except Exception as exc:
                message = exc.message if isinstance(exc, DossierError) else f"内部错误：{type(exc).__name__}: {exc}"
                if not isinstance(exc, DossierError):
                    log.exception("commit to %s failed", client)
                else:
                    log.error("归档失败（客户 %s）：%s", client, message)
                for item in items:
                    intake.release(item.path, group.work, self.config.inbox)
                wait = self.backoff.failed(group.folder, message)
                group.outcomes += [Outcome(i.entry.incoming.source, "pending",
                                           f"归档失败，文件已留在收件箱，{wait:.0f} 秒后重试：{message}", client)
                                   for i in items]
                continue
            self.backoff.succeeded(group.folder)
            for item in items:
                intake.done(item.path, item.entry)
            notes = {i.entry.incoming.source: i.note for i in items if i.note}
            group.outcomes += [replace(o, reason="；".join(filter(None, (notes[o.source], o.reason))))
                               if o.source in notes else o for o in outcomes]
            try:
                group.heads[client] = self.archive.head(client)  # from memory: receipt and catalog
            except Exception:  # the archive is the truth; the catalog catches up at next start
                log.exception("reading the new head of %s failed", client)

    def _catalog(self, group: Group) -> None:
        for client, snap in group.heads.items():
            try:
                self.catalog.update(snap, self.archive.text_of)  # the changed paths only
            except Exception:  # the archive is the truth; the catalog catches up at next start
                log.exception("catalog update for %s failed", client)

    def _step(self, source: str) -> None:
        self.progress.current = source
        self.on_progress(self.progress)
        self.progress.done += 1

    # -- drivers -------------------------------------------------------------
    def ingest(self, wait: bool = True, on_wait: Callable[[int], None] | None = None) -> list[Outcome]:
        """One ingestion: process what is ready; wait (bounded) for files still being written."""
        deadline = time.monotonic() + 5 * self.config.settle_seconds + 1
        outcomes: list[Outcome] = []
        while True:
            got, pending = self.pass_once()
            outcomes += got
            if not pending or not wait or time.monotonic() > deadline or self.stop.is_set():
                break
            if on_wait:
                on_wait(len(pending))
            self.stop.wait(min(0.5, max(0.05, self.config.settle_seconds / 4)))
        for entry in pending:  # why each waits, as its receipt says
            note = self._waits.get(entry.rel, "文件仍在写入或刚刚放入，尚未稳定")
            outcomes.append(Outcome(entry.incoming.source, "pending", f"{note}；将在下次收件时处理"))
        return outcomes

    def watch(self, polling: bool = False, on_pass: Callable[[list[Outcome]], None] | None = None) -> None:
        """Serve the inbox until ``self.stop`` is set (SIGTERM/SIGINT in the CLI)."""
        events = intake.InboxEvents(self.config.inbox, polling, self.config.poll_seconds)
        events.start()
        next_rescan = 0.0
        schedule = fixity.Schedule(self.archive, self.config.state_dir, self.config.verify_hours, self.stop)
        daily = alerts.Daily(self.archive, self.config.state_dir, self.stop, rules.load_warnings().due.within_days)
        due: float | None = None  # when the earliest waiting file could be ready (monotonic)
        try:
            while not self.stop.is_set():
                now = time.monotonic()
                schedule.tick()
                daily.tick()
                if events.wake.is_set() or (due is not None and now >= due) or now >= next_rescan:
                    events.wake.clear()
                    try:
                        outcomes, waiting = self.pass_once()
                        left = self.next_due() if waiting else None
                    except Exception:
                        log.exception("inbox pass failed; retrying")
                        outcomes, left = [], 2.0
                        self.stop.wait(2)
                    # a waiting file is looked at again when it could be ready, not on every tick
                    due = time.monotonic() + max(0.2, left) if left is not None else None
                    if outcomes and on_pass:
                        on_pass(outcomes)
                    if now >= next_rescan:
                        next_rescan = now + self.config.rescan_seconds
                if not events.alive() and not self.stop.is_set():
                    log.warning("inbox watcher stopped; restarting it")
                    self.config.inbox.mkdir(parents=True, exist_ok=True)
                    events.stop()
                    events.start()
                until = min(t for t in (due, next_rescan) if t is not None) - time.monotonic()
                events.wake.wait(timeout=min(1.0, max(0.05, until)))
        finally:
            events.stop()

    def verify_all(self) -> dict:
        """Re-hash every stored file of every client; log the result (``archive.fixity``)."""
        return fixity.verify_all(self.archive, self.config.state_dir, self.stop)

    def request_stop(self) -> None:
        self.stop.set()

    # -- helpers ---------------------------------------------------------------
    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.config.inbox))
        except ValueError:
            return str(path)

    def _log(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with open(self.config.state_dir / "intake.log.jsonl", "a", encoding="utf-8") as fh:
            fh.writelines(json.dumps({"time": stamp, **o.to_json()}, ensure_ascii=False) + "\n" for o in outcomes)


def version_reports(templates: Path | None, snap: Snapshot) -> dict[str, bytes]:
    """Reports of a version (``Archive.derive``). A user's broken template never blocks archiving the
    documents: the packaged default is used instead, and the error is logged for the administrator.

    A function of the templates folder, not a method: the archive holding a pipeline's bound method would
    make the two a reference cycle, which keeps a dossier's snapshots in memory until the cyclic garbage
    collector runs (and then makes it run longer)."""
    try:
        return report_files(snap, templates)
    except Exception as exc:
        message = exc.message if isinstance(exc, DossierError) else f"{type(exc).__name__}: {exc}"
        log.error("报告模板有问题，本次改用默认模板生成报告（请运行 `dossier templates check`）：%s", message)
    try:
        return report_files(snap, None)
    except Exception:
        log.exception("reports of %s %s could not be rendered; archived without fresh reports",
                      snap.client, snap.version)
        return {}
