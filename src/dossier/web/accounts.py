"""Users of the web workplace (``dossier user add|list|disable|assign|token``): library functions.

No default accounts and no default password. Passwords are checked by Django's validators and
stored with Argon2; API tokens are random 256-bit secrets shown once and stored as their SHA-256.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from dossier.errors import UsageError
from dossier.web.access import ROLE_ZH
from dossier.web.models import ApiToken, Assignment, Profile
from dossier.web.security import token_digest


def _user(name: str):
    User = get_user_model()
    try:
        return User.objects.select_related("dossier").get(username=name)
    except User.DoesNotExist:
        raise UsageError(f"没有用户 {name}。可用 `dossier user list` 查看现有用户。") from None


def add_user(name: str, role: str, password: str) -> None:
    if role not in ROLE_ZH:
        raise UsageError(f"角色 {role} 无效：可选 {', '.join(f'{k}（{v}）' for k, v in ROLE_ZH.items())}。")
    name = name.strip()
    if not name or len(name) > 150:
        raise UsageError("用户名不能为空，且不超过 150 个字符。")
    User = get_user_model()
    if User.objects.filter(username=name).exists():
        raise UsageError(f"用户 {name} 已存在。")
    candidate = User(username=name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise UsageError("密码不符合要求：" + "；".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(username=name, password=password)
        Profile.objects.create(user=user, role=role)


def list_users() -> list[dict]:
    User = get_user_model()
    out = []
    for user in User.objects.select_related("dossier").order_by("username"):
        profile = getattr(user, "dossier", None)
        out.append({"name": user.username, "role": profile.role if profile else None, "active": user.is_active,
                    "all_clients": bool(profile and profile.all_clients),
                    "clients": sorted(user.assignments.values_list("client", flat=True)),
                    "tokens": user.tokens.count(),
                    "last_login": user.last_login.isoformat() if user.last_login else None})
    return out


def disable_user(name: str) -> None:
    """The user can no longer log in; their sessions and tokens stop working at once."""
    from django.contrib.sessions.models import Session

    user = _user(name)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.tokens.all().delete()
        for session in Session.objects.all():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()


def assign(name: str, clients: list[str], all_clients: bool = False) -> list[str]:
    """Give a user these clients (ids of the archive), or all of them. Returns the user's clients."""
    user = _user(name)
    with transaction.atomic():
        for client in clients:
            Assignment.objects.get_or_create(user=user, client=client)
        if all_clients:
            Profile.objects.filter(user=user).update(all_clients=True)
    return sorted(user.assignments.values_list("client", flat=True))


def new_token(name: str) -> str:
    """A new API token for the user: printed once, stored hashed."""
    user = _user(name)
    if not user.is_active:
        raise UsageError(f"用户 {name} 已停用，不能生成令牌。")
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(token))
    return token
