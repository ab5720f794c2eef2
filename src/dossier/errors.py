"""Errors with a Chinese message for the user and an exit code (design section 4).

Leaf module: imports nothing from the package.
"""

from __future__ import annotations


class DossierError(Exception):
    """Base error. ``message`` is shown to the user as is (Chinese)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(DossierError):
    """Bad command-line usage or configuration."""

    exit_code = 2


class ConfigError(UsageError):
    """An invalid setting in dossier.toml or a DOSSIER_* variable."""


class ClientNotFound(UsageError):
    """No client matches the given id, name or credit code."""


class AmendmentRefused(UsageError):
    """``dossier amend`` refused the file: not a Word .docx, or identical to the issued report or an earlier amendment."""


class WriterBusy(DossierError):
    """Another process already ingests into this home (``watch`` or ``ingest`` holds the writer lock)."""

    exit_code = 2


class ArchiveError(DossierError):
    """The archive could not be read or written (OCFL store)."""


class LockBusy(ArchiveError):
    """Another process holds the lock of an object."""


class DamageFound(DossierError):
    """verify found damaged or missing files."""


class ReadError(DossierError):
    """A document could not be read; ``reason`` goes to the quarantine note."""


class OcrError(DossierError):
    """OCR could not run (engine missing, model files missing, pool closed)."""


class OcrPageError(OcrError):
    """One page could not be read. ``index`` is its position in the request; ``ref`` the page."""

    def __init__(self, message: str, index: int | None = None, ref: object = None):
        super().__init__(message)
        self.index = index
        self.ref = ref

    def __reduce__(self):
        return (OcrPageError, (self.message, self.index, self.ref))


class TemplateProblem(DossierError):
    """A report template cannot be used (missing, damaged, a Jinja error, an unknown variable)."""


class ChartFontMissing(DossierError):
    """No CJK font on the machine to draw the Chinese text of a report's charts (never drawn as boxes)."""


class Interrupted(Exception):
    """Reading stopped because the service is stopping; the file goes back to the inbox (not an error)."""


class DecisionRefused(UsageError):
    """A confirmation, correction, move or withdrawal that cannot be recorded as asked (the message says why and what to do)."""
