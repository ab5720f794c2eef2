"""Login and logout (Django's own session login), with throttling and the login log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from dossier.web import audit
from dossier.web.models import LoginFailure

from .common import config

#: Failed logins allowed per user name or per address within the window, before a pause.
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _throttled(username: str, address: str) -> bool:
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    return (recent.filter(username=username).count() >= MAX_FAILURES
            or recent.filter(address=address).count() >= MAX_FAILURES * 4)


@require_http_methods(["GET", "POST"])
def login_view(request):
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = "/"
    form = AuthenticationForm(request, data=request.POST or None)
    error = ""
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()[:150]
        address = audit.address(request)
        if _throttled(username, address):
            error = f"登录失败次数过多，请 {int(WINDOW.total_seconds() // 60)} 分钟后再试，或联系管理员。"
            audit.log_login(config(), request, username, False, "throttled")
        elif form.is_valid():
            user = form.get_user()
            if getattr(user, "dossier", None) is None:
                error = "该账户没有分配角色，请联系管理员。"
                audit.log_login(config(), request, username, False, "no role")
            else:
                login(request, user)  # a new session key: no fixation
                LoginFailure.objects.filter(username=username).delete()
                audit.log_login(config(), request, username, True)
                return redirect(nxt)
        else:
            LoginFailure.objects.create(username=username, address=address)
            audit.log_login(config(), request, username, False, "bad credentials")
            error = "用户名或密码不正确。"
    return render(request, "web/login.html", {"form": form, "error": error, "next": nxt},
                  status=200 if not error else 401 if request.method == "POST" else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.log_logout(config(), request)
    logout(request)
    return redirect("/login/")


def csrf_failure(request, reason: str = ""):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"error": "csrf", "message": "请求缺少有效的 CSRF 令牌，已拒绝。"}, status=403)
    return HttpResponseForbidden(render_to_string("web/error.html", {
        "title": "请求已拒绝", "message": "这个请求没有有效的安全令牌（CSRF），可能来自其他网站。请回到页面后重试。"},
        request=request))
