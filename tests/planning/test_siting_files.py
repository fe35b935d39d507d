"""Siting from CSV files and the ``eduplan plan site`` command (PRE-4.1.1).

Bad files are refused with a message naming the file, the row (as a spreadsheet numbers it) and
the column, in Chinese and English; the command prints it without a traceback.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from eduplan.planning.siting import SitingInputError, load_files
from eduplan.planning.siting import command as plancmd_site

DEMAND = """id,lat,lon,children
V1,24.3500,102.5400,30
V2,24.3600,102.5500,20
V3,24.4000,102.6000,25
V4,24.4100,102.6100,10
V5,24.3000,102.5000,15
"""
SITES = """id,lat,lon,capacity,existing
K1,24.3520,102.5420,60,1
K2,24.4050,102.6050,40,1
K3,24.3100,102.5100,30,0
K4,24.3800,102.5700,90,0
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


@pytest.fixture
def files(tmp_path):
    return write(tmp_path, "demand.csv", DEMAND), write(tmp_path, "sites.csv", SITES)


def run(*args: str) -> str:
    out = StringIO()
    call_command("plan", "site", *args, stdout=out)
    return out.getvalue()


# ---- reading ---------------------------------------------------------------------------------------


def test_reads_demand_and_sites(files):
    inst = load_files(*files)
    assert inst.demand_ids == ("V1", "V2", "V3", "V4", "V5")
    assert inst.children.tolist() == [30, 20, 25, 10, 15]
    assert inst.capacity.tolist() == [60, 40, 30, 90]
    assert inst.existing.tolist() == [True, True, False, False]
    assert inst.closable.tolist() == [True, True, False, False]


def test_chinese_headers_and_gb18030(tmp_path):
    demand = write(tmp_path, "d.csv", "编号,纬度,经度,儿童数\n村一,24.35,102.54,12\n", encoding="gb18030")
    sites = write(
        tmp_path, "s.csv", "编号,纬度,经度,学位数,现有\n中心园,24.36,102.55,90,是\n", encoding="gb18030"
    )
    inst = load_files(demand, sites)
    assert inst.demand_ids == ("村一",) and inst.site_ids == ("中心园",)
    assert bool(inst.existing[0])


def test_children_of_a_year(tmp_path):
    demand = write(tmp_path, "d.csv", "id,lat,lon,children_2026,children_2028\nV1,24.35,102.54,12,9\n")
    sites = write(tmp_path, "s.csv", SITES)
    assert load_files(demand, sites, year=2028).children.tolist() == [9]
    with pytest.raises(SitingInputError, match="children_2030"):
        load_files(demand, sites, year=2030)


def test_long_and_wide_distance_matrices(tmp_path, files):
    demand, sites = files
    long = "demand_id,site_id,km\nV1,K1,1.5\nV1,K2,\n" + "".join(
        f"V{i},K{j},{i + j}\n" for i in range(2, 6) for j in range(1, 5)
    )
    inst = load_files(demand, sites, write(tmp_path, "long.csv", long))
    assert inst.km[0, 0] == 1.5 and np.isinf(inst.km[0, 1]) and inst.km[4, 3] == 9
    wide = "id,K1,K2,K3,K4\nV1,1,2,3,4\nV2,2,,4,5\n"
    inst = load_files(demand, sites, write(tmp_path, "wide.csv", wide))
    assert inst.km[1].tolist()[:2] == [2, np.inf]
    assert np.all(np.isinf(inst.km[2]))  # V3 has no row: unreachable


def test_matrix_makes_coordinates_optional(tmp_path):
    demand = write(tmp_path, "d.csv", "id,children\nV1,5\nV2,7\n")
    sites = write(tmp_path, "s.csv", "id,capacity,existing\nK1,20,1\n")
    inst = load_files(demand, sites, write(tmp_path, "m.csv", "id,K1\nV1,2\nV2,3\n"))
    assert inst.demand_lat is None and inst.km.tolist() == [[2], [3]]


# ---- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("demand", "sites", "pattern"),
    [
        (DEMAND.replace("V3,", "V1,"), SITES, r"row 4, column 'id'.*duplicate id 'V1' \(first on row 2\)"),
        (DEMAND, SITES.replace("K2,", "K1,"), r"sites\.csv.*row 3.*duplicate id 'K1'"),
        (DEMAND.replace("24.3600,", ","), SITES, r"row 3, column 'lat'.*latitude is missing"),
        (DEMAND.replace(",20\n", ",-4\n"), SITES, r"row 3, column 'children'.*at least 0"),
        (DEMAND.replace(",20\n", ",many\n"), SITES, r"row 3, column 'children'.*'many' is not a number"),
        (DEMAND.replace("24.4000", "124.4"), SITES, r"row 4, column 'lat'.*at most 90"),
        (DEMAND, SITES.replace(",90,0", ",-90,0"), r"row 5, column 'capacity'.*at least 0"),
        (DEMAND, SITES.replace(",40,1", ",40,maybe"), r"row 3, column 'existing'.*expected 1 or 0"),
        (DEMAND.replace("children", "kids_count"), SITES, r"missing column 'children'"),
        ("id,lat,lon,children\n", SITES, r"no data rows"),
    ],
)
def test_bad_files_are_refused(tmp_path, demand, sites, pattern):
    d, s = write(tmp_path, "demand.csv", demand), write(tmp_path, "sites.csv", sites)
    with pytest.raises(SitingInputError, match=pattern) as info:
        load_files(d, s)
    assert "demand.csv" in str(info.value) or "sites.csv" in str(info.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))  # Chinese too


