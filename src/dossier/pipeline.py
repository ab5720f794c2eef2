"""The stage order: scan -> settle -> claim -> read -> route -> archive commit -> catalog.

Only this module knows the order. One batch (one archive version) per client folder per pass.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dossier import intake
from dossier.archive import Archive, Batch, Item, Snapshot, accesslog
from dossier.catalog import Catalog
from dossier.outputs import receipt_text, report_files
from dossier.codes import find_credit_codes
from dossier.config import Config
from dossier.errors import DossierError, ReadError, UsageError
from dossier.intake import Entry
from dossier.models import Outcome, Progress, Reading, Understanding
from dossier.naming import client_id_for
from dossier.reading.document import Interrupted, looks_complete, read_document, sniff
from dossier.reading.understand import document_name, understand

log = logging.getLogger(__name__)

QUARANTINE_TITLE = "收件失败：文件已移入 _failed 隔离文件夹"
UNSORTED_TITLE = "无法确定客户：文件已移入 _unsorted 待分拣文件夹"


@dataclass
class Claimed:
    entry: Entry
    path: Path
    reading: Reading | None = None
    understanding: Understanding = Understanding()
    codes: tuple[str, ...] = ()


class LazyOcr:
    """The OCR worker pool, started on the first page that needs it and kept for the service's life."""

    def __init__(self, engine: str, workers: int):
        self.engine, self.workers = engine, workers
        self.pool = None

    def imap(self, items):
        if self.pool is None:
            from dossier.reading.ocr import OcrPool

            self.pool = OcrPool(self.engine, self.workers)
            self.pool.start()
        return self.pool.imap(items)

    def close(self, timeout: float = 5.0) -> None:
        if self.pool is not None:
            self.pool.close(timeout)
            self.pool = None


def is_home(config: Config) -> bool:
    return config.archive.joinpath("0=ocfl_1.1").exists() and config.inbox.is_dir()


def init_home(config: Config) -> list[str]:
    """Create (or complete) a dossier home. Idempotent. Returns what was created."""
    created = []
    for folder in (config.inbox, config.archive, config.templates):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(str(folder))
    Archive(config).init()
    from dossier.outputs.reports import install_defaults

    created += [str(p) for p in install_defaults(config.templates)]
    return created


