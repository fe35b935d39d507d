"""`eduplan admissions audit`: a real result checked against the published plan; every breach
named, a malformed file refused with file, row and column, nothing kept but breaches and counts."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from eduplan.planning.admissions.audit import audit
from eduplan.planning.admissions.errors import AdmissionsInputError

SCHOOLS = """school_id,capacity,area,ownership
A,4,X,公办
B,2,X,公办
P,2,X,民办
C,1,Y,公办
"""
QUOTAS = """junior_school,school_id,seats
J0,A,1
J1,A,1
"""
HEADER = "candidate_id,junior_school,area,score,quota_choice,choice_1,choice_2,admitted_school,batch,round\n"
#: The documented running example, admitted as the plan asks.
CLEAN = (
    HEADER
    + """c1,J0,X,690,A,A,B,A,quota,1
c2,J0,X,680,,A,B,A,general,1
c3,J0,X,670,,A,B,A,general,1
c4,J1,X,660,,B,A,B,general,1
c5,J0,X,650,A,A,B,B,general,1
c6,J1,X,600,A,A,B,A,quota,1
c9,J4,Y,620,,C,,C,general,1
"""
)
#: One planted breach of each kind.
FAULTY = (
    HEADER
    + """c1,J0,X,690,A,A,B,A,quota,1
c2,J0,X,680,,A,B,B,general,1
c3,J0,X,670,,A,B,A,general,1
c4,J1,X,660,,B,A,B,general,1
c5,J0,X,650,A,A,B,A,quota,1
c6,J1,X,600,A,A,B,,,
c7,J2,Y,640,,A,,A,general,1
c8,J2,X,630,,B,,P,general,0
c9,J4,Y,620,,C,,C,general,1
c10,J4,Y,610,,C,,C,general,1
c11,J3,X,500,P,P,,P,quota,1
"""
)


def _files(tmp_path, result: str):
    (tmp_path / "schools.csv").write_text(SCHOOLS, "utf-8")
    (tmp_path / "quotas.csv").write_text(QUOTAS, "utf-8")
    (tmp_path / "results.csv").write_text(result, "utf-8")
    return tmp_path / "results.csv", tmp_path / "schools.csv", tmp_path / "quotas.csv"


def test_a_fair_result_passes_every_check(tmp_path):
    report = audit(*_files(tmp_path, CLEAN))
    assert report.breaches == []
    assert (report.candidates, report.admitted, report.admitted_quota, report.unplaced) == (7, 7, 2, 0)
    assert report.notes == []


def test_a_faulty_result_names_each_breach(tmp_path):
    report = audit(*_files(tmp_path, FAULTY))
    got = sorted((b.check, b.what.get("candidate_id") or b.what.get("school_id")) for b in report.breaches)
    assert got == [
        ("cross_area", "c7"),
        ("not_chosen", "c8"),
        ("out_of_order", "c2"),
        ("over_capacity", "C"),
        ("private_early", "P"),
        ("quota_over", "A"),
        ("quota_unallocated", "c11"),
        ("quota_withheld", "c6"),
    ]
    counts = report.counts()
    assert sum(counts.values()) == 8 and all(n == 1 for n in counts.values())
    order = next(b for b in report.breaches if b.check == "out_of_order").what
    assert order["blocked_school"] == "A" and order["cutoff_score"] == 640.0
    withheld = next(b for b in report.breaches if b.check == "quota_withheld").what
    assert withheld["reason"].startswith("指标有空余")


def test_the_report_keeps_only_breaches_and_counts(tmp_path):
    """Candidates are minors: a candidate with no breach appears nowhere in the report."""
    data = audit(*_files(tmp_path, FAULTY)).as_dict()
    text = json.dumps(data, ensure_ascii=False)
    for innocent in ('"c1"', '"c3"', '"c4"', '"c9"', '"c10"'):
        assert innocent not in text
    assert {c["check"]: c["count"] for c in data["checks"]}["cross_area"] == 1


def test_without_a_round_column_private_early_is_said_unchecked(tmp_path):
    lines = [",".join(line.split(",")[:-1]) for line in CLEAN.strip().splitlines()]
    report = audit(*_files(tmp_path, "\n".join(lines) + "\n"))
    assert report.breaches == []
    assert any("round" in n for n in report.notes)


def test_a_malformed_file_is_refused_with_file_row_and_column(tmp_path):
    bad = CLEAN.replace("c3,J0,X,670", "c3,J0,X,67o").replace("c4,J1,X,660,,B,A,B", "c4,J1,X,660,,B,Z,B")
    with pytest.raises(AdmissionsInputError) as exc:
        audit(*_files(tmp_path, bad))
    text = str(exc.value)
    assert "results.csv row 4, column score" in text and "'67o'" in text
    assert "results.csv row 5, column choice_2" in text and "'Z'" in text


def test_a_missing_column_and_a_quota_without_allocation_file_are_refused(tmp_path):
    results, schools, _ = _files(tmp_path, CLEAN.replace("admitted_school", "school"))
    with pytest.raises(AdmissionsInputError, match="column admitted_school"):
        audit(results, schools)
    results, schools, _ = _files(tmp_path, CLEAN)
    with pytest.raises(AdmissionsInputError, match=r"row 2, column batch.*--quotas"):
        audit(results, schools)


def test_cli_prints_breaches_writes_json_and_fails_when_strict(tmp_path, capsys):
    results, schools, quotas = _files(tmp_path, FAULTY)
    out = tmp_path / "audit.json"
    call_command(
        "admissions",
        "audit",
        "--results",
        str(results),
        "--schools",
        str(schools),
        "--quotas",
        str(quotas),
        "--out",
        str(out),
    )
    printed = capsys.readouterr().out
    assert "cross_area" in printed and "c7" in printed
    assert json.loads(out.read_text("utf-8"))["candidates"] == 11
    with pytest.raises(CommandError, match="breaches"):
        call_command(
            "admissions",
            "audit",
            "--results",
            str(results),
            "--schools",
            str(schools),
            "--quotas",
            str(quotas),
            "--strict",
        )
    with pytest.raises(CommandError, match="row 4, column score"):
        (tmp_path / "bad.csv").write_text(CLEAN.replace("670", "x"), "utf-8")
        call_command(
            "admissions",
            "audit",
            "--results",
            str(tmp_path / "bad.csv"),
            "--schools",
            str(schools),
            "--quotas",
            str(quotas),
        )
