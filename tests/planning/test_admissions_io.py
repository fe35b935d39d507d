"""Reading, refusing and writing admissions files, and the ``eduplan admissions`` command (HS-2.1).

Bad input is refused with the file, the row (the header is row 1) and the column named, in Chinese
and English; the command never shows a traceback for it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from eduplan.planning.admissions import AdmissionsInputError
from eduplan.planning.admissions.io import id_ranks, load_admission

CANDIDATES = """candidate_id,junior_school,score,tiebreak,quota_choice,choice_1,choice_2
c1,J0,690,,A,A,B
c2,J0,680,,A,A,B
c3,J0,670,,,A,B
c4,J1,660,,,B,A
c5,J0,650,,A,A,B
c6,J1,600,,A,A,B
"""
SCHOOLS = """school_id,capacity,quota_share,ownership
A,4,0.5,公办
B,2,,public
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refused(
    tmp_path: Path, candidates: str = CANDIDATES, schools: str = SCHOOLS, juniors: str | None = None
) -> str:
    c = write(tmp_path, "candidates.csv", candidates)
    s = write(tmp_path, "schools.csv", schools)
    j = write(tmp_path, "juniors.csv", juniors) if juniors is not None else None
    with pytest.raises(AdmissionsInputError) as err:
        load_admission(c, s, j)
    return str(err.value)


def test_good_files_load(tmp_path):
    data = load_admission(write(tmp_path, "c.csv", CANDIDATES), write(tmp_path, "s.csv", SCHOOLS))
    inst = data.instance
    assert data.school_ids == ["A", "B"]
    assert data.junior_ids == ["J0", "J1"]
    assert inst.choices.tolist() == [[0, 1], [0, 1], [0, 1], [1, 0], [0, 1], [0, 1]]
    assert inst.quota_choice.tolist() == [0, 0, -1, -1, 0, 0]
    assert inst.quota_share.tolist() == [0.5, 0.0]
    assert inst.private.tolist() == [False, False]


def test_duplicate_candidate_ids_are_refused_with_both_rows(tmp_path):
    text = refused(tmp_path, CANDIDATES.replace("c5,", "c2,"))
    assert "candidates.csv 第 6 行 candidate_id 列" in text
    assert "row 6, column candidate_id: duplicate id 'c2' (same as row 3)" in text


def test_duplicate_school_ids_are_refused(tmp_path):
    text = refused(tmp_path, schools=SCHOOLS.replace("B,2", "A,2"))
    assert "schools.csv row 3, column school_id: duplicate id 'A'" in text


def test_unknown_school_in_a_choice_is_refused_with_row_and_column(tmp_path):
    text = refused(tmp_path, CANDIDATES.replace("c4,J1,660,,,B,A", "c4,J1,660,,,B,Z"))
    assert "candidates.csv 第 5 行 choice_2 列: 未知学校 'Z'" in text
    assert "candidates.csv row 5, column choice_2: unknown school 'Z'" in text


def test_unknown_quota_choice_is_refused(tmp_path):
    text = refused(tmp_path, CANDIDATES.replace("c6,J1,600,,A", "c6,J1,600,,Q"))
    assert "row 7, column quota_choice: unknown school 'Q'" in text


def test_non_numeric_score_is_refused(tmp_path):
    text = refused(tmp_path, CANDIDATES.replace("c3,J0,670", "c3,J0,六百七"))
    assert "row 4, column score: not a number '六百七'" in text
    assert "第 4 行 score 列: 不是数字" in text


def test_empty_score_is_refused(tmp_path):
    text = refused(tmp_path, CANDIDATES.replace("c3,J0,670", "c3,J0,"))
    assert "row 4, column score: must not be empty" in text


def test_negative_or_fractional_capacity_is_refused(tmp_path):
    text = refused(tmp_path, schools=SCHOOLS.replace("B,2,", "B,-2,"))
    assert "schools.csv row 3, column capacity: must not be below 0 '-2'" in text
    text = refused(tmp_path, schools=SCHOOLS.replace("B,2,", "B,2.5,"))
    assert "row 3, column capacity: must be a whole number '2.5'" in text


@pytest.mark.parametrize("share", ["1.5", "-0.1", "50"])
def test_quota_share_outside_0_1_is_refused(tmp_path, share):
    text = refused(tmp_path, schools=SCHOOLS.replace("A,4,0.5", f"A,4,{share}"))
    assert f"schools.csv row 2, column quota_share: must be between 0 and 1 '{share}'" in text


def test_quota_share_as_a_percentage(tmp_path):
    data = load_admission(
        write(tmp_path, "c.csv", CANDIDATES), write(tmp_path, "s.csv", SCHOOLS.replace("A,4,0.5", "A,4,50%"))
    )
    assert data.instance.quota_share.tolist() == [0.5, 0.0]


