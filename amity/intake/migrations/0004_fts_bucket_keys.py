"""The search index gets bucket keys with every document (``amity.intake.search.date_keys``; PostgreSQL also the
id bucket ``zi<id // 2000>``): SQLite in the FTS column ``meta``, PostgreSQL as extra lexemes of ``tsv``. Date
sorting and the walk down the newest matches narrow queries with them inside the index. No table changes: the
index rows of existing documents are rewritten here (in batches of 1,000) on SQLite, and by 0006 on
PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from amity.intake.search import SQLiteBackend

    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL: re-indexed by 0006, once the columns today's PostgreSQL index rows carry exist
    SQLiteBackend().reindex_all(apps.get_model("intake", "Document").objects.all())


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_fts_meta")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
