"""The intake pipeline in-process: storage, dedup, near-duplicates, steps, hooks, bad input, resumption."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from amity.intake import pipeline
from amity.intake.inputs import Item
from amity.intake.models import Document, DocumentMention, DocumentStatus, IngestRun, RunStatus, Source
from amity.intake.search import search
from tests.intake.helpers import encrypted_pdf, make_zip

pytestmark = pytest.mark.django_db

ARTICLE_EN = (
    "Hanoi, 12 March 2025 — The Viet Nam Union of Friendship Organisations (VUFO) welcomed a delegation of the "
    "Japan-Viet Nam Friendship Association led by its President on a working visit to Hanoi. The two sides "
    "reviewed people-to-people exchanges in education, culture and humanitarian aid, and agreed to organise a "
    "youth exchange in Da Nang in the summer. The association presented 50,000 USD to support scholarships for "
    "students in the central provinces. VUFO Vice President Dong Huy Cuong thanked the Japanese friends for "
    "their long-standing support and proposed closer cooperation between localities of the two countries, "
    "including Kyoto and Hue, on heritage conservation and tourism promotion in the coming years."
)
ARTICLE_VI = (
    "Đà Nẵng, ngày 5/4/2025 — Liên hiệp các tổ chức hữu nghị thành phố Đà Nẵng đã tiếp đoàn đại biểu Hội hữu "
    "nghị Pháp - Việt Nam do Chủ tịch Hội dẫn đầu. Hai bên trao đổi về hợp tác giáo dục, văn hóa và nhân đạo, "
    "thống nhất tổ chức chương trình giao lưu thanh niên vào mùa hè tại thành phố Đà Nẵng."
)

ARTICLE_VI2 = (
    "Cần Thơ, 20/6/2025 — Hội hữu nghị Việt Nam - Campuchia thành phố Cần Thơ tổ chức lễ trao 200 suất học bổng "
    "cho sinh viên Campuchia đang học tập tại các trường đại học trên địa bàn, với tổng trị giá 400 triệu đồng. "
    "Phát biểu tại buổi lễ, lãnh đạo Hội khẳng định tình đoàn kết đặc biệt giữa hai dân tộc."
)


def ingest(*, paths=(), urls=(), texts=(), **params) -> IngestRun:
    run = pipeline.create_run(paths=paths, urls=urls, texts=texts, **params)
    return pipeline.execute_run(run)


def test_folder_ingest_stores_bytes_text_and_index(var_dir, samples, reference):
    run = ingest(paths=[samples])
    assert run.status == RunStatus.DONE
    assert (run.total, run.added, run.skipped, run.failed) == (5, 5, 0, 0)
    for doc in Document.objects.all():
        data = (samples / doc.original_name).read_bytes()
        assert doc.sha256 == hashlib.sha256(data).hexdigest()
        assert doc.blob == var_dir / "documents" / doc.sha256[:2] / doc.sha256
        assert doc.blob.read_bytes() == data
        assert doc.status == DocumentStatus.DONE and doc.language == "en" and doc.text and doc.title
        assert set(doc.extraction) >= {"countries", "organizations", "persons", "events", "money", "figures"}
    source = Source.objects.get()
    assert source.kind == "folder" and source.location == str(samples)
    # linked to partner records of the reference data
    assert DocumentMention.objects.filter(organisation__key="vufo").exists()
    assert DocumentMention.objects.filter(kind="country", country__iso2="RO").exists()
    assert search("tuyen quang").total >= 1


def test_same_bytes_change_nothing(var_dir, samples):
    ingest(paths=[samples])
    before = list(Document.objects.order_by("pk").values_list("pk", "sha256", "status", "updated_at"))
    run = ingest(paths=[samples])
    assert (run.added, run.skipped, run.failed) == (0, 5, 0)
    assert all("already ingested" in i.message for i in run.items.all())
    assert list(Document.objects.order_by("pk").values_list("pk", "sha256", "status", "updated_at")) == before


def test_same_bytes_twice_in_one_batch_are_stored_once(var_dir, tmp_path):
    """Items are stored a batch at a time: a copy later in the same batch is skipped, naming the first."""
    (tmp_path / "a.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (tmp_path / "c.txt").write_text(ARTICLE_VI, encoding="utf-8")
    run = ingest(paths=[tmp_path])
    assert (run.added, run.skipped, run.failed) == (2, 1, 0)
    assert Document.objects.count() == 2
    assert run.items.get(name__endswith="b.txt").message == "same bytes as a.txt"
    assert Document.objects.get(original_name="a.txt").status == DocumentStatus.DONE


def test_a_folder_is_read_file_by_file(var_dir, tmp_path, monkeypatch):
    """A folder larger than memory: each batch is stored before the next files are read; the total is known
    from the start."""
    from amity.intake import inputs

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    for i in range(6):
        words = " ".join(f"w{i}x{j}" for j in range(80))  # unlike each other: no near-duplicates
        (tmp_path / f"{i}.txt").write_text(f"Report {i}. {words}", encoding="utf-8")
    stored_when_read = []
    read = inputs._iter_file

    def spy(path, name):
        stored_when_read.append(Document.objects.count())
        yield from read(path, name)

    monkeypatch.setattr(inputs, "_iter_file", spy)
    run = ingest(paths=[tmp_path])
    assert (run.total, run.added, run.failed) == (6, 6, 0)
    assert stored_when_read == [0, 0, 2, 2, 4, 4]


def test_near_duplicate_linked_to_first_copy(var_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("VUFO welcomes Japanese delegation\n\n" + ARTICLE_EN, encoding="utf-8")
    republished = ARTICLE_EN.replace("working visit", "visit").replace("long-standing", "longstanding")
    (folder / "b.txt").write_text("Japanese friends visit VUFO (Thoi Dai)\n\n" + republished + "\nPhoto: Thoi Dai",
                                  encoding="utf-8")
    (folder / "c.txt").write_text(ARTICLE_VI, encoding="utf-8")
    run = ingest(paths=[folder])
    a = Document.objects.get(original_name="a.txt")
    b = Document.objects.get(original_name="b.txt")
    c = Document.objects.get(original_name="c.txt")
    assert b.status == DocumentStatus.DUPLICATE and b.duplicate_of == a
    assert c.status == DocumentStatus.DONE and c.duplicate_of is None and c.language == "vi"
    assert not b.mentions.exists()  # no work done twice
    assert (run.added, run.skipped) == (2, 1)
    assert "near-duplicate" in run.items.get(name="b.txt").message
    # search shows the first copy only, unless asked
    from amity.intake.search import Filters

    assert [h.document for h in search("japanese delegation").hits] == [a]
    assert search("kyoto hue", Filters(include_duplicates=True)).total == 2


def test_hooks_run_after_linking_and_failure_marks_document(var_dir, tmp_path, monkeypatch):
    seen = []

    def good(doc):
        assert doc.status == DocumentStatus.LINKED
        seen.append(doc.pk)

    def bad(doc):
        if "Đà Nẵng" in doc.text:
            DocumentMention.objects.create(document=doc, kind="event", name="half-written")
            raise ValueError("boom")

    monkeypatch.setattr(pipeline, "POST_EXTRACT_HOOKS", [good, bad])
    run = ingest(texts=[ARTICLE_EN, ARTICLE_VI])
    assert run.added == 1 and run.failed == 1
    failed = Document.objects.get(status=DocumentStatus.FAILED)
    assert "boom" in failed.error and "bad" in failed.error
    assert not DocumentMention.objects.filter(name="half-written").exists()  # rolled back
    assert len(seen) == 2
    assert Document.objects.get(status=DocumentStatus.DONE).language == "en"


def test_batch_hooks_run_once_per_batch_and_fall_back_to_one_by_one(var_dir, monkeypatch):
    calls = []

    def good(doc):
        calls.append(("one", doc.pk))

    good.batch = lambda docs: calls.append(("batch", tuple(d.pk for d in docs)))

    def bad(doc):
        if "Đà Nẵng" in doc.text:
            raise ValueError("boom")

    def bad_batch(docs):
        DocumentMention.objects.create(document=docs[0], kind="event", name="half-written")
        for doc in docs:
            bad(doc)

    bad.batch = bad_batch
    def folder(name, *texts):
        path = var_dir / name
        path.mkdir()
        for i, text in enumerate(texts):
            (path / f"{i}.txt").write_text(text, encoding="utf-8")
        return path

    monkeypatch.setattr(pipeline, "POST_EXTRACT_HOOKS", [good])
    run = ingest(paths=[folder("a", ARTICLE_EN, ARTICLE_VI2)])
    assert run.added == 2 and [c[0] for c in calls] == ["batch"] and len(calls[0][1]) == 2
    assert set(Document.objects.values_list("status", flat=True)) == {DocumentStatus.DONE}

    calls.clear()
    monkeypatch.setattr(pipeline, "POST_EXTRACT_HOOKS", [good, bad])
    other = ("Hue, 3 May 2025 — The Thua Thien Hue Union of Friendship Organisations received a delegation of "
             "the Cuba - Viet Nam Friendship Association. The guests visited the Imperial City and a school for "
             "children with disabilities, and the two sides discussed exchanges of medical students.")
    run = ingest(paths=[folder("b", ARTICLE_VI, other)])
    assert run.added == 1 and run.failed == 1
    failed = Document.objects.get(status=DocumentStatus.FAILED)
    assert "boom" in failed.error and "bad" in failed.error
    assert not DocumentMention.objects.filter(name="half-written").exists()  # the batch was rolled back
    assert [c[0] for c in calls] == ["batch", "one", "one"]  # then one by one: only the bad document fails


def test_pasted_text_source_and_title(var_dir):
    run = ingest(texts=[ARTICLE_EN], title="VUFO and Japan")
    doc = Document.objects.get()
    assert doc.title == "VUFO and Japan" and doc.source.kind == "paste"
    assert run.added == 1


_zip, _encrypted_pdf = make_zip, encrypted_pdf


def test_bad_inputs_get_clear_messages_and_the_batch_continues(var_dir, tmp_path, monkeypatch):
    from amity.intake import inputs

    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (folder / "secret.pdf").write_bytes(_encrypted_pdf())
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "article.pdf").write_text(ARTICLE_VI, encoding="utf-8")  # wrong extension, readable text
    (folder / "empty.txt").write_bytes(b"")
    (folder / "big.txt").write_bytes(b"x" * 2048)
    (folder / "evil.zip").write_bytes(_zip({"../../etc/passwd.txt": b"root"}))
    bomb = _zip({"bomb.txt": b"0" * (3 * 1024 * 1024)})
    (folder / "bomb.zip").write_bytes(bomb)
    (folder / "ok.zip").write_bytes(_zip({"inner/one.txt": ARTICLE_VI2.encode()}))
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 1024 * 1024)
    monkeypatch.setattr(inputs, "MAX_ZIP_RATIO", 50)
    (folder / "big.txt").write_bytes(b"y" * (1024 * 1024 + 1))
    run = ingest(paths=[folder])
    items = {i.name: i for i in run.items.all()}
    assert items["good.txt"].status == "added"
    assert items["article.pdf"].status == "added"
    assert items["ok.zip/inner/one.txt"].status == "added"
    assert items["secret.pdf"].status == "failed" and "encrypted PDF" in items["secret.pdf"].message
    assert Document.objects.get(original_name="secret.pdf").error == "encrypted PDF"
    assert items["photo.txt"].status == "failed" and items["photo.txt"].message
    assert items["empty.txt"].message == "empty file"
    assert "too large" in items["big.txt"].message
    assert "unsafe path" in items["evil.zip"].message
    assert "zip bomb" in items["bomb.zip"].message
    assert run.status == RunStatus.DONE and run.added == 3
    assert not (var_dir.parent / "etc").exists()


def test_killed_between_steps_resumes_without_loss_or_duplicates(var_dir, samples, monkeypatch):
    calls = {"n": 0}
    real = pipeline.link_batch

    def dying_link(docs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the process is stopped between two committed steps
        real(docs)

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    monkeypatch.setattr(pipeline, "link_batch", dying_link)
    with pytest.raises(KeyboardInterrupt):
        ingest(paths=[samples])
    interrupted = IngestRun.objects.get()
    assert interrupted.status == RunStatus.FAILED and "interrupted" in interrupted.message
    assert dict(Document.objects.values_list("status").annotate(n=Count("id"))) == {"done": 2, "extracted": 2}
    monkeypatch.setattr(pipeline, "link_batch", real)
    run = ingest(paths=[samples])
    assert Document.objects.count() == 5
    assert set(Document.objects.values_list("status", flat=True)) == {DocumentStatus.DONE}
    assert run.added == 3 and run.skipped == 2  # 2 finished earlier; 2 resumed + 1 never started
    assert run.items.filter(status="added", message__contains="resumed").count() == 2
    assert search("viet*").total == 5  # indexed once each, none lost
    for doc in Document.objects.all():
        names = list(doc.mentions.values_list("kind", "name"))
        assert len(names) == len(set(names))


def test_batch_and_single_paths_agree(var_dir, samples, monkeypatch):
    """The per-document steps (used for resumption and as the fallback) give the same result as batches."""
    ingest(paths=[samples])
    batch = {d.sha256: (d.status, d.language, d.title, d.text, d.date, sorted(d.mentions.values_list("kind", "name")))
             for d in Document.objects.all()}
    Document.objects.all().delete()
    source = Source.objects.get()  # the folder source: undated files take their modification date in both paths
    for path in sorted(samples.iterdir()):
        doc = pipeline.store_item(Item(name=path.name, data=path.read_bytes()), source=source).document
        pipeline.process_document(doc)
    single = {d.sha256: (d.status, d.language, d.title, d.text, d.date,
                         sorted(d.mentions.values_list("kind", "name"))) for d in Document.objects.all()}
    assert single == batch


def test_near_duplicates_inside_one_batch_and_across_batches(var_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 3)
    folder = tmp_path / "dups"
    folder.mkdir()
    for i in range(7):
        (folder / f"{i}.txt").write_text(f"Republished by outlet {i}\n\n{ARTICLE_EN}", encoding="utf-8")
    run = ingest(paths=[folder])
    assert (run.added, run.skipped) == (1, 6)
    first = Document.objects.get(original_name="0.txt")
    assert set(Document.objects.exclude(pk=first.pk).values_list("duplicate_of", flat=True)) == {first.pk}


def test_resume_flag_finishes_pending_documents(var_dir):
    outcome = pipeline.store_item(Item(name="x.txt", data=ARTICLE_EN.encode()))
    assert outcome.document.status == DocumentStatus.NEW
    call_command("ingest", "--text", ARTICLE_VI, stdout=io.StringIO())
    assert Document.objects.get(pk=outcome.document.pk).status == DocumentStatus.DONE


def test_ingest_command_summary(var_dir, samples, tmp_path):
    (samples / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = io.StringIO()
    call_command("ingest", str(samples), stdout=out)
    text = out.getvalue()
    assert "added" in text and "5" in text
    assert "broken.pdf" in text and "PDF" in text
    with pytest.raises(Exception, match="No such file"):
        call_command("ingest", str(tmp_path / "missing"), stdout=io.StringIO())


def test_demo_folder_one_command_then_search(var_dir, reference):
    """Done-when: drop articles into a folder, run one command, see them in search."""
    from pathlib import Path

    import amity.intake

    demo = Path(amity.intake.__file__).parent / "demo"
    out = io.StringIO()
    call_command("ingest", str(demo), stdout=out)
    assert "0 failed" in out.getvalue()
    assert Document.objects.filter(status=DocumentStatus.DUPLICATE).count() == 1  # the republished story
    assert search("cuba rice").total == 1
    assert search("hữu nghị").total >= 3 and search("huu nghi").total == search("hữu nghị").total
    assert search('"india day"').total == 1  # from the local RSS file
    out = io.StringIO()
    call_command("ingest", "--sources", stdout=out)  # re-check the watched folder: nothing new
    assert "0 added" in out.getvalue()


def test_a_batch_runs_with_the_garbage_collector_paused(var_dir, monkeypatch):
    """core.gcpause: off during a batch's steps, back on after (even when a step fails)."""
    import gc

    seen = []
    text_batch = pipeline.text_batch

    def spy(docs):
        seen.append(gc.isenabled())
        text_batch(docs)

    monkeypatch.setattr(pipeline, "text_batch", spy)
    assert gc.isenabled()
    run = ingest(texts=[ARTICLE_EN])
    assert run.added == 1 and seen == [False] and gc.isenabled()
