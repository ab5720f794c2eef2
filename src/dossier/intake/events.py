"""Inbox change events (inotify or polling): hints that wake the watcher, never trusted alone."""

from __future__ import annotations

import threading
from pathlib import Path


#: Events that say something in the inbox changed. Opening or reading a file (our own probe of a file
#: still being copied, a clerk's viewer) is not a change: waking on it made the watcher poll itself.
CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed"})


class InboxEvents:
    """watchdog glue: a change under the inbox wakes the main loop. Never raises."""

    def __init__(self, inbox: Path, polling: bool, poll_seconds: float):
        self.inbox = inbox
        self.wake = threading.Event()
        self.polling = polling
        self.poll_seconds = poll_seconds
        self._observer = None

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        wake = self.wake

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # noqa: D401 - must never raise
                try:
                    if event.event_type in CHANGES and not (event.is_directory and event.event_type == "modified"):
                        wake.set()
                except Exception:  # pragma: no cover
                    pass

        observer = PollingObserver(timeout=self.poll_seconds) if self.polling else Observer()
        observer.schedule(Handler(), str(self.inbox), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def alive(self) -> bool:
        return self._observer is not None and self._observer.is_alive()

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
