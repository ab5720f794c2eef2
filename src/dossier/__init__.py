"""dossier: client-dossier pipeline for an SME credit-guarantee company."""

__version__ = "0.1.0"
