"""PostgreSQL: the search index row gets the document's filter keys (``fkeys``: a small tsvector of its countries
and event types, see ``PostgresBackend.KEYS_OF``) and its date (``fdate``), so a filtered search checks those
filters on the index row it reads anyway, not through a subquery over the mentions and documents. Every index row is written again here (words, the bucket keys 0004 leaves to this migration on PostgreSQL, date and filter keys); the GIN index on ``tsv`` is dropped for that and built
again (rewriting every row under it updates it row by row: minutes at 1M). ``fkeys`` has no index of its own: a
separate GIN index on it made the planner take the keys' index alone and check the words row by row, reading every
tsvector from TOAST; one GIN index over (tsv, fkeys) intersects both but, at 1M documents, stops skipping through
a common word's postings to the few in an id bucket (0.8 ms -> 32 ms per range). SQLite: nothing changes."""

from django.db import migrations

PG_UP = [
    "ALTER TABLE intake_document_fts ADD COLUMN IF NOT EXISTS fdate date",
    "ALTER TABLE intake_document_fts ADD COLUMN IF NOT EXISTS fkeys tsvector NOT NULL DEFAULT ''::tsvector",
    # small and read on every candidate row: kept in the row (never moved out to TOAST)
    "ALTER TABLE intake_document_fts ALTER COLUMN fkeys SET STORAGE MAIN",
]
GIN = "CREATE INDEX IF NOT EXISTS intake_document_fts_tsv ON intake_document_fts USING gin (tsv)"  # as 0002
PG_DOWN = [
    "ALTER TABLE intake_document_fts DROP COLUMN IF EXISTS fkeys",
    "ALTER TABLE intake_document_fts DROP COLUMN IF EXISTS fdate",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from amity.intake.search import PostgresBackend

    # the GIN index is dropped first and built again after the rewrite
    schema_editor.execute("DROP INDEX IF EXISTS intake_document_fts_tsv")
    for sql in PG_UP:
        schema_editor.execute(sql)
    # every index row is written again by today's code: words, bucket keys (the re-index 0004 leaves to this
    # migration on PostgreSQL), date and filter keys
    PostgresBackend().reindex_all(apps.get_model("intake", "Document").objects.all())
    schema_editor.execute(GIN)
    schema_editor.execute("ANALYZE intake_document_fts")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS intake_document_fts_tsv")
        for sql in PG_DOWN:
            schema_editor.execute(sql)
        schema_editor.execute(GIN)


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_mention_kind_name_document")]
    operations = [migrations.RunPython(forwards, backwards)]