class Pipeline:
    def __init__(self, config: Config, on_progress: Callable[[Progress], None] | None = None):
        if not is_home(config):
            raise UsageError(
                f"{config.home} 不是 dossier 主目录（缺少 inbox/ 或 archive/）。"
                f"请先运行 `dossier --home {config.home} init`，或用 --home / DOSSIER_HOME 指定主目录。"
            )
        self.config = config
        self.archive = Archive(config)
        self.catalog = Catalog(config.catalog_path)
        self.settle = intake.SettleTracker(config.settle_seconds)
        self.on_progress = on_progress or (lambda progress: None)
        self.stop = threading.Event()
        self.progress = Progress()
        self.ocr = LazyOcr(config.ocr_engine, config.ocr_workers) if config.ocr_engine != "none" else None
        # every version carries fresh reports of its own state (check -> reports, design section 1)
        self.archive.derive = self._reports
        self._latest: dict[str, Snapshot] = {}  # head snapshot of each client committed this pass

    def close(self) -> None:
        if self.ocr is not None:  # stopping (SIGTERM): don't wait for a page in flight, it goes back to the inbox
            self.ocr.close(timeout=0.5 if self.stop.is_set() else 5.0)
        self.catalog.close()

    # -- start-up ---------------------------------------------------------
    def start(self) -> list[str]:
        """Finish or undo what a crashed run left, then bring the catalog up to date."""
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
                self.catalog.update(self.archive.snapshot(client, with_text=True))
                updated += 1
            if full:  # the access log lives in the object's logs/, outside versions
                accesslog.sync_catalog(self.archive, self.catalog, client)
        self.catalog.remove_missing(ids)
        return updated

    # -- one pass over the inbox ------------------------------------------
    def pass_once(self) -> tuple[list[Outcome], list[Entry]]:
        self._latest.clear()
        entries = intake.scan(self.config.inbox)
        self.settle.prune({e.rel for e in entries})
        ready: list[Entry] = []
        pending: list[Entry] = []
        outcomes: list[Outcome] = []
        for entry in entries:
            if entry.is_link:
                outcomes.append(self._set_aside_link(entry))
            elif self._ready(entry):
                ready.append(entry)
            else:
                pending.append(entry)
        # A clerk's drop into one folder becomes one version: hold a folder's settled files
        # while others in it are still being written (for at most a few quiet periods).
        busy = {e.incoming.folder for e in pending}
        hold_limit = 4 * self.config.settle_seconds
        groups: dict[str | None, list[Entry]] = defaultdict(list)
        # Root-level files are routed to existing clients: let the folders settle first, since
        # one of them may be the client a root file belongs to.
        folders_busy = any(folder is not None for folder in busy)
        for entry in ready:
            held = entry.incoming.folder in busy or (entry.incoming.folder is None and folders_busy)
            if held and self.settle.unchanged_for(entry) < hold_limit:
                pending.append(entry)
            else:
                groups[entry.incoming.folder].append(entry)
        self.progress = Progress(total=len(ready))
        for folder in sorted(groups, key=lambda f: (f is None, f or "")):
            if self.stop.is_set():
                break
            outcomes += self._process_group(folder, groups[folder])
        self._log(outcomes)
        return outcomes, pending

    def _ready(self, entry: Entry) -> bool:
        if not self.settle.ready(entry):
            return False
        try:
            media_type = sniff(entry.path)
            if media_type and not looks_complete(entry.path, media_type):
                # Still being copied, or truncated for good: wait until it has been still for long.
                return self.settle.unchanged_for(entry) >= self.config.stale_seconds
        except OSError:
            return False
        return True

    def _set_aside_link(self, entry: Entry) -> Outcome:
        try:
            target = str(entry.path.readlink())
        except OSError:
            target = "?"
        reason = (f"这是一个符号链接（指向 {target}），系统不会跟随链接读取其他位置的文件。"
                  "请把文件本身复制到收件箱。")
        dest = intake.set_aside(entry.path, entry, self.config.failed, reason, QUARANTINE_TITLE)
        return Outcome(entry.incoming.source, "quarantined", reason, moved_to=self._rel(dest))

    def _process_group(self, folder: str | None, entries: list[Entry]) -> list[Outcome]:
        batch_dir = intake.new_batch_dir(self.config)
        outcomes: list[Outcome] = []
        try:
            claimed = [Claimed(e, p) for e in entries if (p := intake.claim(e, batch_dir)) is not None]
            readable: list[Claimed] = []
            for item in claimed:
                problem = None
                if not self.stop.is_set():
                    self._step(item.entry.incoming.source)
                    problem = self._read(item)
                if problem:
                    dest = intake.set_aside(item.path, item.entry, self.config.failed, problem, QUARANTINE_TITLE)
                    outcomes.append(Outcome(item.entry.incoming.source, "quarantined", problem,
                                            moved_to=self._rel(dest)))
                elif item.reading is None:  # the service is stopping: back to the inbox, untouched
                    intake.release(item.path, batch_dir, self.config.inbox)
                    outcomes.append(Outcome(item.entry.incoming.source, "pending", "服务停止，下次启动时处理"))
                else:
                    readable.append(item)
            if folder is None:
                routed, unsorted = self._route(readable)
                outcomes += unsorted
                for client, items in routed.items():
                    outcomes += self._store(client, None, items, batch_dir)
            elif readable:
                client = self._client_for_folder(folder, readable)
                outcomes += self._store(client, folder, readable, batch_dir)
            if folder is not None and outcomes:
                self._receipt(self.config.inbox / entries[0].rel.split("/")[0], folder, outcomes)
        finally:
            intake.remove_batch_dir(batch_dir)
        return outcomes

    def _reports(self, snap: Snapshot) -> dict[str, bytes]:
        """Reports of a version. A user's broken template never blocks archiving the documents:
        the packaged default is used instead, and the error is logged for the administrator."""
        try:
            return report_files(snap, self.config.templates)
        except Exception as exc:
            message = exc.message if isinstance(exc, DossierError) else f"{type(exc).__name__}: {exc}"
            log.error("报告模板有问题，本次改用默认模板生成报告（请运行 `dossier templates check`）：%s", message)
        try:
            return report_files(snap, None)
        except Exception:
            log.exception("reports of %s %s could not be rendered; archived without fresh reports",
                          snap.client, snap.version)
            return {}

    def _receipt(self, folder_path: Path, folder: str, outcomes: list[Outcome]) -> None:
        """Tell the clerk, in the client folder, what this batch did and what is still missing."""
        if not folder_path.is_dir():
            return
        client = next((o.client for o in outcomes if o.client), None)
        try:
            snap = self._latest.get(client) if client else None
            if client and snap is None and self.archive.exists(client):
                snap = self.archive.snapshot(client)
            intake.write_receipt(folder_path, receipt_text(snap, folder, outcomes))
        except Exception:  # a receipt is a courtesy: it never costs a batch
            log.exception("receipt for %s not written", folder)

    def _step(self, source: str) -> None:
        self.progress.current = source
        self.on_progress(self.progress)
        self.progress.done += 1

    def _read(self, item: Claimed) -> str | None:
        """Read and understand one claimed file; a reason to quarantine it, or None."""
        source = item.entry.incoming.source
        try:
            reading = read_document(item.path, self.config.read_max_pages, self.ocr, self.config.ocr_max_pages,
                                    self.config.ocr_dpi, should_stop=self.stop.is_set)
        except ReadError as exc:
            return exc.message
        except Interrupted:
            return None  # stopping: the caller puts the file back
        except Exception as exc:  # a reader bug must not stop the service
            log.exception("reading %s failed", source)
            return f"读取时发生内部错误（{type(exc).__name__}: {exc}），请联系系统管理员。"
        try:
            item.understanding = understand(item.path, reading)
        except Exception as exc:  # a rule bug must not lose the file: archive it for review
            log.exception("understanding %s failed", source)
            item.understanding = Understanding(problems=(f"识别时发生内部错误（{type(exc).__name__}），请人工查看",))
        item.reading = reading
        name = Path(source).name
        item.codes = tuple(find_credit_codes(name + "\n" + reading.text))
        return None

    # -- routing ---------------------------------------------------------
    def _client_for_folder(self, folder: str, items: list[Claimed]) -> str:
        found = self.catalog.find_client(folder)
        if found:
            return found[0]
        if self.archive.exists(client_id_for(folder)):
            return client_id_for(folder)
        codes = {c for item in items for c in item.codes}
        if len(codes) == 1:
            found = self.catalog.find_client(codes.pop())
            if found:
                return found[0]
        return self.archive.new_client_id(folder)

    def _route(self, items: list[Claimed]) -> tuple[dict[str, list[Claimed]], list[Outcome]]:
        routed: dict[str, list[Claimed]] = defaultdict(list)
        unsorted: list[Outcome] = []
        for item in items:
            clients = sorted({c for code in item.codes for c in self.catalog.find_client(code)})
            if len(clients) == 1:
                routed[clients[0]].append(item)
                continue
            if not item.codes:
                reason = ("文件放在收件箱根目录，但文件名和文本中都没有找到统一社会信用代码。"
                          "请把文件放入对应客户的文件夹。")
            elif not clients:
                reason = (f"找到统一社会信用代码 {'、'.join(item.codes)}，但档案库中没有该代码的客户。"
                          "新客户请先建立客户文件夹，把文件放入其中。")
            else:
                reason = (f"文件中的统一社会信用代码对应多个客户（{'、'.join(clients)}），无法自动分拣。"
                          "请把文件放入对应客户的文件夹。")
            dest = intake.set_aside(item.path, item.entry, self.config.unsorted, reason, UNSORTED_TITLE)
            unsorted.append(Outcome(item.entry.incoming.source, "unsorted", reason, moved_to=self._rel(dest)))
        return routed, unsorted

    # -- commit ------------------------------------------------------------
    def _store(self, client: str, folder: str | None, items: list[Claimed], batch_dir: Path) -> list[Outcome]:
        batch = Batch(
            items=[Item(i.entry.incoming, i.path, i.reading, i.understanding,
                        document_name(i.understanding, Path(i.entry.incoming.source).name)) for i in items],
            credit_codes=[c for i in items for c in i.codes],
        )
        try:
            outcomes = self.archive.store_batch(client, folder, batch)
        except Exception as exc:
            message = exc.message if isinstance(exc, DossierError) else f"内部错误：{type(exc).__name__}: {exc}"
            if not isinstance(exc, DossierError):
                log.exception("commit to %s failed", client)
            else:
                log.error("归档失败（客户 %s）：%s", client, message)
            for item in items:
                intake.release(item.path, batch_dir, self.config.inbox)
            return [Outcome(i.entry.incoming.source, "pending", f"归档失败，文件已留在收件箱：{message}", client)
                    for i in items]
        for item in items:
            intake.done(item.path, batch_dir)
        try:
            self._latest[client] = self.archive.snapshot(client, with_text=True)  # read once: catalog and receipt
            self.catalog.update(self._latest[client])
        except Exception:  # the archive is the truth; the catalog catches up at next start
            log.exception("catalog update for %s failed", client)
        return outcomes

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
        for entry in pending:
            outcomes.append(Outcome(entry.incoming.source, "pending",
                                    "文件仍在写入或刚刚放入，尚未稳定；将在下次收件时处理"))
        return outcomes

    def watch(self, polling: bool = False, on_pass: Callable[[list[Outcome]], None] | None = None) -> None:
        """Serve the inbox until ``self.stop`` is set (SIGTERM/SIGINT in the CLI)."""
        events = intake.InboxEvents(self.config.inbox, polling, self.config.poll_seconds)
        events.start()
        next_rescan = 0.0
        period = self.config.verify_hours * 3600
        fixity: threading.Thread | None = None
        pending = False
        try:
            while not self.stop.is_set():
                now = time.monotonic()
                if period > 0 and time.time() >= self._last_verify() + period and not (fixity and fixity.is_alive()):
                    fixity = self._verify_in_background()
                if events.wake.is_set() or pending or now >= next_rescan:
                    events.wake.clear()
                    try:
                        outcomes, waiting = self.pass_once()
                    except Exception:
                        log.exception("inbox pass failed; retrying")
                        outcomes, waiting = [], []
                        self.stop.wait(2)
                    pending = bool(waiting)
                    if outcomes and on_pass:
                        on_pass(outcomes)
                    if now >= next_rescan:
                        next_rescan = now + self.config.rescan_seconds
                if not events.alive() and not self.stop.is_set():
                    log.warning("inbox watcher stopped; restarting it")
                    self.config.inbox.mkdir(parents=True, exist_ok=True)
                    events.stop()
                    events.start()
                events.wake.wait(timeout=0.5 if pending else 1.0)
        finally:
            events.stop()

    # -- fixity ------------------------------------------------------------------
    def verify_all(self) -> dict:
        """Re-hash every stored file of every client; log the result; damage is logged as an error."""
        started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        damaged: dict[str, list[str]] = {}
        checked = 0
        for client in self.archive.client_ids():
            if self.stop.is_set():
                break
            problems = self.archive.verify(client)
            checked += 1
            if problems:
                damaged[client] = [f"{p.path}（{p.detail}）" for p in problems]
        result = {"time": started, "clients": checked, "damaged": damaged, "complete": not self.stop.is_set()}
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.config.state_dir / "fixity.log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")
        alert = self.config.state_dir / "FIXITY-ALERT.txt"
        if damaged:
            lines = [f"{started} 固定性校验发现档案损坏，请立即从备份恢复下列文件并运行 `dossier verify` 复核："]
            lines += [f"  {client}: {item}" for client, items in damaged.items() for item in items]
            alert.write_text("\n".join(lines) + "\n", encoding="utf-8")
            for line in lines:
                log.error("%s", line)
        else:
            alert.unlink(missing_ok=True)
            log.info("固定性校验完成：%d 个客户档案完好", checked)
        return result

    def _last_verify(self) -> float:
        """When the last fixity check ended (its log's mtime), so restarts keep the schedule."""
        try:
            return (self.config.state_dir / "fixity.log.jsonl").stat().st_mtime
        except FileNotFoundError:
            return 0.0

    def _verify_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self._verify_safely, name="dossier-fixity", daemon=True)
        thread.start()
        return thread

    def _verify_safely(self) -> None:
        try:
            self.verify_all()
        except Exception:
            log.exception("scheduled fixity check failed")

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
            for o in outcomes:
                fh.write(json.dumps({"time": stamp, **o.to_json()}, ensure_ascii=False) + "\n")
