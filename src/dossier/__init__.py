"""dossier: client-dossier pipeline for an SME credit-guarantee company.

The map (data flows down this list; a package imports only from those above it)::

    errors, models, files, config, naming,  leaves: all errors, plain data between stages, file helpers, the one
    codes                                   settings table, archive names, check digits
    rules/      the rule files (doctypes, checklist, thresholds) and the company's rules_dir
    intake/     the inbox: scan, settle, claim, quarantine, events
    reading/    what a file says: sniff, text layer, OCR (ocr/), type, fields
    archive/    one OCFL object per client (ocfl/ is a general store): versions, records, fixity
    checks/     the appendix checklist over a dossier state
    outputs/    reports, receipts, the overview, BagIt pulls
    catalog/    the SQLite cache of the archive (lookup, full text)
    pipeline    the only module that knows the order of the stages
    cli/        the terminal shell: one library call per command

The synthetic document factory (demo, tests, benches) is the separate package ``dossier_factory``.
"""

__version__ = "0.1.0"
