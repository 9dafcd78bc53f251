"""`amity gazetteer build`: partner records -> the engine's snapshot, loaded by the pipeline."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from amity.intake import pipeline
from amity.intake.models import DocumentMention
from amity.partners.models import Country, Organisation, Person

pytestmark = pytest.mark.django_db


def test_build_snapshot_and_pipeline_uses_it(var_dir):
    vn = Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam")
    org = Organisation.objects.create(name_en="Lantern Friendship Circle of Hoi An", acronym="LFCHA",
                                      aliases=["Hoi An Lantern Circle"], kind="ngo", home_country=vn)
    person = Person.objects.create(full_name="Tran Thi Kim Lien", name_vi="Trần Thị Kim Liên")
    out = io.StringIO()
    call_command("gazetteer", "build", stdout=out)
    path = var_dir / "gazetteer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {o["name"] for o in data["organizations"]}
    assert "Lantern Friendship Circle of Hoi An" in names and "written to" in out.getvalue()
    assert any(p["name"] == "Tran Thi Kim Lien" and "Trần Thị Kim Liên" in p["aliases"] for p in data["persons"])
    text = ("Hoi An, 2 February 2025 - The Hoi An Lantern Circle welcomed Japanese volunteers. Ms Trần Thị Kim Liên "
            "said the Lantern Friendship Circle of Hoi An would hold a lantern-making workshop for visitors. ") * 2
    pipeline.execute_run(pipeline.create_run(texts=[text]))
    assert DocumentMention.objects.filter(organisation=org).exists()
    assert DocumentMention.objects.filter(person=person).exists() or DocumentMention.objects.filter(
        kind="person", name__icontains="Liên").exists()
