"""Django migrations of the web app's own tables (``dossier.web.models``)."""

__all__ = []  # Django finds them itself
