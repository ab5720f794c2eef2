"""The audit trail (issue 13 item 5): who looked at, downloaded, pulled or changed what, from where.

Reads of a client's archive (a document viewed, an original or a report downloaded, a pull) go
into that object's ``logs/access.jsonl`` beside the CLI's pulls (``archive.accesslog``). Logins,
failed ones too, go into the home-wide ``.dossier/web-logins.jsonl``. Corrections and other
decisions are versions of the archive with their notes; they are also logged here as events.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket

from dossier.archive import accesslog

LOGIN_LOG = "web-logins.jsonl"


def address(request) -> str:
    """The client's address: REMOTE_ADDR; behind nginx on this machine (``web_secure_cookies = "yes"``,
    the README's set-up, which overwrites X-Forwarded-For with ``$remote_addr``), the address nginx
    saw. A forwarded header from anywhere else is never believed."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE and forwarded and remote in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip()[:64]
    return remote


def user_name(request) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


def _append(path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def login_log_path(config):
    return config.state_dir / LOGIN_LOG


def log_login(config, request, username: str, ok: bool, reason: str = "") -> None:
    _append(login_log_path(config), {"time": accesslog.now_iso(), "event": "login" if ok else "login_failed",
                                     "user": username, "address": address(request),
                                     "agent": request.META.get("HTTP_USER_AGENT", "")[:200], "reason": reason})


def log_logout(config, request) -> None:
    _append(login_log_path(config), {"time": accesslog.now_iso(), "event": "logout", "user": user_name(request),
                                     "address": address(request)})


def read_logins(config, limit: int = 200) -> list[dict]:
    try:
        lines = login_log_path(config).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for raw in lines[-limit:]:
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def log_access(pipe, request, client: str, event: str, **detail) -> None:
    """One read of a client's archive, in its ``logs/access.jsonl`` (and the catalog's copy)."""
    entry = {"time": accesslog.now_iso(), "event": event, "user": user_name(request), "via": "web",
             "address": address(request), "host": socket.gethostname() or "localhost", "client": client, **detail}
    accesslog.record(pipe.archive, entry, pipe.catalog)
