"""The review queue and the correction form (issue 13; the decisions are issue 12's library).

``/review/`` lists what waits for a person (``dossier.review.queue``); ``/review/<client>/<doc>``
shows the page image beside the fields as read and takes one decision: confirm, correct, withdraw
or move (``dossier.review.confirm/correct/withdraw/move``, each one new version with its note), then
goes on to the next document in the queue, like Docspell's confirm flow. ``/api/review`` answers
``dossier review --json``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from dossier import review, timefmt
from dossier.checks import STATUS_ZH, item_name
from dossier.errors import DecisionRefused, DossierError, UsageError
from dossier.rules import FIELD_ZH, load_doctypes
from dossier.web import access, audit

from .api import MAX_LIMIT, json_errors
from .common import client_or_404, pipe, when

ACTIONS_ZH = {"confirm": "确认", "correct": "更正", "withdraw": "撤回", "move": "移交"}


def _type_zh(doc_type: str | None) -> str:
    rules = load_doctypes()
    return rules[doc_type].zh if doc_type in rules else "其他"


def _shown(value) -> str:
    """A field value as the form's input holds it (what the person sees and may change)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _percent(value) -> str:
    return f"{float(value) * 100:.0f}%" if isinstance(value, int | float) else ""


def _web_words(message: str) -> str:
    """The library speaks of the CLI's options; on the form they are the note box and the checkbox."""
    return (message.replace("用 --note 写明", "在“说明”中写明").replace("在 --note 中写明", "在“说明”中写明")
            .replace("--note", "“说明”").replace("请加 --force", "请勾选“按原件保留”").replace("--force", "“按原件保留”"))


def _url(client: str, doc_path: str) -> str:
    from urllib.parse import quote

    return f"/review/{quote(client, safe='')}/{quote(doc_path, safe='/')}"


# -- the queue ----------------------------------------------------------------------------------

#: Rows per page of the queue (a large home may hold thousands of flagged documents).
PAGE = 100


def _number(request, key: str) -> int:
    try:
        return max(1, int(request.GET.get(key) or 1))
    except ValueError:
        return 1


