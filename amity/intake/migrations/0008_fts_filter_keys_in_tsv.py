"""PostgreSQL: the filter keys of each index row (``fkeys``: countries and event types, migration 0006) go into
``tsv`` as well, so a filtered search requires them inside the GIN index (``PostgresBackend.KEYS_OF``): GIN then
skips through a common word's postings to the few of the country instead of handing every match in the id range
to the row check. The GIN index is dropped for the rewrite and built again (as in 0006; 20 s at 100k documents).
SQLite: nothing (its filters are an id subquery over the covering index of 0007)."""

from django.db import migrations

GIN = "CREATE INDEX IF NOT EXISTS intake_document_fts_tsv ON intake_document_fts USING gin (tsv)"  # as 0002


def rewrite(schema_editor, tsv: str) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS intake_document_fts_tsv")
    schema_editor.execute(f"UPDATE intake_document_fts SET tsv = {tsv} WHERE fkeys <> ''::tsvector")
    schema_editor.execute(GIN)
    schema_editor.execute("ANALYZE intake_document_fts")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rewrite(schema_editor, "tsv || fkeys")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        rewrite(schema_editor, "ts_delete(tsv, tsvector_to_array(fkeys))")


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_document_filter_index")]
    operations = [migrations.RunPython(forwards, backwards)]
