"""Command line: parse, call one library function, print. Nothing in the library imports this package.

``base`` holds the group and its context; the commands are grouped by who uses them: ``intake``
(the clerks' service), ``dossiers`` (compliance and managers), ``access`` (pull, search, log),
``admin`` (templates, rules, fixity, catalog).
"""

from dossier.cli import access, admin, dossiers, intake  # noqa: F401 - registers the commands
from dossier.cli.base import cli, main

__all__ = ["cli", "main"]
