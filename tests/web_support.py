"""A real workplace for web tests: a home with synthetic clients, users of every role, and
``dossier serve`` (gunicorn) on a free port of 127.0.0.1, driven over HTTP like a browser would.

``Workplace`` starts it (once per test module, see the fixtures in the test modules); ``Browser`` is a
small cookie-keeping HTTP client (urllib) that logs in through the login form with its CSRF token.
Playwright tests use ``Workplace.url`` with a real Chromium instead.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
PASSWORD = "Werkplaats-2026!"  # every test user's (the validators accept it)
#: One user per role; the manager is assigned the first demo client only.
USERS = {"clerk1": "clerk", "hegui": "compliance", "jingli": "manager", "admin1": "admin"}


def _cli(home: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = VENV_BIN / "dossier"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dossier"]
    full_env = {**os.environ, "DOSSIER_SETTLE_SECONDS": "0", "DOSSIER_STALE_SECONDS": "0",
                "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1", **(env or {})}
    return subprocess.run([*cmd, "--home", str(home), *args], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=600)


def cli(home: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    got = _cli(home, *args, stdin=stdin, env=env)
    assert got.returncode == 0, f"dossier {' '.join(args)}: {got.stdout}{got.stderr}"
    return got


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Workplace:
    home: Path
    port: int = 0
    process: subprocess.Popen | None = None
    clients: list[str] = field(default_factory=list)
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def create(cls, home: Path, demo: bool = True) -> "Workplace":
        """A home with the demo clients ingested (fake OCR: the demo's scans are left for review)
        and the users of ``USERS``; the manager is assigned the first client."""
        cli(home, "init")
        wp = cls(home)
        if demo:
            import dossier_factory as samples

            samples.write_demo_inbox(home / "inbox")
            cli(home, "ingest")
            wp.clients = [c["client"] for c in json.loads(cli(home, "list", "--json").stdout)["clients"]]
        for name, role in USERS.items():
            cli(home, "user", "add", name, "--role", role, stdin=PASSWORD + "\n")
        if wp.clients:
            cli(home, "user", "assign", "jingli", wp.clients[0])
        return wp

    def start(self) -> "Workplace":
        self.port = free_port()
        self.log = self.home.parent / f"serve-{self.port}.log"
        env = {**os.environ, "DOSSIER_OCR_ENGINE": "fake", "DOSSIER_OCR_WORKERS": "1",
               "DOSSIER_WEB_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        exe = VENV_BIN / "dossier"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dossier"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen([*cmd, "--home", str(self.home), "serve", "--port", str(self.port),
                                             "--workers", "1"], stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dossier serve exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(self.url + "/login/", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"dossier serve did not answer: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def browser(self, user: str | None = None) -> "Browser":
        b = Browser(self.url)
        if user is not None:
            b.login(user)
        return b


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


class Browser:
    """Cookies, CSRF from the forms, no automatic redirects (tests look at them)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                files: dict | None = None, body: bytes | None = None) -> Response:
        url = path if path.startswith("http") else self.base + urllib.parse.quote(path, safe="/?=&%:+")
        hdrs = {"Referer": self.base + "/", **(headers or {})}
        if files is not None:
            body, ctype = _multipart(data or {}, files)
            hdrs["Content-Type"] = ctype
        elif data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode("utf-8")
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
        try:
            with self.opener.open(req, timeout=120) as r:
                return Response(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read())

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert m, f"no CSRF token on {path}: {page.status} {page.text[:300]}"
        return m[1]

    def post(self, path: str, data: dict | None = None, form: str | None = None, **kw) -> Response:
        """POST with the CSRF token of the form on page ``form`` (default: ``path``)."""
        data = dict(data or {})
        data.setdefault("csrfmiddlewaretoken", self.csrf(form or path))
        return self.request("POST", path, data=data, **kw)

    def login(self, user: str, password: str = PASSWORD) -> Response:
        got = self.post("/login/", {"username": user, "password": password})
        assert got.status == 302, f"login of {user}: {got.status} {got.text[:300]}"
        return got


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """``files``: name -> list of (filename, bytes, content type)."""
    boundary = "----dossier" + os.urandom(8).hex()
    out = bytearray()
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{v}\r\n'.encode("utf-8")
    for name, items in files.items():
        for filename, content, ctype in items:
            out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode("utf-8") + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode("utf-8")
    return bytes(out), f"multipart/form-data; boundary={boundary}"
