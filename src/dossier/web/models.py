"""The web app's own tables: who may use it and how. The archive holds everything else."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: Roles (issue 13): what each may do is in ``access``.
ROLES = (("clerk", "文员"), ("compliance", "合规"), ("manager", "客户经理"), ("admin", "管理员"))


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossier")
    role = models.CharField(max_length=16, choices=ROLES)
    all_clients = models.BooleanField(default=False)  # a manager who sees every client


class Assignment(models.Model):
    """A client an account manager (or a clerk) works for: the client id of the archive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    client = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="one_assignment")]


class ApiToken(models.Model):
    """An API token, stored as the SHA-256 of a random 256-bit secret (it is never stored itself)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True)


class LoginFailure(models.Model):
    """Failed logins, for throttling (the home-wide login log keeps the record)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
