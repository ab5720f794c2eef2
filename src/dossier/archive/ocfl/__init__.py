"""Crash-safe OCFL 1.1 storage root (flat direct layout), written from scratch.

Writing: a new version is built in a staging directory outside the storage root
(same filesystem), every file fsynced, then made visible by ``os.rename``. The
root inventory is replaced last (inventory, then its sidecar). ``recover``
rolls a half-finished commit forward or removes an unfinished version.
Reading: ``ObjectReader`` reads any valid OCFL 1.0/1.1 object.

Modules: ``inventory`` (constants, durable writes, inventory checks), ``reader``
(ObjectReader), ``builder`` (VersionBuilder), ``store`` (StorageRoot), ``verify`` (fixity).
This package knows nothing of dossiers: it is a general OCFL store.
"""

from .builder import VersionBuilder
from .inventory import DIGEST_ALGORITHM, canonical_json, copy_and_hash, fsync_dir
from .reader import ObjectReader, Version
from .store import StorageRoot
from .verify import Problem, verify_object

__all__ = ["DIGEST_ALGORITHM", "ObjectReader", "Problem", "StorageRoot", "Version", "VersionBuilder",
           "canonical_json", "copy_and_hash", "fsync_dir", "verify_object"]
