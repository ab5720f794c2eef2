"""Template tags: ``{% load workplace %}`` then ``{% compliance_forms client_id %}`` on a client page."""

__all__ = ["workplace"]
