"""What happened to the clerks' files (``/intake/``, a folder's receipt) and uploads (``/upload/``).

The intake page shows the share only (``dossier.intake.listing``: recent outcomes, waiting files,
quarantined and unsorted files with their reasons, receipts), never archive contents. A folder name
from a URL or a form is resolved against the folders that exist; nothing is joined onto a path
unchecked. Uploads go into the client's inbox folder atomically (``listing.deposit``), so intake
takes them its normal way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from dossier.intake import RESERVED_DIRS, listing
from dossier.naming import safe_segment
from dossier.web import access, audit

from .common import config, pipe, when

#: Chinese names of intake outcomes (as ``dossier ingest`` prints them).
OUTCOME_ZH = {"archived": "已归档", "duplicate": "重复", "quarantined": "已隔离", "unsorted": "待分拣",
              "pending": "待处理"}
MIB = 1024 * 1024


def _size(n: int | None) -> str:
    if n is None:
        return "（文件已不在）"
    if n < 1024:
        return f"{n} 字节"
    return f"{n / 1024:.0f} KB" if n < MIB else f"{n / MIB:.1f} MB"


def _stamp(mtime: float) -> str:
    return when(datetime.fromtimestamp(mtime, UTC)) if mtime else ""


def _scope(user) -> tuple[bool, set[str], set[str]]:
    """(sees every folder, the clients the user may see, their inbox folders)."""
    keys = pipe().catalog.client_keys()
    if access.sees_all(user) or (access.role_of(user) == "clerk" and not access.assigned(user)):
        return True, {k["client"] for k in keys}, set()
    mine = access.assigned(user)
    folders = {f for k in keys if k["client"] in mine for f in (k["folders"] or [k["client"]])}
    return False, mine, folders | mine


def _visible(all_folders: bool, folders: set[str], folder: str | None) -> bool:
    return all_folders or (folder is not None and folder in folders)


@access.require("intake")
def intake_page(request):
    cfg, user = config(), request.user
    everything, clients, folders = _scope(user)
    log = [e for e in listing.intake_log(cfg.state_dir)
           if everything or e.get("client") in clients or (e.get("source") or "").split("/", 1)[0] in folders]
    outcomes = [{**e, "outcome_zh": OUTCOME_ZH.get(e.get("outcome"), e.get("outcome")), "when": when(e.get("time"))}
                for e in log[:100]]
    waiting = [{"item": w, "size": _size(w.size), "when": _stamp(w.mtime)} for w in listing.waiting(cfg.inbox)
               if _visible(everything, folders, w.folder)]
    failed = [{"item": s, "size": _size(s.size), "when": _stamp(s.mtime)} for s in listing.set_aside(cfg.failed)
              if _visible(everything, folders, s.folder)]
    unsorted = [{"item": s, "size": _size(s.size), "when": _stamp(s.mtime)} for s in listing.set_aside(cfg.unsorted)
                if _visible(everything, folders, s.folder)]
    shown = [f for f in listing.client_folders(cfg.inbox) if everything or f in folders]
    receipts = [{"folder": f, "text": listing.receipt(cfg.inbox, f)} for f in shown]
    return render(request, "web/intake.html", {"outcomes": outcomes, "waiting": waiting, "failed": failed,
                                               "unsorted": unsorted, "receipts": receipts, "everything": everything})


@access.require("intake")
def receipt_page(request, folder: str):
    cfg = config()
    everything, _clients, folders = _scope(request.user)
    if folder not in listing.client_folders(cfg.inbox) or not (everything or folder in folders):
        raise Http404("没有这个收件文件夹。")
    return render(request, "web/intake.html", {"receipts": [{"folder": folder, "text": listing.receipt(cfg.inbox, folder)}],
                                               "only_receipt": True})


# -- uploads ------------------------------------------------------------------------------------

def _upload_clients(user) -> list[dict]:
    """Existing clients this user may upload for: id, name, the inbox folder their files go to."""
    out = []
    for k in pipe().catalog.client_keys():
        if access.allowed(user, "upload", k["client"]):
            folder = next((f for f in k["folders"] if f == safe_segment(f) and f not in RESERVED_DIRS), None)
            out.append({"client": k["client"], "name": k["name"] or k["client"], "folder": folder or k["client"]})
    return sorted(out, key=lambda c: c["name"])


def _may_name_folder(user) -> bool:
    return access.role_of(user) == "clerk" and not access.assigned(user)


def _new_folder(raw: str) -> tuple[str | None, str]:
    name = raw.strip()
    if not name:
        return None, "请填写新客户文件夹的名称。"
    if (safe_segment(name) != name or name in RESERVED_DIRS or name.startswith(("_", ".", "~"))
            or listing.acceptable_name(name) != name):
        return None, (f"文件夹名称“{name}”不可用：不能含 / \\ : * ? \" < > | 等字符，不能以 . _ ~ 开头，"
                      "请改用客户简称（如 恒远机械）。")
    return name, ""


def _chunks(upload):
    yield from upload.chunks(1 << 20)


@require_http_methods(["GET", "POST"])
@access.require("upload")
def upload_page(request):
    cfg, user = config(), request.user
    clients = _upload_clients(user)
    ctx = {"clients": clients, "may_name": _may_name_folder(user), "max_mb": int(cfg.max_file_mb),
           "chosen": request.POST.get("client", ""), "new_folder": request.POST.get("new_folder", "")}
    if request.method == "GET":
        return render(request, "web/upload.html", ctx)
    chosen = next((c for c in clients if c["client"] == ctx["chosen"]), None)
    folder, client, error = None, None, ""
    if chosen is not None:
        folder, client = chosen["folder"], chosen["client"]
    elif ctx["chosen"] == "" and ctx["may_name"] and ctx["new_folder"].strip():
        folder, error = _new_folder(ctx["new_folder"])
        known = [c for c in clients if c["folder"] == folder]
        client = known[0]["client"] if known else None
    elif ctx["chosen"] in pipe().catalog.heads():
        raise PermissionDenied("您不能为这个客户上传文件。")  # a client outside the user's rights: 403
    else:
        error = "请选择客户。" if not ctx["chosen"] else "没有这个客户，请从列表中选择。"
    files = request.FILES.getlist("files") + request.FILES.getlist("camera")
    if not error and not files:
        error = "请选择要上传的文件，或用手机拍照。"
    if error:
        return render(request, "web/upload.html", {**ctx, "error": error}, status=400)
    limit = int(cfg.max_file_mb) * MIB
    written, refused = [], []
    for f in files:
        name = listing.acceptable_name(f.name or "")
        if f.size == 0:
            refused.append(f"{f.name}：文件是空的（0 字节），未上传。请检查文件后重新选择。")
        elif limit and f.size > limit:
            refused.append(f"{f.name}：文件大小 {_size(f.size)} 超过上限 {int(cfg.max_file_mb)} MB（设置 max_file_mb），"
                           "未上传。扫描件可降低分辨率或分册后再上传。")
        elif name is None:
            refused.append(f"{f.name}：这个文件名会被收件程序忽略（隐藏文件、临时文件或回执），请改名后再上传。")
        else:
            stored = listing.deposit(cfg.inbox, folder, name, _chunks(f))
            written.append({"name": stored, "original": f.name, "size": f.size})
    for line in refused:
        messages.error(request, line)
    if written:
        listed = "、".join(w["name"] + (f"（原名 {w['original']}）" if w["name"] != w["original"] else "")
                          for w in written)
        messages.success(request, f"已上传 {len(written)} 个文件到收件文件夹“{folder}”：{listed}。"
                                  "收件程序会自动归档，结果见“收件”页和该文件夹的收件回执。")
        if client is not None and pipe().archive.exists(client):
            # ``files`` and ``bytes`` are counts in the access log (as a pull's); the names go beside
            audit.log_access(pipe(), request, client, "upload", folder=folder, files=len(written),
                             bytes=sum(w["size"] for w in written), names=[w["name"] for w in written])
    if not written:
        return render(request, "web/upload.html", ctx, status=400)
    return redirect("/upload/")


urlpatterns = [
    path("intake/", intake_page, name="intake"),
    path("intake/receipt/<str:folder>/", receipt_page, name="intake-receipt"),
    path("upload/", upload_page, name="upload"),
]
