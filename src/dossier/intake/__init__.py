"""Inbox handling (design section 2): scan, settle detection, claim, release, quarantine, watch.

Events are hints; a full scan of the inbox decides. A file is claimed by a same-filesystem
rename into ``inbox/.dossier-work/<batch>/``; it is deleted only after the archive version
holding it is durable, and anything left there by a crash goes back to the inbox at start-up.
"""

from . import identity
from .backoff import Backoff
from .claim import (
                    SHARED_DIR,
                    SHARED_FILE,
                    Refused,
                    claim,
                    done,
                    new_batch_dir,
                    recover_claims,
                    release,
                    remove_batch_dir,
                    safe_folder,
                    set_aside,
                    write_receipt,
)
from .events import InboxEvents
from .folders import check_folders, folder_problems
from .scan import (
                    MAX_DEPTH,
                    RECEIPT_NAME,
                    RESERVED_DIRS,
                    Entry,
                    SettleTracker,
                    ignored,
                    scan,
)
from .tidy import Tidied, tidy
from .writer import WriterLock

__all__ = ["Backoff", "Entry", "InboxEvents", "MAX_DEPTH", "RECEIPT_NAME", "RESERVED_DIRS", "Refused",
           "SHARED_DIR", "SHARED_FILE", "SettleTracker", "Tidied", "WriterLock", "check_folders", "claim", "done",
           "folder_problems", "identity", "ignored", "new_batch_dir", "recover_claims", "release",
           "remove_batch_dir", "safe_folder", "scan", "set_aside", "tidy", "write_receipt"]
