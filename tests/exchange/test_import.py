import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from amity.core import exchange
from amity.partners.models import Organisation, Person, Post
from tests.api.conftest import partners, token_client  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ORGS_CSV = (
    "name_en,name_vi,acronym,aliases,kind,partner_country,province\n"
    "Viet Nam - France Friendship Association,Hội hữu nghị Việt Nam - Pháp,VFFA,AAVF; Amitié,"
    "friendship_association,FR,ha-noi\n"
    "Viet Nam - Indonesia Friendship Association,,,,,ID,\n"  # exists (fixture)
    "Can Tho Youth Union,Đoàn Thanh niên Cần Thơ,,,Youth or mass organisation,VN,\n"
    "viet nam - FRANCE friendship association,,,,,,\n"  # same folded name as row 2
)


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content)


def table(text: str, name="x.csv"):
    return exchange.read_table(text.encode("utf-8"), name)


def test_preview_then_import_organisations(editor, vufo, partners):  # noqa: F811
    from amity.partners.models import Country

    Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam")
    before = Organisation.objects.count()
    preview = exchange.import_rows("organisations", table(ORGS_CSV), user=editor, dry_run=True)
    assert preview.ok and not preview.committed
    assert [(r.row, r.status) for r in preview.rows] == [(2, "new"), (3, "exists"), (4, "new"), (5, "duplicate")]
    assert Organisation.objects.count() == before  # a dry run writes nothing
    report = exchange.import_rows("organisations", table(ORGS_CSV), user=editor, dry_run=False)
    assert report.committed and report.counts == {"new": 2, "exists": 1, "duplicate": 1}
    assert Organisation.objects.count() == before + 2
    france = Organisation.objects.get(acronym="VFFA")
    assert france.owner == vufo and france.created_by == editor
    assert france.partner_country.iso2 == "FR" and france.province.code == "ha-noi"
    assert france.aliases == ["AAVF", "Amitié"] and france.kind == "friendship_association"
    assert Organisation.objects.get(name_en="Can Tho Youth Union").kind == "mass_org"
    again = exchange.import_rows("organisations", table(ORGS_CSV), user=editor, dry_run=False)
    assert again.counts["exists"] == 4 and Organisation.objects.count() == before + 2


def test_one_bad_row_and_nothing_is_written(editor, partners):  # noqa: F811
    text = ("name_en,kind,home_country,parent\n"
            "Good Association,ngo,FR,\n"
            "<script>alert(1)</script>,ngo,,\n"
            "Another,martian,XX,Nobody\n")
    before = Organisation.objects.count()
    report = exchange.import_rows("organisations", table(text), user=editor, dry_run=False)
    assert not report.ok and not report.committed
    assert Organisation.objects.count() == before
    by_row = {r.row: r for r in report.rows}
    assert by_row[2].status == "new"
    assert by_row[3].status == "error" and "markup" in " ".join(by_row[3].messages)
    messages = " ".join(by_row[4].messages)
    assert "kind" in messages and "country XX" in messages and "organisation Nobody" in messages


def test_file_level_problems_are_clear(editor, vufo):
    report = exchange.import_rows("people", table("name,country\nX,FR\n"), user=editor)
    assert report.file_errors and "full_name" in report.file_errors[0]
    with pytest.raises(exchange.ExchangeError, match="empty"):
        exchange.read_table(b"", "x.csv")
    with pytest.raises(exchange.ExchangeError, match="10 MB"):
        exchange.read_table(b"a" * (exchange.MAX_IMPORT_BYTES + 1), "x.csv")
    with pytest.raises(exchange.ExchangeError, match="XLSX"):
        exchange.read_table(b"PK\x03\x04 not really a zip", "x.xlsx")
    unknown = exchange.import_rows("organisations", table("name_en,colour\nX Association,red\n"), user=editor)
    assert unknown.ok and "colour" in unknown.warnings[0]


