"""Command line: parse, call one library function, print. Nothing in the library imports this package.

``base`` holds the group and its context; the commands are grouped by who uses them: ``intake``
(the clerks' service), ``dossiers`` (compliance and managers), ``access`` (pull, search, log),
``review`` (compliance settling flags: review, confirm, correct, reread, move, withdraw), ``watching``
(account managers after the file is complete: due, warnings), ``web``
(serve, users of the web workplace), ``admin`` (templates, rules, fixity, catalog).
"""

from dossier.cli import access, admin, dossiers, intake, review, watching, web  # noqa: F401 - registers the commands
from dossier.cli.base import cli, main

__all__ = ["cli", "main"]
