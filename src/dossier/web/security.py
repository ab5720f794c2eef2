"""Request-level security: API tokens (``Authorization: Bearer``) and the content security policy.

Sessions, CSRF and password hashing are Django's own; nothing here handles them. A bearer token
authenticates one API request (``/api/`` only) as its user; such a request is exempt from CSRF
(no cookie is involved, so no cross-site request can carry it).
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

#: Everything from this origin only; no inline script; images also as data: (none are needed from
#: elsewhere); no framing, no plugins, forms post only here.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        return response

    return middleware


def bearer_token(get_response):
    """``Authorization: Bearer TOKEN`` on ``/api/``: the request runs as the token's user."""
    from dossier.web.models import ApiToken

    def middleware(request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith("/api/") and header.lower().startswith("bearer "):
            token = header[7:].strip()
            found = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first() if token else None
            if found is not None and found.user.is_active:
                request.user = found.user
                request._dont_enforce_csrf_checks = True  # a token, not a cookie: nothing to forge
                ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
            else:
                from django.contrib.auth.models import AnonymousUser

                request.user = AnonymousUser()
        return get_response(request)

    return middleware
