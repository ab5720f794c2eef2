"""Compliance's own actions (issue 13): case data, issuing and amending reports, the overview.

Each is the CLI's command in a form (``case``, ``issue``, ``amend``, ``overview``): the same library
functions, the same checks of the values (``dossier.inputs``), a new archive version with its message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from dossier import inputs, lookup
from dossier.errors import DossierError
from dossier.review import sync_catalog
from dossier.web import access, audit

from .common import client_or_404, config, pipe


def _back(client: str):
    return redirect(f"/clients/{client}/")


def _case_changes(post) -> dict:
    """The case values a form gives, checked like ``dossier case``'s options (blank: unchanged)."""
    changes: dict = {}
    product = (post.get("product") or "").strip()
    if product:
        changes["product"] = lookup.products("担保品种").resolve(product)
    amount = (post.get("amount") or "").strip()
    if amount:
        changes["amount"] = inputs.parse_amount(amount, "金额")
    term = (post.get("term_months") or "").strip()
    if term:
        changes["term_months"] = inputs.parse_term(term, "期限")
    when = (post.get("application_date") or "").strip()
    if when:
        changes["application_date"] = inputs.parse_date(when, "申请日期").isoformat()
    if post.get("no_agent"):
        changes["agent"] = None
    elif (post.get("agent") or "").strip():
        changes["agent"] = post["agent"].strip()
    return changes


@require_POST
@access.require("case", client_arg="client")
def case(request, client: str):
    client = client_or_404(client)
    try:
        changes = _case_changes(request.POST)
        if not changes:
            messages.info(request, "没有填写要修改的业务信息，档案未改动。")
            return _back(client)
        version = pipe().archive.set_case(client, changes, by=audit.user_name(request))
        sync_catalog(pipe(), client)
    except DossierError as exc:
        messages.error(request, exc.message)
        return _back(client)
    audit.log_access(pipe(), request, client, "case", changes=sorted(changes), version=version)
    messages.success(request, f"已更新业务信息（版本 {version}）。" if version else "业务信息没有变化，未形成新版本。")
    return _back(client)


@require_POST
@access.require("case", client_arg="client")
def issue(request, client: str):
    client = client_or_404(client)
    report = (request.POST.get("report") or "").strip()
    try:
        version = pipe().archive.issue_report(client, report, by=audit.user_name(request))
        sync_catalog(pipe(), client)
    except DossierError as exc:
        messages.error(request, exc.message)
        return _back(client)
    audit.log_access(pipe(), request, client, "issue", report=report, version=version)
    messages.success(request, f"已签发 {report}（版本 {version}）。此后如需更改，请上传修订稿并附说明。")
    return _back(client)


@require_POST
@access.require("case", client_arg="client")
def amend(request, client: str):
    client = client_or_404(client)
    report = (request.POST.get("report") or "").strip()
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择修订后的报告文件（.docx）。")
        return _back(client)
    fd, tmp = tempfile.mkstemp(prefix="amend-", suffix=".docx", dir=config().state_dir / "uploads")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        version, amended, note_path = pipe().archive.amend_report(client, report, Path(tmp),
                                                                  request.POST.get("note") or "",
                                                                  by=audit.user_name(request))
        sync_catalog(pipe(), client)
    except DossierError as exc:
        messages.error(request, exc.message)
        return _back(client)
    finally:
        os.unlink(tmp)
    audit.log_access(pipe(), request, client, "amend", report=report, amended=amended, version=version)
    messages.success(request, f"已保存修订稿 {amended} 和修订说明 {note_path}（版本 {version}）；原报告保持不变。")
    return _back(client)


@access.require("case")
def overview(request):
    """The compliance overview of every client, as ``dossier overview --out 总览.xlsx`` writes it."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    from dossier.checks.status import overview_rows
    from dossier.outputs.overview import write_overview

    statuses = pipe().catalog.statuses()
    fd, tmp = tempfile.mkstemp(prefix="overview-", suffix=".xlsx", dir=config().state_dir / "uploads")
    os.close(fd)
    write_overview(*overview_rows(statuses), Path(tmp))
    handle = open(tmp, "rb")
    os.unlink(tmp)  # the open handle keeps the bytes until the response is sent
    return FileResponse(handle, as_attachment=True, filename="完整性总览.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


urlpatterns = [
    path("clients/<str:client>/case", case, name="case"),
    path("clients/<str:client>/issue", issue, name="issue"),
    path("clients/<str:client>/amend", amend, name="amend"),
    path("overview.xlsx", overview, name="overview"),
]
