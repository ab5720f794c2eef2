"""Small file helpers shared by the stages (leaf module: imports nothing from the package)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


def install_missing(sources: Iterable[Path], folder: Path) -> list[Path]:
    """Copy each source file into ``folder`` under its own name where absent; an existing file (a user's
    edited copy) is never touched. Each copy is written beside its target and renamed into place, so a
    crash leaves no half-written file under the real name. Returns the files written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        target = folder / source.name
        if target.exists():
            continue
        tmp = folder / f".{source.name}.tmp"
        tmp.write_bytes(Path(source).read_bytes())
        os.replace(tmp, target)
        written.append(target)
    return written
