"""Default report templates shipped with dossier (``*.docx``).

They are generated, never edited by hand: ``python -m dossier.outputs.report_templates.build`` rewrites them
from ``build.py`` (python-docx), byte for byte the same on the same library versions. Users adapt
their own copies in the home's ``templates/`` folder (``dossier init`` puts them there).
"""
