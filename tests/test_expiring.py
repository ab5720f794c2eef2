"""Documents expiring soon (the dashboard's card): from the catalog, by checklist.toml's not_expired fields."""

from __future__ import annotations

from datetime import date

from dossier.archive import Document, Snapshot
from dossier.catalog import Catalog
from dossier.checks import expiring_soon, expiry_fields


def _doc(path: str, doc_type: str, **fields) -> Document:
    return Document(path=path, source=path, sha512=path.encode().hex().ljust(128, "0")[:128], media_type="application/pdf",
                    pages=1, version="v1", doc_type=doc_type, confidence=0.9, fields=fields, record="r" + path)


def test_expiring_documents_by_their_validity_fields(tmp_path):
    assert ("business_licence", "term_end") in expiry_fields() and ("legal_rep_id", "valid_until") in expiry_fields()
    snap = Snapshot(client="甲", name="甲公司", credit_code=None, version="v1", created="2026-12-01T00:00:00Z",
                    meta={}, documents=(
                        _doc("documents/营业执照.pdf", "business_licence", term_end="2027-01-15"),
                        _doc("documents/法定代表人身份证明.pdf", "legal_rep_id", valid_until="2026-11-20"),
                        _doc("documents/历史/营业执照_v1.pdf", "business_licence", term_end="2026-12-05"),
                        _doc("documents/利润表_2025.pdf", "income_statement", year=2025),
                        _doc("documents/其他.pdf", "legal_rep_id", valid_until=None),  # 长期
                    ))
    with Catalog(tmp_path / "c.sqlite") as catalog:
        catalog.update(snap)
        got = expiring_soon(catalog, date(2026, 12, 1))
        assert [(r["path"], r["days_left"]) for r in got] == [("documents/法定代表人身份证明.pdf", -11),
                                                              ("documents/营业执照.pdf", 45)]
        assert expiring_soon(catalog, date(2026, 12, 1), clients=["乙"]) == []
        assert [r["path"] for r in expiring_soon(catalog, date(2026, 8, 1))] == []  # beyond 90 days, not yet
