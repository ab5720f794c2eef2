"""The JSON API under ``/api/`` (issue 13): the same shapes as the CLI's ``--json``.

``GET /api/clients``                    ``dossier status --json``: ``{"clients": [...]}`` (visible clients)
``GET /api/clients/<client>``           ``dossier show <client> --json``
``GET /api/clients/<client>/warnings``  ``dossier warnings <client> --json``
``GET /api/clients/<client>/pull.zip``  a BagIt zip, as ``dossier pull --out x.zip`` (logged as a pull)
``GET /api/search?q=&client=&type=&limit=``  ``dossier search --json``: ``{"query", "client", "type", "results"}``

A session cookie or ``Authorization: Bearer TOKEN`` (``security``). Anonymous: 401; a role or client
outside the user's rights: 403; no such client: 404; bad parameters: 400; always JSON. (``/api/review``
lives with the review queue, ``views/review.py``.)
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from dossier import lookup, timefmt
from dossier.checks import monitor
from dossier.errors import DossierError, UsageError
from dossier.web import access

from .common import client_or_404, pipe
from .dossiers import pull_response, search_hits

MAX_LIMIT = 500


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2})


def _error(code: str, message: str, status: int) -> JsonResponse:
    return _json({"error": code, "message": message}, status)


def json_errors(view):
    """Refusals and failures as JSON (outside ``access.require``, which answers 401 itself)."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return _error("forbidden", "您的角色无权进行此操作，或无权查看这个客户。", 403)
        except Http404:
            return _error("not_found", "没有这个客户。", 404)
        except UsageError as e:
            return _error("bad_request", e.message, 400)
        except DossierError as e:
            return _error("failed", e.message, 500)

    return inner


@require_GET
@json_errors
@access.require("clients")
def clients(request):
    p = pipe()
    ids = access.visible_clients(request.user, [c["client"] for c in p.catalog.clients()])
    # the catalog's stored texts of these objects, joined: the same JSON without parsing and
    # serialising every checklist again (1,000 clients are megabytes)
    body = '{"clients": [' + ", ".join(p.catalog.status_texts(ids)) + "]}"
    return HttpResponse(body.encode("utf-8"), content_type="application/json")


@require_GET
@json_errors
@access.require("view_client", client_arg="client")
def client(request, client: str):
    snap = pipe().archive.head(client_or_404(client))
    return _json(timefmt.iso_fields(snap.to_json(), ("confirmed_at", "at")))


@require_GET
@json_errors
@access.require("view_client", client_arg="client")
def warnings(request, client: str):
    """The client of ``dossier warnings CLIENT --json``: ratios, warnings, due dates, re-evaluation."""
    return _json({"clients": [monitor.client_watch(pipe().archive.head(client_or_404(client)), date.today())]})


@require_GET
@json_errors
@access.require("pull", client_arg="client")
def pull(request, client: str):
    return pull_response(request, client_or_404(client))


@require_GET
@json_errors
@access.require("search")
def search(request):
    text = (request.GET.get("q") or "").strip()
    if not text:
        raise UsageError("请给出要查找的文字：?q=恒远机械")
    cid = (request.GET.get("client") or "").strip() or None
    if cid is not None:
        if not access.allowed(request.user, "search", cid):
            raise PermissionDenied
        cid = client_or_404(cid)
    kind = (request.GET.get("type") or "").strip() or None
    doc_type = lookup.doc_types("type").resolve(kind) if kind else None
    try:
        limit = min(MAX_LIMIT, max(1, int(request.GET.get("limit") or 50)))
    except ValueError:
        raise UsageError("limit 须为正整数。") from None
    hits = search_hits(request.user, text, cid, doc_type, limit)
    return _json({"query": text, "client": cid, "type": doc_type, "results": hits})


urlpatterns = [
    path("clients", clients, name="api-clients"),
    path("clients/<str:client>", client, name="api-client"),
    path("clients/<str:client>/warnings", warnings, name="api-warnings"),
    path("clients/<str:client>/pull.zip", pull, name="api-pull"),
    path("search", search, name="api-search"),
]
