"""The web workplace (issue 13): compliance, account managers and clerks in a browser.

A thin shell over the library, like ``cli/``: views call the same functions the CLI calls
(``review``, ``checks``, ``catalog``, ``outputs``) and render; no business rule lives in a view or a
template. Django gives the vetted parts: sessions, CSRF, Argon2 password hashing, forms and
migrations. The archive stays the source of truth; the web app's own tables (users, roles,
assignments, API tokens, login failures) live in ``web_database`` under ``.dossier/``.

``settings``  Django settings from the home's dossier settings (``DOSSIER_HOME``)
``models``    users' roles, client assignments, API tokens, login failures
``accounts``  user management (``dossier user ...``): add, list, disable, assign, token
``access``    who may do what: roles, assigned clients, enforced on every page and API call
``audit``     logins (home-wide log) and reads of a client's archive (its ``logs/access.jsonl``)
``security``  bearer tokens for the API, the content security policy
``views/``    pages and the JSON API; ``server`` runs it under gunicorn (``dossier serve``)
"""

import os


def setup(home=None) -> None:
    """Configure Django for the home (``DOSSIER_HOME``) once per process; run migrations' checks lazily."""
    if home is not None:
        os.environ["DOSSIER_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dossier.web.settings")
    import django

    django.setup()


def migrate() -> None:
    """Create or upgrade the web app's own tables (idempotent)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


__all__ = ["migrate", "setup"]
