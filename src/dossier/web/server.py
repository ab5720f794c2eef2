"""``dossier serve``: the workplace under gunicorn, a production WSGI server (never Django's runserver)."""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from dossier.web.wsgi import application

        return application


def serve(config, host: str, port: int, workers: int) -> None:
    """Serve the home's workplace until stopped (SIGTERM/SIGINT: gunicorn's graceful stop)."""
    from dossier import web

    os.environ["DOSSIER_HOME"] = str(config.home)
    web.setup(config.home)
    web.migrate()  # the web app's own tables, created or upgraded before the first request
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "threads": 1,  # one library handle per worker (the catalog's SQLite connection is per thread)
        "timeout": 300,  # a pull of a large dossier streams for a while
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        "forwarded_allow_ips": "127.0.0.1",  # nginx on this machine (README): its X-Forwarded-* only
        "proc_name": "dossier-web",
        "limit_request_line": 8190,
    }).run()
