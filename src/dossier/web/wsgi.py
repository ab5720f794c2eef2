"""WSGI entry point (``dossier serve`` runs it under gunicorn; ``DOSSIER_HOME`` names the home)."""

from dossier.web import setup

setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after setup

application = get_wsgi_application()
