"""The web workplace's foundation (issue 13): logins, roles, the audit trail of logins, security
headers, CSRF; on a real server (``dossier serve``) with users of every role."""

from __future__ import annotations

import json

import pytest

from web_support import PASSWORD, Workplace, cli


@pytest.fixture(scope="module")
def wp(tmp_path_factory):
    place = Workplace.create(tmp_path_factory.mktemp("web") / "home").start()
    yield place
    place.stop()


def test_anonymous_pages_redirect_to_login_and_the_api_answers_401(wp):
    b = wp.browser()
    got = b.get("/")
    assert got.status == 302 and got.headers["Location"].startswith("/login/")
    assert b.get("/api/clients").status == 401


@pytest.mark.parametrize("user", ["clerk1", "hegui", "jingli", "admin1"])
def test_each_role_logs_in_and_sees_the_dashboard(wp, user):
    page = wp.browser(user).get("/")
    assert page.status == 200 and user in page.text and "退出" in page.text


def test_a_failed_login_is_refused_and_logged(wp):
    b = wp.browser()
    got = b.post("/login/", {"username": "hegui", "password": "wrong-password"})
    assert got.status == 401 and "不正确" in got.text
    log = (wp.home / ".dossier" / "web-logins.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in log]
    assert any(e["event"] == "login_failed" and e["user"] == "hegui" and e["address"] == "127.0.0.1" for e in events)


def test_logins_are_throttled_after_repeated_failures(wp):
    b = wp.browser()
    for _ in range(5):
        b.post("/login/", {"username": "nosuchuser", "password": "x"})
    got = b.post("/login/", {"username": "nosuchuser", "password": "x"})
    assert "次数过多" in got.text


def test_a_post_without_csrf_token_is_refused(wp):
    b = wp.browser("hegui")
    got = b.request("POST", "/logout/", data={})
    assert got.status == 403 and "CSRF" in got.text


def test_security_headers_on_every_page(wp):
    got = wp.browser().get("/login/")
    assert "frame-ancestors 'none'" in got.headers["Content-Security-Policy"]
    assert got.headers["X-Frame-Options"] == "DENY" and got.headers["X-Content-Type-Options"] == "nosniff"
    cookie = got.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_users_are_managed_from_the_command_line_without_default_accounts(tmp_path):
    home = tmp_path / "home"
    cli(home, "init")
    assert "还没有用户" in cli(home, "user", "list").stdout
    from web_support import _cli

    weak = _cli(home, "user", "add", "x", "--role", "clerk", stdin="123\n")
    assert weak.returncode == 2 and "密码不符合要求" in weak.stderr
    cli(home, "user", "add", "wang", "--role", "manager", stdin=PASSWORD + "\n")
    token = cli(home, "user", "token", "wang").stdout.strip()
    assert len(token) >= 40
    users = json.loads(cli(home, "user", "list", "--json").stdout)["users"]
    assert users[0]["name"] == "wang" and users[0]["role"] == "manager" and users[0]["tokens"] == 1
    assert token not in (home / ".dossier" / "web.sqlite3").read_bytes().decode("latin-1")
    cli(home, "user", "disable", "wang")
    assert json.loads(cli(home, "user", "list", "--json").stdout)["users"][0]["active"] is False
