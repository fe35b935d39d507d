"""Hostile uploads (issue 22, problems 1, 8 and 9): every one is refused with a message naming the
limit it broke, no reader allocates more than the file justifies, no batch is left "running", and
only users who may write reach the import page at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eduplan.accounts.actions import create_user_with_role
from eduplan.intake.models import BatchStatus, ImportBatch
from eduplan.intake.readers import FileProblem, read_book
from eduplan.registry.choices import Role
from tests.intake.helpers import class_row, full_city, kind_sheet
from tests.security.hostile import (
    huge_string_workbook,
    read_in_jail,
    sparse_workbook,
    wide_workbook,
    zip_bomb,
)


def _refused(result: dict, code: str, setting: str) -> None:
    assert "crashed" not in result, result["crashed"]
    assert result["read"] is False, result
    assert result["code"] == code
    assert setting in result["zh"] and setting in result["en"], result  # the message names the limit
    assert result["seconds"] < 20


def test_sparse_workbook_declaring_the_whole_sheet_is_refused_without_allocating(tmp_path):
    path = sparse_workbook(tmp_path / "sparse.xlsx")
    assert path.stat().st_size < 2000
    _refused(read_in_jail(path), "too_many_cells", "UPLOAD_MAX_CELLS")


def test_huge_inline_string_is_refused_without_allocating(tmp_path):
    path = huge_string_workbook(tmp_path / "huge.xlsx")
    assert path.stat().st_size < 2_000_000
    result = read_in_jail(path)
    assert "crashed" not in result, result["crashed"]
    # refused for the string itself, the size of the part that holds it or its compression ratio:
    # each names the limit
    assert result.get("code") in ("string_too_long", "unzipped_too_large", "compression_ratio"), result
    assert "UPLOAD_MAX_" in result["zh"] and "UPLOAD_MAX_" in result["en"]


def test_zip_bomb_is_refused(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx")
    _refused(read_in_jail(path), "unzipped_too_large", "UPLOAD_MAX_UNZIPPED_BYTES")


def test_row_and_column_counts_are_limited(tmp_path, settings):
    settings.UPLOAD_MAX_ROWS = 50
    settings.UPLOAD_MAX_COLUMNS = 8
    with pytest.raises(FileProblem) as rows:
        read_book(wide_workbook(tmp_path / "rows.xlsx", rows=60, cols=3))
    assert rows.value.code == "too_many_rows" and "50" in rows.value.zh and "UPLOAD_MAX_ROWS" in rows.value.en
    with pytest.raises(FileProblem) as cols:
        read_book(wide_workbook(tmp_path / "cols.xlsx", rows=3, cols=9))
    assert cols.value.code == "too_many_columns" and "UPLOAD_MAX_COLUMNS" in cols.value.zh
    assert read_book(wide_workbook(tmp_path / "ok.xlsx", rows=50, cols=8)).sheets[0].rows[49][7] == 7


def test_csv_rows_columns_and_strings_are_limited(tmp_path, settings):
    settings.UPLOAD_MAX_ROWS = 10
    settings.UPLOAD_MAX_STRING = 100
    many = tmp_path / "many.csv"
    many.write_text("a,b\n" + "1,2\n" * 11, encoding="utf-8")
    with pytest.raises(FileProblem) as rows:
        read_book(many)
    assert rows.value.code == "too_many_rows"
    long = tmp_path / "long.csv"
    long.write_text("a,b\n1," + "长" * 101 + "\n", encoding="utf-8")
    with pytest.raises(FileProblem) as text:
        read_book(long)
    assert (
        text.value.code == "string_too_long"
        and "B2" in text.value.zh
        and "UPLOAD_MAX_STRING" in text.value.en
    )


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    big = tmp_path / "big.csv"
    big.write_text("a,b\n" + "1,2\n" * 400, encoding="utf-8")
    with pytest.raises(FileProblem) as exc:
        read_book(big)
    assert exc.value.code == "file_too_large" and "UPLOAD_MAX_BYTES" in exc.value.en


@pytest.mark.parametrize(
    "name,content",
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 200),
        ("report.xlsx", b"%PDF-1.4\n" + b"x" * 200),
        ("classes.csv", b"MZ\x90\x00" + b"\0" * 200),
        ("archive.xlsx", None),
    ],
)
def test_wrong_file_types_are_named_not_crashed(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "hello")
    else:
        path.write_bytes(content)
    with pytest.raises(FileProblem) as exc:
        read_book(path, name)
    assert exc.value.code in ("not_excel", "not_text") and name in exc.value.zh


@pytest.fixture
def county_a(client):
    full_city()
    client.login(username="county_a", password="pw-123456")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "班级[2024].csv",
        "a:b*c?d/e\\f.csv",
        "../../../etc/passwd.csv",
        "'quoted'.csv",
        "x" * 300 + ".csv",
        "错误 errors.csv",
    ],
)
def test_ordinary_and_odd_file_names_never_crash_an_import(county_a, tmp_path, name):
    path = tmp_path / "upload.csv"
    path.write_text(
        "institution_code,school_year,name,age_group,boys,girls\nK1,2024,甲班,小班,多,3\n", encoding="utf-8"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")
    response = county_a.post("/office/import/", {"file": upload, "kind": "classes"})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REJECTED and batch.error_count == 1
    errors = county_a.get(f"/office/import/{batch.pk}/errors.xlsx")
    assert errors.status_code == 200 and errors.content[:2] == b"PK"


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["viewer", "supervisor"])
def test_users_who_may_not_write_do_not_reach_the_upload(client, tmp_path, username):
    full_city()
    create_user_with_role("supervisor", "pw-123456", Role.SUPERVISOR)
    assert client.login(username=username, password="pw-123456")
    assert client.get("/office/import/").status_code == 403
    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="偷偷班")])
    with f.open("rb") as fh:
        assert client.post("/office/import/", {"file": fh}).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_cap_is_stopped_while_received(county_a, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * 10_000, content_type="text/csv")
    response = county_a.post("/office/import/", {"file": upload, "kind": "classes"})
    assert response.status_code == 413
    page = response.content.decode()
    assert "10,000" in page and "UPLOAD_MAX_BYTES" in page
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_crash_mid_import_marks_the_batch_failed_with_its_reason(county_a, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("parser defect")

    monkeypatch.setattr("eduplan.intake.importer.parse_book", broken)
    f = kind_sheet(tmp_path / "c.xlsx", "classes", [class_row(name="甲")])
    with f.open("rb") as fh:
        response = county_a.post("/office/import/", {"file": fh})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and batch.finished_at is not None
    assert "parser defect" in str(batch.errors)


@pytest.mark.django_db
def test_sweep_marks_stale_running_batches_failed(settings):
    from eduplan.intake.sweep import sweep_stale_batches

    settings.IMPORT_STALE_SECONDS = 60
    stale = ImportBatch.objects.create(file_name="dead.xlsx")
    ImportBatch.objects.filter(pk=stale.pk).update(started_at=timezone.now() - dt.timedelta(minutes=5))
    live = ImportBatch.objects.create(file_name="live.xlsx")
    assert sweep_stale_batches() == 1
    stale.refresh_from_db()
    live.refresh_from_db()
    assert stale.status == BatchStatus.FAILED and "中断" in str(stale.errors) and stale.finished_at
    assert live.status == BatchStatus.RUNNING
