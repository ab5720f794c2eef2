"""People settle what the machine is unsure of (rules 第十二条, 第二十七条): library functions that the
CLI and the web workplace call alike.

``queue``   the review queue: flagged documents in force, the items they block, items in review
``settle``  ``confirm``, ``correct``, ``withdraw``, ``move``: one new version each, with a note
``reread``  read stored originals again with today's rules and engine; decisions still win
``cases``   every settled reading is a case; ``replay`` checks a rules copy against them all
"""

from dossier.review.cases import Check, replay
from dossier.review.queue import queue
from dossier.review.reread import Reread, reread
from dossier.review.settle import Decision, confirm, correct, move, sync_catalog, withdraw

__all__ = ["Check", "Decision", "Reread", "confirm", "correct", "move", "queue", "replay", "reread", "sync_catalog", "withdraw"]
