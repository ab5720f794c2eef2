"""``{% compliance_forms client_id %}``: compliance's forms on a client page (case data, issue and
amend reports), with their own context from the library so any page can include them."""

from __future__ import annotations

from django import template

from dossier import lookup
from dossier.archive import REPORTS
from dossier.web import access
from dossier.web.views.common import pipe

register = template.Library()


@register.inclusion_tag("web/compliance_forms.html", takes_context=True)
def compliance_forms(context, client: str) -> dict:
    request = context["request"]
    if not access.allowed(request.user, "case", client):
        return {"shown": False}
    snap = pipe().archive.head(client)
    case = dict(snap.meta.get("case") or {})
    issued = snap.meta.get("issued") or {}
    state = pipe().archive.store.reader(client).version().state
    reports = [{"path": p, "name": p[len(REPORTS):], "issued": p in issued,
                "issued_at": issued.get(p, {}).get("issued_at"), "issued_by": issued.get(p, {}).get("issued_by")}
               for p in sorted(state) if p.startswith(REPORTS)]
    products = lookup.products("担保品种").names
    return {"shown": True, "client": client, "case": case, "reports": reports,
            "products": sorted(products.items()), "csrf_token": context.get("csrf_token")}
