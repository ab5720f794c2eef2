"""Plain frozen data passed between stages. Leaf module."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

OUTCOMES = ("archived", "duplicate", "quarantined", "unsorted", "pending")


@dataclass(frozen=True)
class Incoming:
    """A file seen in the inbox.

    ``source`` is its path relative to the inbox as the clerk named it (decoded, NFC);
    ``folder`` is the client sub-folder it was dropped in, or None at the inbox root.
    """

    path: Path
    source: str
    folder: str | None


@dataclass(frozen=True)
class Reading:
    """What the read stage learnt of a file. ``pages_text`` holds one string per page read."""

    media_type: str
    pages: int | None
    pages_text: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.pages_text)


@dataclass(frozen=True)
class Outcome:
    """The result of one inbox file, as printed by ``ingest --json``."""

    source: str
    outcome: str
    reason: str = ""
    client: str | None = None
    path: str | None = None
    version: str | None = None
    sha512: str | None = None
    moved_to: str | None = None

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "outcome": self.outcome,
            "reason": self.reason,
            "client": self.client,
            "path": self.path,
            "version": self.version,
            "sha512": self.sha512,
            "moved_to": self.moved_to,
        }


@dataclass
class Progress:
    """Counts for progress display; the CLI renders it."""

    total: int = 0
    done: int = 0
    current: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