def _page_of(rows: list, request, key: str, total: int | None = None) -> dict:
    """One page of ``rows`` (all rows), or of a page the library already cut (``total`` given)."""
    count = len(rows) if total is None else total
    pages = max(1, -(-count // PAGE))
    n = min(pages, _number(request, key))
    shown = rows[(n - 1) * PAGE: n * PAGE] if total is None else rows
    return {"rows": shown, "number": n, "pages": pages, "total": count,
            "previous": n - 1 if n > 1 else None, "next": n + 1 if n < pages else None, "key": key}


@require_GET
@access.require("review")
def queue_page(request):
    n = _number(request, "page")  # only the documents of this page are read from the catalog
    found = review.queue(pipe(), limit=PAGE, offset=(n - 1) * PAGE)
    if not found["documents"] and n > 1:  # past the last page: show the last one
        n = max(1, -(-found["total"] // PAGE))
        found = review.queue(pipe(), limit=PAGE, offset=(n - 1) * PAGE)
    rules = load_doctypes()  # once: the rows below only look names up
    type_zh = {t: rules[t].zh for t in rules.ids}
    item_zh: dict[str, str] = {}

    def name_of(item: str) -> str:
        if item not in item_zh:
            item_zh[item] = item_name(item)
        return item_zh[item]

    docs = _page_of(found["documents"], request, "page", found["total"])
    docs["number"] = n
    docs["previous"], docs["next"] = (n - 1 if n > 1 else None), (n + 1 if n < docs["pages"] else None)
    docs["rows"] = [{**d, "type_zh": type_zh.get(d["doc_type"], "其他"), "percent": _percent(d["confidence"]),
                     "received_at": when(d["received"]), "url": _url(d["client"], d["path"]),
                     "blocks_zh": [name_of(b) for b in d["blocks"]]} for d in docs["rows"]]
    items = _page_of(found["items"], request, "items")
    items["rows"] = [{**i, "status_zh": STATUS_ZH.get(i["status"], i["status"]),
                      "links": [{"path": p, "url": _url(i["client"], p)} for p in i["documents"]]}
                     for i in items["rows"]]
    return render(request, "web/review_queue.html", {"documents": docs, "items": items})


@require_GET
@json_errors
@access.require("review")
def api_review(request):
    """Exactly ``dossier review --json``. ``?limit=N`` (at most MAX_LIMIT) and ``&offset=M`` page the documents,
    oldest first, as the queue page does; the answer then also holds ``total``, how many there are."""
    limit, offset = request.GET.get("limit"), request.GET.get("offset")
    if limit in (None, ""):
        if offset not in (None, ""):
            raise UsageError("offset 须与 limit 一起使用：?limit=100&offset=200")
        found = review.queue(pipe())
    else:
        try:
            limit, offset = min(MAX_LIMIT, max(1, int(limit))), max(0, int(offset or 0))
        except ValueError:
            raise UsageError("limit 与 offset 须为整数：?limit=100&offset=200") from None
        found = review.queue(pipe(), limit=limit, offset=offset)
    found = timefmt.iso_fields(found, ("received",))
    return JsonResponse(found, json_dumps_params={"ensure_ascii": False, "indent": 2})


# -- the form -------------------------------------------------------------------------------------

def _document(client: str, doc: str):
    client = client_or_404(client)
    snap = pipe().archive.head(client)
    head = {d.path: d for d in snap.documents}
    found = head.get(doc) or head.get("documents/" + doc)
    if found is None:
        raise Http404("这个客户的档案中没有这份文件。")
    return client, found, snap.name


def _queue_order() -> list[tuple[str, str]]:
    return [(r["client"], r["path"]) for r in pipe().catalog.flagged()]  # after a decision only


def _next(client: str, doc_path: str, before: list[tuple[str, str]] | None = None,
          skip: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The document after this one in the queue (``before``: the queue as it was when the person
    decided), else the first one waiting; None when the queue is empty."""
    order = _queue_order()
    here = (client, doc_path)
    before = before if before is not None else order
    waiting = set(order) - {here, *skip}
    after = before[before.index(here) + 1:] if here in before else []
    found = next((k for k in after if k in waiting), None) or next((k for k in order if k in waiting), None)
    return _url(*found) if found else None


def _context(client: str, client_name: str, d, posted=None, error: str = "") -> dict:
    p = pipe()
    rules = load_doctypes()
    posted = posted or {}
    names = rules[d.doc_type].fields if d.doc_type in rules else ()
    as_read = d.fields_as_read or {}
    fields = []
    for name in names:
        value = _shown(d.fields.get(name))
        fields.append({"name": name, "label": FIELD_ZH.get(name, name), "current": value,
                       "value": posted.get(f"field_{name}", value), "confidence": _percent(d.field_confidence.get(name)),
                       "as_read": _shown(as_read.get(name)) if d.fields_as_read is not None and
                       as_read.get(name) != d.fields.get(name) else None, "forced": name in d.forced})
    pages = max(1, int(d.pages or 1))
    try:
        page = min(pages, max(1, int(posted.get("page") or 1)))
    except ValueError:
        page = 1
    others = [c for c in p.catalog.clients() if c["client"] != client]
    chosen = posted.get("doc_type", d.doc_type or "other")
    return {
        "client": client, "name": client_name, "doc": d, "type_zh": _type_zh(d.doc_type),
        "percent": _percent(d.confidence), "fields": fields,
        "types": [{"id": t, "zh": rules[t].zh, "selected": t == chosen} for t in rules.ids]
        + [{"id": "other", "zh": "其他", "selected": chosen == "other"}],
        "pages": list(range(1, pages + 1)), "page": page, "multi": pages > 1, "others": others,
        "note": posted.get("note", ""), "force": bool(posted.get("force")), "target": posted.get("to", ""),
        "error": error, "url": _url(client, d.path), "next": _next(client, d.path),
        "corrections": [{**c, "at_shown": when(c.get("at"))} for c in d.corrections],
        "confirmed_at": when(d.confirmed_at), "in_force": d.in_force,
    }


def _changed_values(d, post, new_type: str | None) -> dict[str, str]:
    """The fields the person changed (compared with the values in force); with a new type, only
    those the new type has (its other fields are read from the original again)."""
    rules = load_doctypes()
    names = rules[d.doc_type].fields if d.doc_type in rules else ()
    out = {}
    for name in names:
        raw = post.get(f"field_{name}")
        if raw is not None and raw.strip() != _shown(d.fields.get(name)).strip():
            out[name] = raw
    if new_type is not None:
        keep = rules[new_type].fields if new_type in rules else ()
        out = {k: v for k, v in out.items() if k in keep}
    return out


def _decide(request, client: str, d):
    post = request.POST
    action, note, force = post.get("action", ""), post.get("note", ""), bool(post.get("force"))
    p, by = pipe(), request.user.get_username()
    if action == "confirm":
        done = review.confirm(p, client, d.path, note.strip() or None, force, by=by)
        text = f"已确认 {done.path}：新版本 {done.version}，记录见 {done.note_path}。"
    elif action == "correct":
        new_type = post.get("doc_type") or None
        if new_type == (d.doc_type or "other"):
            new_type = None
        values = _changed_values(d, post, new_type)
        if new_type is None and not values:
            raise DecisionRefused("没有改动文件类型或任何字段：如识别结果无误，请点“确认无误”；如需更正，请修改字段后再点“更正”。")
        done = review.correct(p, client, d.path, note, new_type, values, force, by=by)
        changes = "；".join(f"{FIELD_ZH.get(c['field'], c['field'])} {_shown(c['old']) or '（空）'} → "
                           f"{_shown(c['new']) or '（空）'}" for c in done.changes if c["field"] != "years")
        renamed = f"（原名 {d.path}）" if done.path != d.path else ""
        text = (f"已更正 {done.path}{renamed}：新版本 {done.version}，记录见 {done.note_path}。"
                + (f"更正内容：{changes}。" if changes else ""))
    elif action == "withdraw":
        done = review.withdraw(p, client, d.path, note, by=by)
        text = f"已撤回 {d.path}（保留为 {done.path}）：新版本 {done.version}，记录见 {done.note_path}。"
    elif action == "move":
        target = post.get("to", "")
        if target not in p.catalog.heads():
            raise DecisionRefused("请选择文件真正所属的客户。")
        done = review.move(p, client, d.path, target, note, by=by)
        text = (f"已移交客户 {target}（其档案收入 {done.other['path']}，版本 {done.other['version']}）；"
                f"本档案保留为 {done.path}：新版本 {done.version}，记录见 {done.note_path}。")
    else:
        raise DecisionRefused("请选择一种处理：确认、更正、撤回或移交。")
    audit.log_access(p, request, client, "decision", path=d.path, action=action, version=done.version,
                     note=done.note_path, **({"new_path": done.path} if done.path != d.path else {}),
                     **({"to": done.other.get("client")} if done.other else {}))
    return done, text


@require_http_methods(["GET", "POST"])
@access.require("decide", client_arg="client")
def form_page(request, client: str, doc: str):
    client, d, name = _document(client, doc)
    if request.method == "GET":
        return render(request, "web/review_form.html", _context(client, name, d, {"page": request.GET.get("page")}))
    before = _queue_order()
    try:
        done, text = _decide(request, client, d)
    except DossierError as exc:
        return render(request, "web/review_form.html", _context(client, name, d, request.POST, _web_words(exc.message)),
                      status=400)
    nxt = _next(client, d.path, before, skip=((client, done.path),))
    messages.success(request, text + ("下一份：" if nxt else "复核队列已处理完毕。"))
    return redirect(nxt or "/review/")


urlpatterns = [
    path("review/", queue_page, name="review"),
    path("review/<str:client>/<path:doc>", form_page, name="review-form"),
    path("api/review", api_review, name="api-review"),
]
