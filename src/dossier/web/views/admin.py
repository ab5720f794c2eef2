"""The administrator's pages: users and the login log (read-only: user changes stay in the CLI),
and the rule and template checks (``dossier rules check``, ``dossier templates check``)."""

from __future__ import annotations

from pathlib import Path

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from dossier.rules import check_rules
from dossier.web import access, accounts, audit

from .common import config, when

LOGIN_EVENTS_ZH = {"login": "登录", "login_failed": "登录失败", "logout": "退出"}
REASONS_ZH = {"bad credentials": "用户名或密码不正确", "throttled": "失败次数过多，暂停登录", "no role": "账户没有角色",
              "": ""}


@require_GET
@access.require("users")
def users_page(request):
    users = [{**u, "role_zh": access.ROLE_ZH.get(u["role"] or "", "（无角色）"), "last_login_at": when(u["last_login"])}
             for u in accounts.list_users()]
    logins = [{**e, "event_zh": LOGIN_EVENTS_ZH.get(e.get("event"), e.get("event")), "when": when(e.get("time")),
               "reason_zh": REASONS_ZH.get(e.get("reason") or "", e.get("reason") or "")}
              for e in reversed(audit.read_logins(config()))]
    return render(request, "web/users.html", {"users": users, "logins": logins})


def _templates(templates_dir: Path) -> list[Path]:
    """The report templates in use (the company's copies where present), then other .docx files in
    the templates folder: what ``dossier templates check`` checks."""
    from dossier.outputs.reports import TEMPLATES, template_path

    paths = [template_path(name, templates_dir) for name in TEMPLATES]
    if templates_dir.is_dir():
        paths += sorted(p for p in templates_dir.glob("*.docx") if p.name not in TEMPLATES and not p.name.startswith("~$"))
    return paths


@require_GET
@access.require("users")
def checks_page(request):
    from dossier.outputs.template_check import check_template

    cfg = config()
    rules = check_rules(cfg.rules)
    templates = [{"path": p, "problems": check_template(p)} for p in _templates(cfg.templates)]
    return render(request, "web/checks.html", {"rules": rules, "templates": templates, "rules_dir": cfg.rules,
                                               "bad": sum(1 for r in rules if r.error) + sum(1 for t in templates
                                                                                             if t["problems"])})


urlpatterns = [
    path("admin/users/", users_page, name="admin-users"),
    path("admin/checks/", checks_page, name="admin-checks"),
]