def test_cp1252_is_refused_and_utf16_is_read(editor, vufo):
    cp1252 = "name_en,description\nCafé Society,Caf\xe9 \u2013 na\xefve\n".encode("cp1252")
    with pytest.raises(exchange.ExchangeError, match="not UTF-8.*cp1252"):
        exchange.read_table(cp1252, "x.csv")
    utf16 = "name_en;name_vi\nHanoi Friendship Club;Câu lạc bộ Hữu nghị Hà Nội\n".encode("utf-16")
    parsed = exchange.read_table(utf16, "x.csv")
    assert parsed.rows == [(2, {"name_en": "Hanoi Friendship Club", "name_vi": "Câu lạc bộ Hữu nghị Hà Nội"})]
    bom = exchange.read_table(b"\xef\xbb\xbfname_en\nX\n", "x.csv")
    assert bom.headers == ["name_en"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_people_with_posts_from_xlsx(editor, vufo, partners):  # noqa: F811
    import datetime as dt

    data = xlsx([
        ["Full name", "name_vi", "country", "post_title", "post_organisation", "post_from", "post_to"],
        ["Jean Dupont", "", "France", "President", "Viet Nam - Indonesia Friendship Association",
         dt.datetime(2019, 5, 1), None],
        ["Jean Dupont", "", "", "Member", "VUFO", "2015", "2018-12-31"],
        ["nguyen phuong nga", "", "", "", "", "", ""],  # exists (fixture, with diacritics)
        ["Lê Văn A", "Lê Văn A", "VN?", "", "", "", ""],  # unknown country
    ])
    report = exchange.import_rows("people", exchange.read_table(data, "p.xlsx"), user=editor, dry_run=True)
    statuses = {r.row: r.status for r in report.rows}
    assert statuses == {2: "new", 3: "new", 4: "exists", 5: "error"}
    assert not report.ok and Person.objects.filter(full_name="Jean Dupont").count() == 0
    fixed = exchange.read_table(data.replace(b"VN?", b"FR?"), "p.xlsx")  # still unknown: stays all-or-nothing
    assert not exchange.import_rows("people", fixed, user=editor, dry_run=False).committed
    good = xlsx([["full_name", "country", "post_title", "post_organisation", "post_from"],
                 ["Jean Dupont", "FR", "President", "VUFO", "2019-05-01"],
                 ["Jean Dupont", "", "Member", "VUFO", "2015"]])
    report = exchange.import_rows("people", exchange.read_table(good, "p.xlsx"), user=editor, dry_run=False)
    assert report.committed, report.as_dict()
    person = Person.objects.get(full_name="Jean Dupont")
    assert person.country.iso2 == "FR" and person.owner == vufo
    assert sorted(Post.objects.filter(person=person).values_list("title", flat=True)) == ["Member", "President"]


def test_bad_post_dates_are_row_errors(editor, vufo):
    text = "full_name,post_title,post_from,post_to\nA Person,Chair,2020-01-01,2019-01-01\nB Person,Chair,soon,\n"
    report = exchange.import_rows("people", table(text), user=editor, dry_run=True)
    assert [r.status for r in report.rows] == ["error", "error"]
    assert "before it starts" in " ".join(report.rows[0].messages)
    assert "YYYY-MM-DD" in " ".join(report.rows[1].messages)


def test_import_page_preview_and_confirm(editor_client, vufo, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    content = b"name_en,kind\nHai Phong Peace Committee,ngo\n"
    page = editor_client.get("/api/import/")
    assert page.status_code == 200
    preview = editor_client.post("/api/import/", {"model": "organisations", "file": upload("o.csv", content)})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Preview" in body and "Hai Phong Peace Committee" in body and 'name="staged"' in body
    assert not Organisation.objects.filter(name_en="Hai Phong Peace Committee").exists()
    staged = preview.context["staged"]
    done = editor_client.post("/api/import/", {"model": "organisations", "staged": staged})
    assert done.status_code == 200 and done.context["report"].committed
    assert Organisation.objects.get(name_en="Hai Phong Peace Committee").owner == vufo
    assert not list((Path(tmp_path) / "imports").iterdir())
    again = editor_client.post("/api/import/", {"model": "organisations", "staged": staged})
    assert again.status_code == 400 and "expired" in again.content.decode()
    bad = editor_client.post("/api/import/", {"model": "organisations", "staged": "../../etc/passwd.csv"})
    assert bad.status_code == 400


def test_import_page_shows_row_errors_and_refuses_analysts(editor_client, analyst, client, vufo):
    content = b"name_en\n<b>x</b>\n"
    response = editor_client.post("/api/import/", {"model": "organisations", "file": upload("o.csv", content)})
    assert response.status_code == 400 and "markup" in response.content.decode()
    assert "staged" not in response.context or not response.context.get("staged")
    client.force_login(analyst)
    assert client.get("/api/import/").status_code == 403


def test_import_api_endpoint(editor, analyst, vufo):
    api = token_client(editor)
    content = b"name_en\nQuang Ninh Friendship Union\n"
    dry = api.post("/api/import/organisations/?dry_run=1", {"file": upload("o.csv", content)}, format="multipart")
    assert dry.status_code == 200 and dry.json()["counts"] == {"new": 1} and not dry.json()["committed"]
    real = api.post("/api/import/organisations/", {"file": upload("o.csv", content)}, format="multipart")
    assert real.status_code == 200 and real.json()["committed"]
    assert Organisation.objects.filter(name_en="Quang Ninh Friendship Union").exists()
    refused = token_client(analyst).post("/api/import/organisations/", {"file": upload("o.csv", content)},
                                         format="multipart")
    assert refused.status_code == 403


def test_import_data_command(tmp_path, vufo, partners):  # noqa: F811
    path = tmp_path / "orgs.csv"
    path.write_text(ORGS_CSV.replace(",VN,", ",FR,"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_data", str(path), "--model", "organisations", "--dry-run", stdout=out)
    assert "Would import" in out.getvalue() and "row 3: exists" in out.getvalue()
    assert not Organisation.objects.filter(acronym="VFFA").exists()
    call_command("import_data", str(path), "--model", "organisations", "--owner", "vufo", stdout=out)
    assert Organisation.objects.get(acronym="VFFA").owner == vufo
    bad = tmp_path / "bad.csv"
    bad.write_bytes("full_name\nJosé\n".encode("cp1252"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_data", str(bad), "--model", "people", stdout=out)


def test_export_then_import_round_trip(analyst_client, editor, vufo):
    Organisation.objects.create(name_en="=Equals Club", acronym="-EC", owner=vufo)
    content = analyst_client.get("/api/export/organisations.csv").content
    Organisation.objects.filter(name_en="=Equals Club").delete()
    report = exchange.import_rows("organisations", exchange.read_table(content, "o.csv"), user=editor,
                                  dry_run=False)
    assert report.committed, report.as_dict()
    assert {r.status for r in report.rows} == {"new", "exists"}
    assert Organisation.objects.get(name_en="=Equals Club").acronym == "-EC"
