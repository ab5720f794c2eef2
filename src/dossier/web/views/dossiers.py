"""Clients, a client's page, the document viewer, page images, downloads, pulls and search (issue 13).

Every client named by a URL is checked by ``access.require`` (a manager sees assigned clients only)
and resolved through the catalog (``client_or_404``); every document or report path is looked up in
the client's head snapshot or head state, never joined onto the filesystem: the bytes come from
``ObjectReader.content_path(sha512)``. Reads of a client's archive are logged (``audit``).
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path

from dossier import lookup
from dossier.archive import DOCUMENTS, REPORTS, accesslog
from dossier.checks import STATUS_ZH, client_status, item_name, monitor
from dossier.errors import DossierError, UsageError
from dossier.rules import load_checklist, load_warnings
from dossier.web import access, audit, pages

from .common import client_or_404, pipe, when

app_name = "dossiers"
PER_PAGE = 50
ACCESS_LOG_SHOWN = 200
STATUS_FILTERS = {"complete": "资料齐全", "incomplete": "资料不齐全", "review": "有待复核项"}
EVENT_ZH = {"view": "查看文件", "download": "下载", "pull": "导出"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- what views share (also used by the API) ---------------------------------------------------------

def logical(value: str, prefix: str) -> list[str]:
    """The logical paths a URL path may name: as given, or under ``prefix`` (``营业执照.pdf`` for
    ``documents/营业执照.pdf``); NFC like every logical path of the archive."""
    value = unicodedata.normalize("NFC", value or "")
    return [value] if value.startswith(prefix) else [value, prefix + value]


def document_or_404(snap, doc: str):
    """The document of the head snapshot a URL names (the head's documents only: never a file path)."""
    by_path = {d.path: d for d in snap.documents}
    for candidate in logical(doc, DOCUMENTS):
        if candidate in by_path:
            return by_path[candidate]
    raise Http404("没有这个文件。")


def head_reports(p, client: str) -> list[str]:
    """The ``reports/...`` paths of the client's head version."""
    return sorted(k for k in p.archive.store.reader(client).state() if k.startswith(REPORTS))


def status_of(p, snap) -> dict:
    """The client's ``status --json`` object: the catalog's copy when it is of this head."""
    cached = p.catalog.status_of(snap.client)
    if cached is not None and cached.get("version") == snap.version:
        return cached
    return client_status(snap)


def pull_response(request, client: str):
    """A BagIt zip of the client's dossier (``?version=``), logged by ``bag.pull`` with the web user,
    streamed and then deleted (the open file outlives its name)."""
    from dossier.outputs import bag

    p = pipe()
    version = request.GET.get("version") or None
    if version is not None:
        known = [v.name for v in p.archive.store.reader(client).versions()]
        version = lookup.resolve_version(version, client, known)
    name = version or p.archive.store.reader(client).head
    # bag.pull refuses destinations in the archive and its state folder: a private (0700) temp folder
    tmp = Path(tempfile.mkdtemp(prefix="dossier-pull-"))
    try:
        out = tmp / f"{client}_{name}.zip"
        result = bag.pull(p.archive, client, out, version=name, user=audit.user_name(request), catalog=p.catalog,
                          context={"via": "web", "address": audit.address(request)})
        handle = open(result.path, "rb")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return FileResponse(handle, as_attachment=True, filename=f"{client}_{result.version}.zip",
                        content_type="application/zip")


def search_hits(user, text: str, client: str | None, doc_type: str | None, limit: int = 50) -> list[dict]:
    """``catalog.search_documents`` within the clients ``user`` may see (the client given, when any)."""
    catalog = pipe().catalog
    if client is not None or access.sees_all(user):
        return catalog.search_documents(text, client=client, doc_type=doc_type, limit=limit)
    hits: list[dict] = []
    for mine in sorted(access.visible_clients(user, list(catalog.heads()))):
        if len(hits) >= limit:
            break
        hits.extend(catalog.search_documents(text, client=mine, doc_type=doc_type, limit=limit - len(hits)))
    return hits


def failed(request, error: DossierError):
    return render(request, "web/error.html", {"title": "无法完成", "message": error.message},
                  status=400 if isinstance(error, UsageError) else 500)


# --- the client list -----------------------------------------------------------------------------------

def _wanted(summary: dict, client: dict, want: dict) -> bool:
    statuses = summary["statuses"]  # item -> status id
    if want["status"] == "complete" and not summary["complete"]:
        return False
    if want["status"] == "incomplete" and summary["complete"]:
        return False
    if want["status"] == "review" and "review" not in statuses.values():
        return False
    if want["product"] and summary["product"] != want["product"]:
        return False
    if want["missing"] and statuses.get(want["missing"]) not in ("missing", "incomplete"):
        return False
    q = want["q"].casefold()
    return not q or any(q in (v or "").casefold() for v in (client["client"], client["name"], client["credit_code"]))


def _int(value, default: int = 1) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default


@access.require("clients")
def client_list(request):
    p = pipe()
    want = {k: (request.GET.get(k) or "").strip() for k in ("status", "product", "missing", "q")}
    rows = {c["client"]: c for c in p.catalog.clients()}
    ids = access.visible_clients(request.user, list(rows))
    products = lookup.products()
    found = []
    for s in p.catalog.status_summaries(ids):  # the catalog's, per head: no archive read per client
        c = rows.get(s["client"])
        if c is None or not _wanted(s, c, want):
            continue
        values = list(s["statuses"].values())
        counts = {k: values.count(k) for k in ("missing", "incomplete", "review")}
        found.append({"client": c["client"], "name": c["name"], "credit_code": c["credit_code"] or "",
                      "product": products.zh(s["product"]), "complete": s["complete"],
                      "counts": counts, "version": c["version"], "updated": when(c["updated"])})
    pages_total = max(1, (len(found) + PER_PAGE - 1) // PER_PAGE)
    page = min(_int(request.GET.get("page")), pages_total)
    query = {k: v for k, v in want.items() if v}
    checklist = load_checklist()
    return render(request, "web/clients.html", {
        "rows": found[(page - 1) * PER_PAGE: page * PER_PAGE], "total": len(found), "page": page,
        "pages": pages_total, "want": want, "query": query, "status_filters": STATUS_FILTERS,
        "products": list(products.names.items()),
        "items": [(i, checklist[i].name) for i in checklist.ids],
        "previous": page - 1 if page > 1 else None, "next": page + 1 if page < pages_total else None})


# --- a client's page --------------------------------------------------------------------------------

def _document_row(d, types) -> dict:
    return {"path": d.path, "name": d.path.rsplit("/", 1)[-1], "type": types.zh(d.doc_type) or "未识别",
            "confidence": d.confidence, "pages": d.pages, "version": d.version, "source": d.source,
            "review": d.review and not d.settled, "problems": list(d.problems), "confirmed_by": d.confirmed_by,
            "confirmed_at": when(d.confirmed_at), "corrected": bool(d.corrections)}


@access.require("view_client", client_arg="client")
def client_page(request, client: str):
    client = client_or_404(client)
    p = pipe()
    snap = p.archive.head(client)
    status = status_of(p, snap)
    types = lookup.doc_types()
    case = status.get("case") or {}
    items = [{"item": i["item"], "name": item_name(i["item"]), "status": i["status"],
              "status_zh": STATUS_ZH.get(i["status"], i["status"]), "required_years": i["required_years"],
              "years": i["years"], "documents": i["documents"], "problems": i["problems"]}
             for i in status.get("items") or []]
    versions = [{**v, "created": when(v["created"]), "count": sum(len(v[k]) for k in ("added", "changed", "renamed",
                                                                                      "removed"))}
                for v in reversed(p.archive.history(client))]
    log = None
    if access.allowed(request.user, "access_log", client):
        accesslog.sync_catalog(p.archive, p.catalog, client)
        entries = reversed(p.catalog.access_log(client)[-ACCESS_LOG_SHOWN:])  # the newest first
        log = [{**e, "time": when(e.get("time")), "event_zh": EVENT_ZH.get(e.get("event"), e.get("event"))}
               for e in entries]
    watch = monitor.client_watch(snap, date.today())
    years, ratio_rows = monitor.ratio_table(watch)
    return render(request, "web/client.html", {
        "snap": snap, "status": status, "items": items, "log": log, "versions": versions,
        "watch": watch, "ratio_years": years, "ratio_rows": ratio_rows,
        "due_soon": [e for e in watch["due"] if e["days_left"] <= load_warnings().due.within_days],
        "case": {**case, "product_zh": lookup.products().zh(case.get("product")),
                 "amount_text": f"{case['amount']:,.2f}" if case.get("amount") is not None else ""},
        "current": [_document_row(d, types) for d in snap.documents if d.in_force],
        "history": [_document_row(d, types) for d in snap.documents if not d.in_force],
        "reports": head_reports(p, client), "updated": when(snap.created),
        "can_pull": access.allowed(request.user, "pull", client)})


# --- the document viewer, page images, downloads ---------------------------------------------------------

def _limits() -> tuple[float, int]:
    """Drawing a page runs under the reading limits (``read_seconds``, ``read_memory_mb``)."""
    return float(settings.CONFIG.read_seconds), int(settings.CONFIG.read_memory_mb)


def _source(p, client: str, doc) -> Path:
    return p.archive.store.reader(client).content_path(doc.sha512)


def _fields(doc) -> list[dict]:
    keys = {lookup.field_text(doc.doc_type, k, v)[0]: k for k, v in (doc.fields or {}).items()}
    confidence = doc.field_confidence or {}
    out = []
    for label, text in lookup.document_fields(doc.doc_type, doc.fields):
        value = confidence.get(keys.get(label, ""))
        out.append({"label": label, "text": text, "confidence": value if isinstance(value, (int, float)) else None})
    return out


def _corrections(doc) -> list[dict]:
    types = lookup.doc_types()
    out = []
    for c in doc.corrections:
        kind = c.get("doc_type") or None
        out.append({"at": when(c.get("at")), "by": c.get("by") or "", "note": c.get("note") or "",
                    "doc_type": (types.zh(kind.get("old")), types.zh(kind.get("new"))) if kind else None,
                    "changes": [(lookup.field_text(doc.doc_type, ch["field"], "")[0], ch.get("old"), ch.get("new"))
                                for ch in c.get("changes") or []]})
    return out


@access.require("view_client", client_arg="client")
def document_view(request, client: str, doc: str):
    client = client_or_404(client)
    p = pipe()
    snap = p.archive.head(client)
    d = document_or_404(snap, doc)
    count = pages.page_count(settings.PAGE_CACHE, d.sha512, _source(p, client, d), d.media_type, _limits())
    page = min(_int(request.GET.get("page")), max(count, 1))
    audit.log_access(p, request, client, "view", path=d.path, version=snap.version)
    in_force = [x.path for x in snap.documents if x.in_force]
    at = in_force.index(d.path) if d.path in in_force else -1
    return render(request, "web/document.html", {
        "snap": snap, "doc": d, "row": _document_row(d, lookup.doc_types()), "fields": _fields(d),
        "corrections": _corrections(d), "page": page, "count": count,
        "previous": page - 1 if page > 1 else None, "next": page + 1 if page < count else None,
        "previous_doc": in_force[at - 1] if at > 0 else None,
        "next_doc": in_force[at + 1] if 0 <= at < len(in_force) - 1 else None,
        "can_download": access.allowed(request.user, "download", client),
        "can_review": access.allowed(request.user, "review")})


@access.require("view_client", client_arg="client")
def page_png(request, client: str, number: int, doc: str):
    client = client_or_404(client)
    p = pipe()
    d = document_or_404(p.archive.head(client), doc)
    image = pages.page_image(settings.PAGE_CACHE, d.sha512, number, _source(p, client, d), d.media_type, _limits())
    if image is None:
        raise Http404("没有这一页。")
    response = FileResponse(open(image, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"  # a page of these bytes never changes
    return response


@access.require("download", client_arg="client")
def original(request, client: str, doc: str):
    client = client_or_404(client)
    p = pipe()
    snap = p.archive.head(client)
    d = document_or_404(snap, doc)
    handle = open(_source(p, client, d), "rb")
    audit.log_access(p, request, client, "download", path=d.path, version=snap.version)
    return FileResponse(handle, as_attachment=True, filename=d.path.rsplit("/", 1)[-1],
                        content_type=d.media_type or "application/octet-stream")


@access.require("download", client_arg="client")
def report(request, client: str, report: str):
    client = client_or_404(client)
    p = pipe()
    reader = p.archive.store.reader(client)
    state = reader.state()
    found = next((c for c in logical(report, REPORTS) if c in state and c.startswith(REPORTS)), None)
    if found is None:
        raise Http404("没有这份报告。")
    handle = open(reader.content_path(state[found]), "rb")
    audit.log_access(p, request, client, "download", path=found, version=reader.head)
    name = found.rsplit("/", 1)[-1]
    kind = DOCX if name.lower().endswith(".docx") else (mimetypes.guess_type(name)[0] or "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=name, content_type=kind)


@access.require("pull", client_arg="client")
def pull_zip(request, client: str):
    client = client_or_404(client)
    try:
        return pull_response(request, client)
    except DossierError as e:
        return failed(request, e)


# --- search -----------------------------------------------------------------------------------------------

@access.require("search")
def search_page(request):
    p = pipe()
    text = (request.GET.get("q") or "").strip()
    client = (request.GET.get("client") or "").strip() or None
    kind = (request.GET.get("type") or "").strip() or None
    types = lookup.doc_types()
    error, hits = "", []
    if client is not None:
        if not access.allowed(request.user, "search", client):
            raise PermissionDenied("您无权查看这个客户。")
        client = client_or_404(client)
    try:
        doc_type = types.resolve(kind) if kind else None
    except UsageError as e:
        doc_type, error = None, e.message
    if text and not error:
        hits = [{**h, "type": types.zh(h["doc_type"])} for h in search_hits(request.user, text, client, doc_type)]
    visible = access.visible_clients(request.user, [c["client"] for c in p.catalog.clients()])
    return render(request, "web/search.html", {
        "q": text, "client": client or "", "type": doc_type or "", "hits": hits, "error": error,
        "clients": visible, "types": list(types.names.items()), "searched": bool(text)})


urlpatterns = [
    path("clients/", client_list, name="clients"),
    path("clients/<str:client>/", client_page, name="client"),
    path("clients/<str:client>/documents/<path:doc>", document_view, name="document"),
    path("clients/<str:client>/page/<int:number>/<path:doc>", page_png, name="page"),
    path("clients/<str:client>/original/<path:doc>", original, name="original"),
    path("clients/<str:client>/reports/<path:report>", report, name="report"),
    path("clients/<str:client>/pull.zip", pull_zip, name="pull"),
    path("search/", search_page, name="search"),
]
