"""Full-text index of documents, one table ``intake_document_fts`` keyed by document id on both databases.

SQLite: an FTS5 table over diacritic-folded, pre-tokenised title and body (bm25 ranking; it keeps its own copy
of the folded tokens so a row can be replaced or deleted by id).
PostgreSQL: a table of ``tsvector`` (config 'simple' over the same folded tokens) with a GIN index.
No foreign key: rows are replaced by id (upsert) and deleted with their document (signal); searches always join
the document table, so a row left behind by a bulk TRUNCATE (test flush) is never shown.
Folding happens in Python (amity.extract.normalize.fold), so "Đà Nẵng", "Da Nang" and "da nang" are one
key on both back ends and no database extension is needed.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS intake_document_fts USING fts5("
    "title, body, tokenize=\"unicode61 remove_diacritics 2\")",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS intake_document_fts"]
PG_UP = [
    "CREATE TABLE IF NOT EXISTS intake_document_fts ("
    " document_id bigint PRIMARY KEY,"
    " tsv tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS intake_document_fts_tsv ON intake_document_fts USING gin (tsv)",
]
PG_DOWN = ["DROP TABLE IF EXISTS intake_document_fts"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = SQLITE_UP if vendor == "sqlite" else PG_UP if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = SQLITE_DOWN if vendor == "sqlite" else PG_DOWN if vendor == "postgresql" else []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
