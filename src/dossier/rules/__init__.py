"""Rule files (data, not code): loading and validation.

``doctypes.toml`` describes every document type: its Chinese name, the titles
and form codes that identify it, weighted keywords and anti-keywords for the
classifier, and the fields to extract with their label patterns.  A company
may edit the file without touching code; every mistake is reported at load
time as a :class:`dossier.errors.ConfigError` whose Chinese message names the
file and the key path, e.g. ``doctypes.toml: [balance_sheet].keywords[2]``.

``checklist.toml`` says which documents a dossier needs and how each is checked (loaded here,
evaluated by ``dossier.checks``); ``thresholds.toml`` holds every threshold and tolerance; ``warnings.toml`` the early-warning and due-date rules. A company
keeps its own copies in the folder of the ``rules_dir`` setting (``location``); ``check`` validates one. Only the standard library and ``dossier.errors`` are imported here.
"""

from .base import Checker, read_toml
from .check import check_rules, install_rules
from .checklist import (
           APPLICATION_FORM,
           CASE_FIELDS,
           DEFAULT_CHECKLIST,
           Checklist,
           Item,
           load_checklist,
)
from .doctypes import DEFAULT_DOCTYPES, DocType, DocTypeRules, load_doctypes
from .location import PACKAGED_DIR, RULE_FILES, rule_file, use
from .thresholds import DEFAULT_THRESHOLDS, Classifier, Thresholds, load_thresholds
from .vocabulary import FIELD_KINDS, FIELD_ZH, Weighted
from .warnings import DEFAULT_WARNINGS, RATIO_NAMES, Rule, WarningRules, load_warnings

__all__ = ["APPLICATION_FORM", "CASE_FIELDS", "Checker", "Checklist", "Classifier", "DEFAULT_CHECKLIST",
           "DEFAULT_DOCTYPES", "DEFAULT_THRESHOLDS", "DEFAULT_WARNINGS", "DocType", "DocTypeRules", "FIELD_KINDS", "FIELD_ZH", "Item",
           "PACKAGED_DIR", "RATIO_NAMES", "RULE_FILES", "Rule", "Thresholds", "WarningRules", "Weighted", "check_rules", "install_rules",
           "load_checklist", "load_doctypes", "load_thresholds", "load_warnings", "read_toml", "rule_file", "use"]
