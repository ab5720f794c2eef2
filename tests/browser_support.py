"""A real Chromium for the web workplace's end-to-end tests (issue 13): Playwright for Python driving
Debian's ``chromium`` package (Playwright's own browser download is not reachable here; design.md's
known traps). ``launch`` fails, never skips, when either is missing: CI must run these tests.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from web_support import PASSWORD

CHROMIUM = Path(os.environ.get("DOSSIER_CHROMIUM", "/usr/bin/chromium"))
#: Headless flags of design.md: without the networking ones Chromium keeps calling hosts this machine
#: cannot reach. No --user-data-dir: Playwright makes its own temporary profile and refuses one.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
#: Generous: a loaded 2-core machine renders page images and commits versions while we wait.
TIMEOUT_MS = 60_000
OFFICE = {"width": 1366, "height": 768}  # issue 13: usable on a 1366x768 office screen
PHONE = {"width": 360, "height": 740}


def playwright_or_fail():
    """``sync_playwright`` and the chromium path, or a test failure naming the set-up that installs them."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:  # pragma: no cover - the test extras install it
        pytest.fail(f"Playwright for Python is not installed ({e}): run `make setup` (pip install -e '.[test]') "
                    "and `make sysdeps` (Debian's chromium)", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make sysdeps` (installs Debian's chromium package, "
                    "deploy/apt-packages.txt)", pytrace=False)
    return sync_playwright


def launch(playwright):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)


def new_context(browser, base_url: str, viewport: dict = OFFICE, **kw):
    ctx = browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                              accept_downloads=True, **kw)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    return ctx


def login(page, user: str, password: str = PASSWORD, ok: bool = True) -> None:
    """Through the login form, as a person does."""
    from playwright.sync_api import expect

    page.goto("/login/")
    page.get_by_label("用户名", exact=True).fill(user)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    if ok:
        expect(page.get_by_role("button", name="退出")).to_be_visible()
        expect(page.get_by_text(user, exact=False).first).to_be_visible()


def jsonl(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return []


def head_state(object_root: Path) -> dict[str, list[str]]:
    """The head version's logical paths of an OCFL object, by digest (its inventory)."""
    inv = json.loads((object_root / "inventory.json").read_text(encoding="utf-8"))
    return inv["versions"][inv["head"]]["state"]


def head_paths(object_root: Path) -> set[str]:
    return {p for paths in head_state(object_root).values() for p in paths}


def head_version(object_root: Path) -> str:
    return json.loads((object_root / "inventory.json").read_text(encoding="utf-8"))["head"]


def screenshot_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("DOSSIER_SCREENSHOTS")
    out = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out
