"""The catalog: a SQLite cache of the archive (client lookup, FTS5 trigram full text, access log).

Losing it loses nothing: ``dossier reindex`` rebuilds it from the archive alone.
"""

from dossier.catalog.index import Catalog

__all__ = ["Catalog"]