def test_missing_column_is_named(tmp_path):
    text = refused(tmp_path, schools="school_id,quota_share\nA,0.5\n")
    assert "schools.csv: 缺少 capacity 列" in text and "missing column capacity" in text


def test_gap_in_choice_columns_is_refused(tmp_path):
    text = refused(tmp_path, "candidate_id,junior_school,score,choice_1,choice_3\nc1,J0,1,A,B\n")
    assert "choice_2 is missing" in text


def test_many_problems_are_listed_together(tmp_path):
    text = refused(
        tmp_path,
        CANDIDATES.replace("c3,J0,670", "c3,J0,x").replace("c4,J1,660,,,B,A", "c4,J1,660,,,B,Z"),
        SCHOOLS.replace("B,2,", "B,-1,"),
    )
    assert "column score" in text and "column choice_2" in text and "column capacity" in text


def test_blank_lines_keep_row_numbers_true(tmp_path):
    lines = CANDIDATES.splitlines()
    text = "\n".join([*lines[:3], "", *lines[3:]]).replace("c4,J1,660", "c4,J1,bad") + "\n"
    assert "row 6, column score: not a number 'bad'" in refused(tmp_path, text)


def test_gbk_files_are_read(tmp_path):
    schools = "学校代码,招生计划,指标到校比例,办学性质\nA,4,0.5,公办\nB,2,,民办\n"
    data = load_admission(
        write(tmp_path, "c.csv", CANDIDATES), write(tmp_path, "s.csv", schools, encoding="gbk")
    )
    assert data.instance.private.tolist() == [False, True]


def test_gbk_body_under_an_ascii_header_is_read(tmp_path):
    schools = "school_id,capacity,quota_share,ownership,name\nA,4,0.5,公办,一中\nB,2,,民办,二中\n"
    data = load_admission(
        write(tmp_path, "c.csv", CANDIDATES), write(tmp_path, "s.csv", schools, encoding="gbk")
    )
    assert data.school_names == ["一中", "二中"]


def test_unreadable_encoding_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"school_id,capacity\nA,\xff\xff\xff\n")
    with pytest.raises(AdmissionsInputError, match="encoding"):
        load_admission(write(tmp_path, "c.csv", CANDIDATES), path)


def test_unknown_junior_school_is_refused_when_a_junior_file_is_given(tmp_path):
    text = refused(tmp_path, juniors="junior_school,area,rural\nJ0,A1,0\n")
    assert "row 5, column junior_school: unknown junior school" in text


def test_junior_file_gives_areas_weights_and_rural_flags(tmp_path):
    c = write(tmp_path, "c.csv", CANDIDATES)
    s = write(tmp_path, "s.csv", SCHOOLS + "")
    j = write(tmp_path, "j.csv", "junior_school,area,rural,weight\nJ1,north,是,1.5\nJ0,south,0,\n")
    inst = load_admission(c, s, j).instance
    assert inst.junior_rural.tolist() == [False, True]
    assert inst.junior_weight.tolist() == [1.0, 1.5]
    assert inst.junior_area.tolist() == [1, 0]  # areas sorted: north, south


def test_numeric_ids_order_as_numbers():
    assert id_ranks(["10", "9", "100"]).tolist() == [1, 0, 2]
    assert id_ranks(["b10", "b9", "a"]).tolist() == [1, 2, 0]


# --- the command -------------------------------------------------------------------------------


