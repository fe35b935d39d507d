"""Shared by the returns tests: a small registry (one county, two townships) to import returns into,
and editing a returns workbook cell by cell (as a bureau officer would in Excel)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division
from tests.factories import make_division


def small_county() -> dict[str, Division]:
    city = make_division("530400", "玉溪市", DivisionLevel.CITY)
    county = make_division("530402", "江川区", DivisionLevel.COUNTY, city)
    town = make_division("530402100", "大街街道", DivisionLevel.TOWNSHIP, county)
    return {"city": city, "county": county, "town": town}


def grid_rows(path: Path, sheet_word: str) -> tuple[Any, Any]:
    """The workbook and the first sheet whose name contains ``sheet_word``."""
    wb = load_workbook(path)
    ws = next(wb[n] for n in wb.sheetnames if sheet_word in n and not n.startswith("汇总"))
    return wb, ws


def header_index(ws, label: str, row: int = 2) -> int:
    for cell in ws[row]:
        if cell.value == label:
            return cell.column
    raise AssertionError(f"no column {label!r}")