def test_distance_matrix_with_unknown_ids_is_refused(tmp_path, files):
    with pytest.raises(SitingInputError, match=r"row 2.*unknown demand point 'V9'"):
        load_files(*files, write(tmp_path, "m.csv", "demand_id,site_id,km\nV9,K1,2\n"))
    with pytest.raises(SitingInputError, match=r"site 'K9' is not in the sites file"):
        load_files(*files, write(tmp_path, "m.csv", "id,K1,K9\nV1,1,2\n"))


def test_missing_file():
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        load_files("/nowhere.csv", "/nowhere.csv")


# ---- the command -----------------------------------------------------------------------------------


def test_command_json_output(files):
    demand, sites = files
    data = json.loads(
        run("--demand", demand, "--sites", sites, "--model", "pmedian", "--p", "2", "--format", "json")
    )
    for key in ("model", "objective", "lower_bound", "gap", "open_sites", "assignment", "uncovered", "zones"):
        assert key in data
    assert data["model"] == "pmedian" and len(data["open_sites"]) == 2
    assert set(data["assignment"]) | set(data["uncovered"]) == {"V1", "V2", "V3", "V4", "V5"}
    assert data["lower_bound"] <= data["objective"] + 1e-9


def test_command_xlsx_output(files, tmp_path):
    from openpyxl import load_workbook

    demand, sites = files
    out = tmp_path / "site.xlsx"
    text = run(
        "--demand",
        demand,
        "--sites",
        sites,
        "--model",
        "lscp",
        "--radius",
        "3",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert str(out) in text
    wb = load_workbook(out)
    assert wb.sheetnames == ["summary", "zones", "demand", "notes"]
    assert wb["demand"].max_row == 6  # header + five demand points


def test_command_table_output(files):
    demand, sites = files
    text = run("--demand", demand, "--sites", sites, "--model", "zones")
    assert "服务区 service zones" in text and "K1" in text


def test_command_refuses_bad_input_without_traceback(tmp_path):
    d = write(tmp_path, "demand.csv", DEMAND.replace("V3,", "V1,"))
    s = write(tmp_path, "sites.csv", SITES)
    with pytest.raises(CommandError, match="duplicate id 'V1'"):
        run("--demand", d, "--sites", s, "--model", "pmedian", "--p", "2")


def test_command_refuses_too_few_seats(files):
    demand, sites = files
    with pytest.raises(CommandError, match="raise --p"):
        run("--demand", demand, "--sites", sites, "--model", "pmedian", "--p", "1")


def test_registry_mode_not_available_yet(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "eduplan.planning.siting.registry", None)
    with pytest.raises(CommandError, match=r"registry mode .*not available yet"):
        run("--county", "530402", "--year", "2026", "--model", "pmedian", "--p", "3")


def test_registry_mode_uses_the_adapter(monkeypatch, files):
    """With the adapter present, --county calls load_county_instance(code, year)."""
    import sys
    import types

    calls = []
    module = types.ModuleType("eduplan.planning.siting.registry")

    def load_county_instance(county_code, year):
        calls.append((county_code, year))
        return load_files(*files)

    module.load_county_instance = load_county_instance
    monkeypatch.setitem(sys.modules, "eduplan.planning.siting.registry", module)
    data = json.loads(
        run("--county", "530402", "--year", "2026", "--model", "mclp", "--p", "2", "--format", "json")
    )
    assert calls == [("530402", 2026)]
    assert data["model"] == "mclp"


def test_county_and_files_together_are_refused(files):
    demand, sites = files
    with pytest.raises(SitingInputError, match="either --county or files"):
        plancmd_site._instance({"county": "530402", "year": 2026, "demand": demand, "sites": sites})


def test_command_with_a_road_matrix_and_no_seats(tmp_path):
    """A wide road-distance matrix replaces coordinates; without seats D1 and D2 both go to their
    nearest kindergarten, K1 (3 + 5 km by road, whatever the straight line says)."""
    demand = write(tmp_path, "d.csv", "id,children\nD1,10\nD2,5\n")
    sites = write(tmp_path, "s.csv", "id,existing\nK1,1\nK2,1\n")
    matrix = write(tmp_path, "m.csv", "id,K1,K2\nD1,3,9\nD2,5,6\n")
    data = json.loads(
        run(
            "--demand", demand, "--sites", sites, "--distances", matrix,
            "--model", "pmedian", "--p", "1", "--uncapacitated", "--radius", "4", "--format", "json",
        )
    )  # fmt: skip
    assert data["open_sites"] == ["K1"]
    assert data["objective"] == pytest.approx(10 * 3 + 5 * 5)
    assert data["uncovered"] == ["D2"]  # 5 km > 4 km
    assert data["assignment"] == {"D1": "K1", "D2": "K1"}


def test_capacity_column_required_unless_uncapacitated(tmp_path):
    demand = write(tmp_path, "d.csv", "id,lat,lon,children\nD1,24.35,102.54,10\n")
    sites = write(tmp_path, "s.csv", "id,lat,lon,existing\nK1,24.36,102.55,1\n")
    with pytest.raises(SitingInputError, match="missing column 'capacity'"):
        load_files(demand, sites)
    assert np.isinf(load_files(demand, sites, capacitated=False).capacity).all()
