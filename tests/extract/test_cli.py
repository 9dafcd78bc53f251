"""The command line, run as a user would: ``python -m amity.extract``, including bad input."""

from __future__ import annotations

import json
import subprocess
import zipfile

import pytest

from .conftest import PYTHON, REPO, sample_paths


def run(*args, timeout=60):
    return subprocess.run([PYTHON, "-m", "amity.extract", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "good.txt"
    p.write_text("VUFO President Nguyen Phuong Nga received the Japanese delegation in Ha Noi on "
                 "March 10, 2025. Japan granted US$1.2 million.", encoding="utf-8")
    return p


def test_one_file_one_object(good):
    r = run(good, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "JP" in data["countries"] and data["money"][0]["amount"] == 1_200_000
    assert "evidence" in data["money"][0]
    compact = json.loads(run(good, "--json", "--compact").stdout)
    assert "evidence" not in compact["money"][0]


def test_several_files_json_lines_and_batch_goes_on(good, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = run(good, empty, good, "--json", "--compact")
    assert r.returncode == 1
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["file"] for x in lines] == [str(good), str(good)]
    assert r.stderr.strip() == f"amity extract: {empty}: empty file"


def test_usage_error_exit_2():
    assert run().returncode == 2
    assert run("x.txt", "--date", "tomorrow").returncode == 2


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty file"),
    ("binary.bin", bytes(range(256)) * 20, "binary"),
    ("missing.txt", None, "no such file"),
])
def test_bad_input_refused_with_one_line(tmp_path, name, content, reason):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    r = run(p, "--json")
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"amity extract: {p}: ") and reason in lines[0]


def test_too_large_refused(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)     # sparse: no 50 MB written to disk
    r = run(p)
    assert r.returncode == 1 and "too large" in r.stderr


def test_utf16_with_bom_is_decoded(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("Đoàn Nhật Bản thăm Hà Nội ngày 10/3/2025.".encode("utf-16"))
    r = run(p, "--compact")
    assert r.returncode == 0, r.stderr
    assert "JP" in json.loads(r.stdout)["countries"]


def test_invalid_utf8_falls_back_with_warning(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("The Japanese delegation visited Hanoi café".encode("cp1252"))
    r = run(p, "--compact")
    assert r.returncode == 0
    assert "warning" in r.stderr and "UTF-8" in r.stderr
    assert "JP" in json.loads(r.stdout)["countries"]


def test_broken_html(tmp_path):
    p = tmp_path / "broken.html"
    p.write_text("<html><body><p>The Japanese delegation visited <b>Ha Noi<div><p>VUFO President",
                 encoding="utf-8")
    r = run(p, "--compact")
    assert r.returncode == 0, r.stderr
    assert "JP" in json.loads(r.stdout)["countries"]


def test_html_tags_only_is_refused(tmp_path):
    p = tmp_path / "blank.html"
    p.write_text("<html><body><script>var x=1;</script></body></html>", encoding="utf-8")
    r = run(p)
    assert r.returncode == 1 and r.stderr.count("\n") == 1


def _blank_pdf(path):
    import pypdf

    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    with open(path, "wb") as fh:
        w.write(fh)


def test_pdf_without_text_is_refused(tmp_path):
    p = tmp_path / "scan.pdf"
    _blank_pdf(p)
    r = run(p)
    assert r.returncode == 1
    assert "no text" in r.stderr and r.stderr.count("\n") == 1


def test_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Hội hữu nghị Việt Nam – Lào tổ chức lễ kỷ niệm tại Hà Nội.")
    p = tmp_path / "a.docx"
    d.save(p)
    r = run(p, "--compact")
    assert r.returncode == 0, r.stderr
    assert "LA" in json.loads(r.stdout)["countries"]


def test_corrupt_docx_and_pdf(tmp_path):
    bad_docx = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad_docx, "w") as z:
        z.writestr("hello.txt", "not a docx")
    bad_pdf = tmp_path / "bad.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4\n garbage")
    r = run(bad_docx, bad_pdf)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 2


def test_samples_batch():
    r = run(*sample_paths(), "--compact")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == len(sample_paths())


def test_pipeline_does_not_import_django():
    code = ("import sys, amity.extract.pipeline, amity.extract.cli;"
            "from amity.extract.pipeline import extract; extract('VUFO met the Japanese delegation.');"
            "print('django' in sys.modules)")
    r = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "False", r.stderr
