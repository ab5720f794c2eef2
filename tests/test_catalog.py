"""The catalog as a cache of the archive: an update of the changed paths only gives the catalog a full rebuild gives."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from conftest import ingest
import dossier_factory as samples
from dossier.archive import Archive
from dossier.catalog import Catalog
from dossier.catalog import index as catalog_index


def _tables(catalog: Catalog) -> dict:
    db = catalog.db
    return {
        "clients": sorted(db.execute("SELECT * FROM clients")),
        "versions": sorted(db.execute("SELECT * FROM versions")),
        "documents": sorted(db.execute("SELECT client, path, version, sha512, source, media_type, pages, doc_type, "
                                       "confidence, fields, record, review, problems FROM documents")),
        "text": sorted(db.execute("SELECT client, path, body FROM document_text")),
        "linked": sorted(db.execute("SELECT d.path, t.path FROM documents d JOIN document_text t "
                                    "ON t.rowid = d.text_rowid")),
    }


@pytest.fixture
def dossier(home):
    """A client whose licence is superseded in a second batch (a rename to history) plus new documents."""
    company = samples.make_company(51, short="宏达物流")
    folder = home.inbox / company.short
    samples.business_licence_pdf(company, folder / "营业执照.pdf")
    samples.generic_pdf(folder / "说明.pdf", "情况说明", [f"{company.name}承诺所提交材料真实有效。"])
    ingest(home)
    return home, company


def _full(home, path) -> Catalog:
    archive = Archive(home)
    catalog = Catalog(path)
    for client in archive.client_ids():
        catalog.update(archive.snapshot(client, with_text=True))
    return catalog


def test_incremental_update_equals_a_rebuild(dossier, tmp_path):
    home, company = dossier
    archive = Archive(home)
    incremental = Catalog(tmp_path / "incremental.sqlite")
    incremental.update(archive.head(company.short), archive.text_of)  # from empty: every record is new

    folder = home.inbox / company.short
    samples.business_licence_pdf(dataclasses.replace(company, legal_rep="钱新"), folder / "营业执照（变更）.pdf")
    samples.tax_payment_certificate_pdf(company, 2025, folder / "完税证明.pdf")
    ingest(home)
    archive = Archive(home)
    head = archive.head(company.short)
    assert any(not d.in_force for d in head.documents)  # the old licence moved to documents/历史/
    incremental.update(head, archive.text_of)
    archive.set_case(company.short, {"amount": 2000000})
    incremental.update(archive.head(company.short), archive.text_of)

    rebuilt = _full(home, tmp_path / "full.sqlite")
    got, want = _tables(incremental), _tables(rebuilt)
    assert got == want
    assert len(want["linked"]) == len(want["text"]) >= 3
    hits = incremental.search_documents(company.name[2:6])
    assert {h["path"] for h in hits} == {h["path"] for h in rebuilt.search_documents(company.name[2:6])}
    assert any(h["path"].startswith("documents/历史/") for h in hits)


def test_incremental_update_asks_text_only_of_new_records(dossier, tmp_path):
    home, company = dossier
    archive = Archive(home)
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.update(archive.snapshot(company.short, with_text=True))
    samples.tax_payment_certificate_pdf(company, 2025, home.inbox / company.short / "完税证明.pdf")
    samples.business_licence_pdf(dataclasses.replace(company, legal_rep="钱新"),
                                 home.inbox / company.short / "营业执照（变更）.pdf")
    ingest(home)
    archive = Archive(home)
    asked = []

    def text(client, doc):
        asked.append(doc.path)
        return archive.text_of(client, doc)

    head = archive.head(company.short)
    catalog.update(head, text)
    new = {d.path for d in head.documents if d.version == head.version and d.in_force}
    assert set(asked) == new and len(asked) == 2  # the tax certificate and the new licence, not the moved one
    assert _tables(catalog) == _tables(_full(home, tmp_path / "full.sqlite"))


def test_records_recall_what_a_document_is_made_of(dossier, tmp_path):
    home, company = dossier
    archive = Archive(home)
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.update(archive.snapshot(company.short, with_text=True))
    known = catalog.records(company.short)
    fresh = Archive(home)
    fresh.recall = lambda client: known
    assert fresh.snapshot(company.short) == archive.snapshot(company.short)
    assert set(known) == {d.record for d in archive.head(company.short).documents}


def test_empty_json_columns_are_null_and_read_back_as_the_written_ones_were(dossier, tmp_path):
    """Nobody decided, no problem, no confidence: those columns are NULL (one parse fewer per document when a
    client is recalled). Rows written before, with the empty JSON spelt out, read back the same."""
    home, company = dossier
    archive = Archive(home)
    catalog = Catalog(tmp_path / "c.sqlite")
    catalog.update(archive.snapshot(company.short, with_text=True))
    rows = catalog.db.execute("SELECT path, decisions, problems, field_confidence FROM documents").fetchall()
    assert rows and all(decisions is None for _path, decisions, _p, _f in rows)  # nobody has decided yet
    assert all((problems is None) == (not doc.problems)
               for (path, _d, problems, _f), doc in zip(sorted(rows), sorted(archive.head(company.short).documents,
                                                                              key=lambda d: d.path)))
    known = catalog.records(company.short)
    catalog.db.execute("""UPDATE documents SET decisions = '{"confirmed_at": null, "corrections": [], "forced": [],
                          "fields_as_read": null, "doc_type_as_read": null}', problems = COALESCE(problems, '[]'),
                          field_confidence = COALESCE(field_confidence, '{}')""")
    old_style = catalog.records(company.short)
    fresh, spelt = Archive(home), Archive(home)
    fresh.recall, spelt.recall = (lambda client: known), (lambda client: old_style)
    assert fresh.snapshot(company.short) == spelt.snapshot(company.short) == archive.snapshot(company.short)


def test_a_catalog_of_the_old_schema_is_rebuilt(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                     "INSERT INTO meta VALUES ('schema_version', '1');"
                     "CREATE TABLE clients (client TEXT PRIMARY KEY, name TEXT, credit_code TEXT, version TEXT, "
                     "updated TEXT, folders TEXT);"
                     "INSERT INTO clients VALUES ('甲', '甲公司', NULL, 'v3', '', '[]');"
                     "CREATE TABLE documents (client TEXT, path TEXT, version TEXT, sha512 TEXT, source TEXT, "
                     "media_type TEXT, pages INTEGER, doc_type TEXT, confidence REAL, fields TEXT, "
                     "PRIMARY KEY (client, path));")
    db.commit()
    db.close()
    catalog = Catalog(path)
    assert catalog.heads() == {}  # so the next sync reindexes every client from the archive
    assert catalog.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == \
        (str(catalog_index.SCHEMA_VERSION),)
    cols = [r[1] for r in catalog.db.execute("PRAGMA table_info(documents)")]
    assert {"record", "review", "problems", "text_rowid"} <= set(cols)


def test_an_ingest_into_a_known_client_builds_its_head_once(dossier):
    """A fresh ingester builds the head of the folder's client once, while its reading worker starts
    (``Routing._warm_head``), before any file is read; routing and the commit then use that head: the
    client's records are recalled from the catalog once."""
    from dossier.pipeline import Pipeline

    home, company = dossier
    samples.generic_pdf(home.inbox / company.short / "补充说明.pdf", "补充说明", [f"{company.name}补充材料。"])
    pipe = Pipeline(home)
    recalls = []
    recall = pipe.archive.recall
    pipe.archive.recall = lambda client: recalls.append((client, pipe.progress.done)) or recall(client)
    try:
        pipe.start()
        outcomes = pipe.ingest()
    finally:
        pipe.close()
    assert [o.outcome for o in outcomes] == ["archived"]
    assert recalls == [(company.short, 0)]  # once, before the first file was read
