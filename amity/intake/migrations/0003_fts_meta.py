"""SQLite: the FTS5 table gets a third indexed column ``meta`` holding the token ``xdup`` for near-duplicates, so the
default search excludes them inside the full-text query (``... NOT meta:xdup``) without reading any row: SQLite
reads a row's columns in order, and a document's large ``text`` comes before ``status``. Rebuilt and refilled here;
PostgreSQL is unchanged."""

from django.db import migrations

from amity.extract.normalize import fold_aligned

CREATE = ("CREATE VIRTUAL TABLE intake_document_fts USING fts5(title, body, meta, "
          "tokenize=\"unicode61 remove_diacritics 2\")")
CREATE_OLD = "CREATE VIRTUAL TABLE intake_document_fts USING fts5(title, body, tokenize=\"unicode61 remove_diacritics 2\")"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    import re
    import unicodedata

    token = re.compile(r"[^\W_]+")

    def index_text(text):
        return " ".join(token.findall(fold_aligned(unicodedata.normalize("NFC", (text or "")[:400_000]))))

    schema_editor.execute("DROP TABLE IF EXISTS intake_document_fts")
    schema_editor.execute(CREATE)
    Document = apps.get_model("intake", "Document")
    rows = []
    for pk, title, text, status in Document.objects.exclude(status="new").values_list(
            "pk", "title", "text", "status").iterator():
        rows.append((pk, index_text(title), index_text(text), "xdup" if status == "duplicate" else ""))
        if len(rows) >= 1000:
            schema_editor.connection.cursor().executemany(
                "INSERT INTO intake_document_fts(rowid, title, body, meta) VALUES (?, ?, ?, ?)", rows)
            rows = []
    if rows:
        schema_editor.connection.cursor().executemany(
            "INSERT INTO intake_document_fts(rowid, title, body, meta) VALUES (?, ?, ?, ?)", rows)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS intake_document_fts")
    schema_editor.execute(CREATE_OLD)


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_search_index")]
    operations = [migrations.RunPython(forwards, backwards)]
