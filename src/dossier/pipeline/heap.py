"""What an ingesting process holds when it starts, kept out of the cyclic garbage collector's full passes.

A full collection walks every container object the process holds. An ingester starts with some 100,000 of
them (the imported modules: python-docx, lxml's wrappers, Jinja, matplotlib...) that live as long as it does;
a commit into a dossier of 2,000 documents allocates enough new ones (the inventory, the head's documents,
the index rows) to set off a full pass, and walking the start-up heap was most of its cost.
``gc.freeze`` moves what exists now to the permanent generation, which collections skip (the standard
library's own use for it: "to speed up collection"); ``gc.unfreeze`` gives it back when the last holder
closes. Reference counting frees frozen objects as usual: only a reference cycle among objects frozen here
waits until then.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_holders = 0


def hold() -> None:
    """Freeze the heap as it is (the first holder only; later ones share it)."""
    global _holders
    with _lock:
        if _holders == 0:
            gc.freeze()
        _holders += 1


def release() -> None:
    """Undo one ``hold``; the last release returns the frozen objects to the oldest generation."""
    global _holders
    with _lock:
        if _holders == 0:
            return
        _holders -= 1
        if _holders == 0:
            gc.unfreeze()
