"""What the stages pass along (a group of claimed files), the lazily started OCR pool, and the home."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dossier import intake
from dossier.archive import Archive, Snapshot
from dossier.config import Config, settings_toml
from dossier.intake import Entry
from dossier.models import Outcome, Reading, Understanding
from dossier.outputs.reports import install_defaults


@dataclass
class Claimed:
    """One file of a group on its way: the inbox entry, the claimed copy, what reading learnt."""

    entry: Entry
    path: Path
    reading: Reading | None = None
    understanding: Understanding = Understanding()
    codes: tuple[str, ...] = ()
    note: str = ""  # why it went to another client than its folder's (both receipts say so)
    sha512: str = ""  # of the claimed copy, once routing needed it (``Routing._fresh``)


@dataclass
class Group:
    """The settled files of one client folder (``folder``) or of the inbox root (None) in one pass."""

    folder: str | None
    entries: list[Entry]
    work: Path | None = None
    claimed: list[Claimed] = field(default_factory=list)
    home: str | None = None  # the folder's client (None for the inbox root)
    clients: dict[str, list[Claimed]] = field(default_factory=dict)
    heads: dict[str, Snapshot] = field(default_factory=dict)  # the new head of each client committed
    outcomes: list[Outcome] = field(default_factory=list)


class LazyOcr:
    """The OCR worker pool, started on the first page that needs it and kept for the service's life.

    It heals: a pool closed by a worker's fatal error (an engine that could not start) is replaced by
    a fresh one for the next file, instead of every later scan failing until the service restarts.
    ``page_timeout`` (seconds a page may take) and ``memory_mb`` (each worker's address space) bound
    the workers; ``engine_options`` go to the engine (the fake engine's ``delay``)."""

    def __init__(self, engine: str, workers: int, *, page_timeout: float | None = 600.0, memory_mb: int = 0,
                 engine_options: dict | None = None):
        self.engine, self.workers = engine, workers
        self.page_timeout, self.memory_mb = page_timeout, memory_mb
        self.engine_options = dict(engine_options or {})
        self.pool = None
        self.renewals = 0  # pools replaced after a fatal error

    @classmethod
    def for_config(cls, config: Config, **engine_options) -> "LazyOcr":
        budget = float(config.ocr_file_seconds)
        page_timeout = min(600.0, budget) if budget > 0 else 600.0  # one page never outlasts its file's budget
        return cls(config.ocr_engine, config.ocr_workers, page_timeout=page_timeout,
                   memory_mb=int(config.read_memory_mb), engine_options=engine_options)

    def imap(self, items, should_stop=None):
        if self.pool is not None and self.pool.closed:
            self.pool = None
            self.renewals += 1
        if self.pool is None:
            from dossier.reading.ocr import OcrPool

            self.pool = OcrPool(self.engine, self.workers, engine_options=self.engine_options,
                                page_timeout=self.page_timeout, memory_mb=self.memory_mb)
            self.pool.start()
        return self.pool.imap(items, should_stop)

    def close(self, timeout: float = 5.0) -> None:
        if self.pool is not None:
            self.pool.close(timeout)
            self.pool = None


def is_home(config: Config) -> bool:
    return config.archive.joinpath("0=ocfl_1.1").exists() and config.inbox.is_dir()


def init_home(config: Config) -> list[str]:
    """Create (or complete) a dossier home. Idempotent. Returns what was created."""
    created = []
    os.umask(config.umask)  # the archive and state private from the start (group_access)
    for folder in (config.inbox, config.archive, config.templates):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(str(folder))
    if config.inbox in map(Path, created):
        os.chmod(config.inbox, intake.SHARED_DIR)  # the clerks' share
    Archive(config).init()
    created += [str(p) for p in install_defaults(config.templates)]
    example = config.home / "dossier.toml.example"  # documentation, regenerated: every setting at its default
    if not example.exists() or example.read_text(encoding="utf-8") != settings_toml():
        example.write_text(settings_toml(), encoding="utf-8")
        created.append(str(example))
    return created
