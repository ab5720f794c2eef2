"""Who may do what (issue 13), enforced on the server for every page and API call.

- ``clerk``: upload files for a client, see intake outcomes, receipts and quarantine reasons; no
  archive contents, no search, no pull.
- ``compliance``: everything read-only across all clients, the review queue and its decisions
  (confirm, correct, move, withdraw), case data, issuing and amending reports, the overview.
- ``manager``: assigned clients only (unless given all): dossier, documents, history, search,
  reports, pull; may upload photographs of originals for an assigned client (site visits, 第十条).
- ``admin``: users, assignments, template and rules checks; sees every client.

``allowed(user, action, client=None)`` answers; views call ``require``/``require_client`` (403 when
refused, the login page or 401 when not logged in).
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect

#: What each role may do. Client-scoped actions are further limited by ``sees_client``.
ACTIONS: dict[str, frozenset[str]] = {
    "dashboard": frozenset({"clerk", "compliance", "manager", "admin"}),
    "intake": frozenset({"clerk", "compliance", "manager", "admin"}),
    "upload": frozenset({"clerk", "manager"}),
    "clients": frozenset({"compliance", "manager", "admin"}),
    "view_client": frozenset({"compliance", "manager", "admin"}),
    "download": frozenset({"compliance", "manager", "admin"}),
    "pull": frozenset({"compliance", "manager", "admin"}),
    "search": frozenset({"compliance", "manager", "admin"}),
    "access_log": frozenset({"compliance", "admin"}),
    "review": frozenset({"compliance"}),
    "decide": frozenset({"compliance"}),
    "case": frozenset({"compliance"}),
    "users": frozenset({"admin"}),
}
ROLE_ZH = {"clerk": "文员", "compliance": "合规", "manager": "客户经理", "admin": "管理员"}


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = getattr(user, "dossier", None)
    return profile.role if profile is not None else None


def sees_all(user) -> bool:
    role = role_of(user)
    if role in ("compliance", "admin"):
        return True
    profile = getattr(user, "dossier", None)
    return bool(role == "manager" and profile is not None and profile.all_clients)


def assigned(user) -> set[str]:
    return set(user.assignments.values_list("client", flat=True)) if role_of(user) else set()


def sees_client(user, client: str) -> bool:
    """May ``user`` see this client's dossier (managers: assigned ones; clerks: upload to assigned
    or, with no assignment, to any)."""
    role = role_of(user)
    if role is None:
        return False
    if sees_all(user):
        return True
    return client in assigned(user)


def allowed(user, action: str, client: str | None = None) -> bool:
    role = role_of(user)
    if role is None or role not in ACTIONS[action]:
        return False
    if client is None:
        return True
    if role == "clerk":  # a clerk with assignments uploads for those; without, for any client
        mine = assigned(user)
        return not mine or client in mine
    return sees_client(user, client)


def visible_clients(user, clients: list[str]) -> list[str]:
    if sees_all(user):
        return clients
    mine = assigned(user)
    return [c for c in clients if c in mine]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _refuse(request: HttpRequest):
    if not getattr(request.user, "is_authenticated", False):
        if _is_api(request):
            return JsonResponse({"error": "unauthenticated", "message": "请先登录或提供 API 令牌。"}, status=401)
        return redirect(f"/login/?next={request.get_full_path()}")
    raise PermissionDenied("您的角色无权进行此操作。")


def require(action: str, client_arg: str | None = None):
    """View decorator: ``action`` allowed for the user (and for the client named by the URL
    argument ``client_arg``), else the login page / 401 / 403."""

    def wrap(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            client = kwargs.get(client_arg) if client_arg else None
            if not allowed(request.user, action, client):
                return _refuse(request)
            return view(request, *args, **kwargs)

        return inner

    return wrap


def context(request) -> dict:
    """Template context: the user's role and what the navigation may offer (hiding links is a
    courtesy; every view checks on its own)."""
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else None
    return {"role": role, "role_zh": ROLE_ZH.get(role or "", ""),
            "can": {action: role in roles for action, roles in ACTIONS.items()} if role else {}}
