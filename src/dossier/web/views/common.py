"""What every view shares: this process's library handle, the active config, small helpers."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.http import Http404

from dossier.errors import ClientNotFound
from dossier.pipeline import Pipeline

#: How often a web process brings the catalog up to date itself when no watcher runs (seconds).
SYNC_SECONDS = 10.0
_local = threading.local()


def config():
    return settings.CONFIG


def pipe() -> Pipeline:
    """The library for this thread (one per worker thread: the catalog's SQLite connection is not
    shared). Started as a reader; decisions commit under each object's own lock, as ``case`` does."""
    p = getattr(_local, "pipe", None)
    if p is None:
        p = Pipeline(settings.CONFIG)
        p.start("reader")
        _local.pipe, _local.synced = p, time.monotonic()
    elif time.monotonic() - _local.synced > SYNC_SECONDS:
        _local.synced = time.monotonic()
        if not p.writer.busy():  # a running watcher keeps the catalog current itself
            try:
                p.sync_catalog()
            except Exception:  # a cache: pages answer from the archive regardless
                import logging

                logging.getLogger(__name__).exception("catalog sync failed")
    return p


def client_or_404(client: str) -> str:
    """A client id from a URL, resolved through the catalog and the archive (never a path)."""
    p = pipe()
    if client in p.catalog.heads() and p.archive.exists(client):
        return client
    raise Http404("没有这个客户。")


def when(value) -> str:
    from dossier import timefmt

    return timefmt.human(value, settings.CONFIG.tz) if value else ""


__all__ = ["ClientNotFound", "client_or_404", "config", "pipe", "when"]
