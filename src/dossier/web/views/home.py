"""The dashboard: clients, complete and incomplete, items in review, quarantined files, documents
expiring soon (issue 13), clients to re-evaluate (issue 14)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import render

from dossier.checks import expiring_soon
from dossier.rules import load_thresholds
from dossier.web import access

from .common import config, pipe


#: Expiring documents listed on the dashboard (all are counted).
EXPIRING_SHOWN = 10


def _quarantined(cfg) -> int:
    try:
        return sum(1 for p in cfg.failed.iterdir() if p.name.endswith(".reason.txt"))
    except FileNotFoundError:
        return 0


def _unsorted(cfg) -> int:
    try:
        return sum(1 for p in cfg.unsorted.iterdir() if p.is_file() and not p.name.endswith(".reason.txt"))
    except FileNotFoundError:
        return 0


@access.require("dashboard")
def dashboard(request):
    p, cfg, user = pipe(), config(), request.user
    cards = {"quarantined": _quarantined(cfg), "unsorted": _unsorted(cfg)}
    if access.allowed(user, "clients"):  # from the catalog's summaries: fast with 1,000 clients
        ids = access.visible_clients(user, sorted(p.catalog.heads()))
        summaries = p.catalog.status_summaries(ids)
        cards.update(clients=len(ids), complete=sum(1 for s in summaries if s["complete"]),
                     incomplete=sum(1 for s in summaries if not s["complete"]),
                     review_items=sum(s["review_items"] or 0 for s in summaries))
        expiring = expiring_soon(p.catalog, date.today(), ids)
        cards["expiring"] = len(expiring)
        shown = expiring[:EXPIRING_SHOWN]
        again = p.catalog.reevaluating(ids)
        cards["reevaluate"] = len(again)
    else:
        shown, again = [], []
    if access.allowed(user, "review"):
        cards["review_documents"] = p.catalog.flagged_count()
    return render(request, "web/dashboard.html", {"cards": cards, "expiring": shown, "reevaluate": again,
                                                  "expiring_days": load_thresholds().expiring_days})


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"title": "无权访问", "message": "您的角色无权查看或进行此操作。"
                                             "如需权限，请联系管理员。"}, status=403)


def not_found(request, exception=None):
    return render(request, "web/error.html", {"title": "找不到页面", "message": "没有这个页面或客户。"}, status=404)
