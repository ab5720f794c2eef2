"""``dossier rules check`` / ``dossier rules init``: validate a company's rule folder, or start one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..files import install_missing
from .checklist import load_checklist
from .doctypes import load_doctypes
from .location import PACKAGED_DIR, RULE_FILES, rule_file
from .thresholds import load_thresholds
from .warnings import load_warnings


@dataclass(frozen=True)
class FileCheck:
    name: str  # doctypes.toml, checklist.toml, thresholds.toml, warnings.toml
    path: Path  # the file that was read (the packaged one when the folder has none)
    packaged: bool
    error: str | None  # the ConfigError message, None when valid


def check_rules(rules_dir: str | Path | None) -> list[FileCheck]:
    """Load every rule file of ``rules_dir`` as the service would (the checklist against that folder's
    doctypes, both with that folder's thresholds); one result per file, errors named by file and key."""
    loaders = {"thresholds.toml": load_thresholds, "doctypes.toml": load_doctypes, "checklist.toml": load_checklist,
               "warnings.toml": load_warnings}
    out = []
    for name in ("thresholds.toml", "doctypes.toml", "checklist.toml", "warnings.toml"):
        path = rule_file(name, rules_dir) if rules_dir else PACKAGED_DIR / name
        try:
            loaders[name](path)
            error = None
        except ConfigError as exc:
            error = exc.message
        out.append(FileCheck(name, path, path.parent.resolve() == PACKAGED_DIR.resolve(), error))
    return out


def install_rules(rules_dir: str | Path) -> list[Path]:
    """Copy the packaged rule files into ``rules_dir`` where absent; an existing file is never touched."""
    return install_missing([PACKAGED_DIR / name for name in RULE_FILES], Path(rules_dir))
