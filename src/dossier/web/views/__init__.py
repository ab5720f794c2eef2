"""Views by area, each module with its own ``urlpatterns``: ``auth`` (login, logout), ``home``
(dashboard, error pages), ``dossiers`` (clients, a client's page, the document viewer, downloads,
pulls, search), ``review`` (the queue and the correction form), ``intake`` (what happened to the
clerks' files, uploads), ``admin`` (users, rule and template checks), ``compliance`` (case data,
issuing and amending reports, the overview), ``api`` (JSON under /api/).
``common`` holds what they share: the library for this process, client lookup, times."""

__all__ = []  # the modules are used through urls.py
