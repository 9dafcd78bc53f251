"""The gazetteer: packaged data, the database snapshot, the cached singleton."""

from __future__ import annotations

import json
import subprocess

import pytest

from amity.extract import gazetteer
from amity.extract.pipeline import extract

from .conftest import PYTHON, REPO


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "gaz.json"
    n = gazetteer.write_snapshot(
        path,
        organizations=[{"name": "Friends of Hue Foundation", "canonical": "Friends of Hue Foundation",
                        "kind": "ngo", "country": "US", "aliases": ["FHF", ""]}],
        persons=[{"name": "Jane Quimby", "title": "Director", "org": "Friends of Hue Foundation",
                  "aliases": ["J. Quimby"]}],
        places=[{"name": "Kazanlak", "kind": "city", "aliases": ["Казанлък"]}],
    )
    assert n == 3
    return path


def test_snapshot_is_plain_json(snapshot):
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    assert data["version"] == gazetteer.SNAPSHOT_VERSION
    assert data["organizations"][0]["aliases"] == ["FHF"]      # empty aliases dropped
    assert set(data) == {"version", "organizations", "persons", "places"}


def test_snapshot_record_needs_a_name(tmp_path):
    with pytest.raises(ValueError):
        gazetteer.write_snapshot(tmp_path / "x.json", organizations=[{"canonical": "No name"}])


def test_snapshot_names_are_found(snapshot):
    g = gazetteer.load_gazetteer(snapshot)
    r = extract("The FHF and director J. Quimby visited Hue with the Japanese delegation.", gazetteer=g)
    org = [o for o in r["organizations"] if o["name"] == "FHF"]
    assert org and org[0]["canonical"] == "Friends of Hue Foundation" and org[0]["kind"] == "ngo"
    assert org[0]["country"] == "US"
    person = [p for p in r["persons"] if p["name"] == "J. Quimby"]      # the name as written
    assert person and person[0]["title"] == "Director"
    assert person[0]["org"] == "FHF"          # persons reference organisations by their name above


def test_packaged_gazetteer_without_snapshot():
    g = gazetteer.load_gazetteer()
    assert g.country_names["VN"] == "Viet Nam"
    assert "nguyen" in g.surnames
    r = extract("The FHF visited Hue.", gazetteer=g)
    assert not [o for o in r["organizations"] if o["name"] == "FHF"]


def test_environment_variable_adds_the_snapshot(snapshot):
    code = ("from amity.extract.pipeline import extract;"
            "print([o['canonical'] for o in extract('The FHF visited Hue.')['organizations']])")
    r = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                       env={"AMITY_GAZETTEER": str(snapshot), "PATH": "/usr/bin:/bin"})
    assert "Friends of Hue Foundation" in r.stdout, r.stderr


def test_cli_gazetteer_option(snapshot, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("The FHF visited Hue.", encoding="utf-8")
    r = subprocess.run([PYTHON, "-m", "amity.extract", str(doc), "--gazetteer", str(snapshot), "--compact"],
                       cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["organizations"][0]["canonical"] == "Friends of Hue Foundation"


def test_singleton_is_cached():
    assert gazetteer.get_gazetteer() is gazetteer.get_gazetteer()
