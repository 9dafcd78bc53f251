"""Fewer indexes to update per ingested document (measured in docs/BENCHMARKS.md, "Intake"):

- mentions (~30 a document): no index of their own on ``document_id`` (the unique (document, kind, name) serves it)
  nor on (kind, name) (the covering (kind, name, document_id) of 0005 serves it);
- LSH keys (20 a document): no index of their own on ``document_id`` (the unique (document, key) serves it);
- PostgreSQL: no ``_like`` copies of the document's ``sha256`` and ``status`` indexes (no LIKE query uses them).

Plain ``DROP INDEX``: an ``AlterField`` would rebuild the mention table on SQLite (a copy of every row).
"""

import django.db.models.deletion
from django.db import migrations, models

DROP = ["intake_documentmention_document_id_8c63da6e", "intake_nearduplicatekey_document_id_e93ccdc6"]
DROP_PG = ["intake_document_sha256_a5757448_like", "intake_document_status_1c9cbafd_like"]


def forwards(apps, schema_editor):
    names = DROP + (DROP_PG if schema_editor.connection.vendor == "postgresql" else [])
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def backwards(apps, schema_editor):
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "intake_documentmention_document_id_8c63da6e" '
                          'ON "intake_documentmention" ("document_id")')
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "intake_nearduplicatekey_document_id_e93ccdc6" '
                          'ON "intake_nearduplicatekey" ("document_id")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('CREATE INDEX IF NOT EXISTS "intake_document_sha256_a5757448_like" '
                              'ON "intake_document" ("sha256" varchar_pattern_ops)')
        schema_editor.execute('CREATE INDEX IF NOT EXISTS "intake_document_status_1c9cbafd_like" '
                              'ON "intake_document" ("status" varchar_pattern_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0008_fts_filter_keys_in_tsv"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="documentmention",
            name="intake_docu_kind_e1abcc_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="documentmention",
                    name="document",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="mentions", to="intake.document"),
                ),
                migrations.AlterField(
                    model_name="nearduplicatekey",
                    name="document",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="near_keys", to="intake.document"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
