import io
import json
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from amity.core import exchange
from amity.core.models import JournalNote, Membership
from amity.partners.models import Country, Organisation


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    (tmp_path / "var" / "documents" / "ab").mkdir(parents=True)
    (tmp_path / "var" / "documents" / "ab" / "abcdef").write_bytes(b"%PDF-1.4 original bytes")
    return tmp_path / "var"


@pytest.fixture
def fresh_content_types():
    """flush recreates content types with new ids: forget the cached ones afterwards (the test rolls back)."""
    from django.contrib.contenttypes.models import ContentType

    yield
    ContentType.objects.clear_cache()


def flush_database():
    from django.db import connection

    if connection.vendor == "postgresql":
        # TRUNCATE inside the test's transaction: fire the deferred foreign-key checks first.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0, allow_cascade=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.django_db
def test_backup_flush_restore_gives_equal_counts(reference, editor, var_dir, tmp_path, fresh_content_types):
    from django.contrib.contenttypes.models import ContentType

    Token.objects.create(user=editor)
    country = Country.objects.get(iso2="FR")
    JournalNote.objects.create(content_type=ContentType.objects.get_for_model(Country), object_id=country.pk,
                               text="Met the ambassador.", author=editor)
    before = exchange.database_counts()
    assert before["partners.country"] > 200 and before["auth.user"] == 1
    out = io.StringIO()
    archive = tmp_path / "backup.zip"
    call_command("backup", "--out", str(archive), stdout=out)
    assert "Backup written" in out.getvalue()
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert set(zf.namelist()) == {"manifest.json", "data.json", "documents/ab/abcdef"}
    assert manifest["counts"]["partners.country"] == before["partners.country"]
    assert len(manifest["files"]["data.json"]) == 64

    flush_database()
    (var_dir / "documents" / "ab" / "abcdef").unlink()
    assert exchange.database_is_empty()
    call_command("restore", str(archive), stdout=out)
    assert exchange.database_counts() == before
    assert (var_dir / "documents" / "ab" / "abcdef").read_bytes() == b"%PDF-1.4 original bytes"
    # Relations survive, content types by natural key included.
    restored = User.objects.get(username="editor1")
    assert restored.check_password("pw-for-tests-1") and restored.groups.filter(name="Editor").exists()
    assert Membership.objects.get(user=restored).organisation.key == "vufo"
    assert Token.objects.get(user=restored)
    note = JournalNote.objects.get()
    assert note.target.iso2 == "FR"
    assert Country.objects.with_current_level().get(iso2="FR").current_level
    # New records get fresh ids after a restore (sequences were reset).
    Organisation.objects.create(name_en="Created after restore")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=out)


@pytest.mark.django_db
def test_damaged_or_malicious_backups_are_refused(vufo, var_dir, tmp_path):
    archive = tmp_path / "b.zip"
    exchange.create_backup(archive)
    call_command("restore", str(archive), "--check", stdout=io.StringIO())

    def rewrite(name, mutate):
        target = tmp_path / name
        with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
            members = {n: src.read(n) for n in src.namelist()}
            for member, data in mutate(members).items():
                dst.writestr(member, data)
        return target

    tampered = rewrite("t.zip", lambda m: {**m, "data.json": m["data.json"].replace(b"VUFO", b"XXXX")})
    with pytest.raises(exchange.ExchangeError, match="Checksum"):
        exchange.verify_backup(tampered)

    def slip(members):
        manifest = json.loads(members["manifest.json"])
        manifest["files"]["documents/../../evil.txt"] = "0" * 64
        return {**members, "manifest.json": json.dumps(manifest), "documents/../../evil.txt": b"x"}

    with pytest.raises(exchange.ExchangeError, match="Unsafe path"):
        exchange.verify_backup(rewrite("s.zip", slip))
    assert not (tmp_path.parent / "evil.txt").exists()
    extra = rewrite("e.zip", lambda m: {**m, "documents/extra": b"x"})
    with pytest.raises(exchange.ExchangeError, match="missing from its manifest"):
        exchange.verify_backup(extra)
    no_manifest = rewrite("n.zip", lambda m: {k: v for k, v in m.items() if k != "manifest.json"})
    with pytest.raises(CommandError, match="not an Amity backup"):
        call_command("restore", str(no_manifest), stdout=io.StringIO())
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(exchange.ExchangeError, match="cannot be opened"):
        exchange.verify_backup(tmp_path / "junk.zip")