def run(tmp_path: Path, *extra: str, candidates: str = CANDIDATES, schools: str = SCHOOLS) -> str:
    out = io.StringIO()
    call_command(
        "admissions",
        "run",
        "--candidates",
        str(write(tmp_path, "candidates.csv", candidates)),
        "--schools",
        str(write(tmp_path, "schools.csv", schools)),
        "--out",
        str(tmp_path / "result.csv"),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_run_writes_result_in_input_order_and_a_summary(tmp_path):
    run(tmp_path)
    with open(tmp_path / "result.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["candidate_id"], r["school_id"], r["batch"]) for r in rows] == [
        ("c1", "A", "quota"),
        ("c2", "A", "general"),
        ("c3", "A", "general"),
        ("c4", "B", "general"),
        ("c5", "B", "general"),
        ("c6", "A", "quota"),
    ]
    summary = json.loads((tmp_path / "result.summary.json").read_text(encoding="utf-8"))
    a = summary["schools"][0]
    assert (a["school_id"], a["capacity"], a["quota_seats"], a["admitted_quota"], a["admitted_general"]) == (
        "A",
        4,
        2,
        2,
        2,
    )
    assert a["cutoff"] == 600 and a["cutoff_general"] == 670 and a["cutoff_quota"] == 600
    juniors = {j["junior_school"]: j for j in summary["junior_schools"]}
    assert (juniors["J0"]["quota_seats"], juniors["J0"]["quota_used"]) == (1, 1)
    assert {c["check"]: c["passed"] for c in summary["checks"]} == {
        "same_area": True,
        "same_round": True,
        "stability": True,
        "empty_seats": True,
    }
    assert (tmp_path / "result.summary.xlsx").exists()


def test_run_with_a_settings_file(tmp_path):
    config = write(tmp_path, "s.toml", '[admissions]\nbatch_order = "general_first"\n')
    run(tmp_path, "--config", str(config), "--no-xlsx")
    with open(tmp_path / "result.csv", encoding="utf-8-sig", newline="") as f:
        got = [(r["school_id"], r["batch"]) for r in csv.DictReader(f)]
    assert got == [
        ("A", "general"),
        ("A", "general"),
        ("B", "general"),
        ("B", "general"),
        ("A", "quota"),
        ("A", "quota"),
    ]
    assert not (tmp_path / "result.summary.xlsx").exists()


def test_settings_file_overrides_quota_shares_and_fills_empty_cells(tmp_path):
    # [admissions.quota_share] A = 1.0: every place at A is a quota seat (docs: quota_share).
    config = write(tmp_path, "s.toml", "[admissions.quota_share]\nA = 1.0\n")
    run(tmp_path, "--config", str(config), "--no-xlsx")
    summary = json.loads((tmp_path / "result.summary.json").read_text(encoding="utf-8"))
    assert summary["schools"][0]["quota_seats"] == 4
    # default_quota_share fills B's empty cell: 2 × 0.5 = 1 quota seat at B.
    config = write(tmp_path, "s.toml", "default_quota_share = 0.5\n")
    run(tmp_path, "--config", str(config), "--no-xlsx")
    summary = json.loads((tmp_path / "result.summary.json").read_text(encoding="utf-8"))
    assert [s["quota_seats"] for s in summary["schools"]] == [2, 1]
    # A quota share override for a school that does not exist is refused.
    config = write(tmp_path, "s.toml", "[admissions.quota_share]\nZ = 0.5\n")
    with pytest.raises(CommandError, match=r"quota_share\.Z"):
        run(tmp_path, "--config", str(config), "--no-xlsx")


def test_run_refuses_bad_files_without_a_traceback(tmp_path):
    with pytest.raises(CommandError, match=r"row 4, column score: not a number 'abc'"):
        run(tmp_path, candidates=CANDIDATES.replace("c3,J0,670", "c3,J0,abc"))


def test_run_refuses_a_bad_settings_file(tmp_path):
    config = write(tmp_path, "s.toml", 'rounding = "sometimes"\n')
    with pytest.raises(CommandError, match="rounding"):
        run(tmp_path, "--config", str(config))


def test_strict_run_fails_when_a_check_fails(tmp_path):
    config = write(tmp_path, "s.toml", "general_min_line = 665\n")
    with pytest.raises(CommandError, match="empty_seats"):
        run(tmp_path, "--config", str(config), "--strict", "--no-xlsx")


def test_demo_writes_a_province_that_runs_clean(tmp_path):
    out = io.StringIO()
    call_command(
        "admissions",
        "demo",
        "--candidates",
        "3000",
        "--seed",
        "7",
        "--out",
        str(tmp_path / "demo"),
        stdout=out,
    )
    demo = tmp_path / "demo"
    assert "synthetic" in out.getvalue()
    report = io.StringIO()
    call_command(
        "admissions",
        "run",
        "--candidates",
        str(demo / "candidates.csv"),
        "--schools",
        str(demo / "schools.csv"),
        "--junior-schools",
        str(demo / "junior_schools.csv"),
        "--config",
        str(demo / "settings.toml"),
        "--out",
        str(demo / "result.csv"),
        "--format",
        "json",
        "--no-xlsx",
        stdout=report,
    )
    items = {r["item"]: r["value"] for r in json.loads(report.getvalue())}
    assert items["candidates"] == 3000
    assert items["admitted_quota"] > 0
    assert all(v == "通过 passed" for k, v in items.items() if k.startswith("check"))


def test_demo_is_seeded(tmp_path):
    for name in ("a", "b"):
        call_command(
            "admissions",
            "demo",
            "--candidates",
            "500",
            "--seed",
            "3",
            "--out",
            str(tmp_path / name),
            stdout=io.StringIO(),
        )
    assert (tmp_path / "a" / "candidates.csv").read_bytes() == (
        tmp_path / "b" / "candidates.csv"
    ).read_bytes()
