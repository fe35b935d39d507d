"""The notice's numbers as an xlsx: the same figures, unrounded, one sheet per part, with the chart."""

from __future__ import annotations

import io
from typing import Any

from eduplan.plans import standards

from .data import NoticeData, chart_series
from .parts import notice_parts


def build_notice_xlsx(data: NoticeData) -> bytes:
    """The same numbers as the notice, unrounded, one sheet per part, with the chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font, PatternFill

    from eduplan.output import keep_text

    wb = Workbook()
    ws = wb.active
    ws.title = "指标 indicators"
    cols = [
        "division",
        "division_name",
        "indicator",
        "name_zh",
        "clause",
        "year",
        "value",
        "unit",
        "numerator",
        "denominator",
        "target",
        "comparison",
        "met",
        "status",
    ]
    ws.append(cols)
    for r in data.records:
        if r.get("target") is None:
            continue
        ws.append(
            [r.get(c) if c != "unit" else (r.get("unit") or data.units.get(r["indicator"], "")) for c in cols]
        )
    matrix = wb.create_sheet("附表1 matrix")
    indicators = data.indicators()
    matrix.append(["县(市、区)", *[i["name_zh"] for i in indicators]])
    fill = PatternFill("solid", fgColor="F8CBAD")
    statuses = set(standards.value("notice", "criticise_statuses"))
    for code, name in [*data.counties, (data.city_code, data.city_name)]:
        cells: list[Any] = [name]
        marks = []
        for ind in indicators:
            rec = data.record(code, ind["indicator"])
            cells.append(rec.get("value") if rec else None)
            marks.append(bool(rec and rec.get("status") in statuses))
        matrix.append(cells)
        for j, mark in enumerate(marks, start=2):
            if mark:
                matrix.cell(matrix.max_row, j).fill = fill
    categories, series = chart_series(data)
    chart_ws = wb.create_sheet("图1 chart")
    chart_ws.append(["", *[name for name, _ in series]])
    for i, c in enumerate(categories):
        chart_ws.append([c, *[values[i] for _, values in series]])
    if series:
        chart = BarChart()
        chart.type = "col"
        chart.title = "各县(市、区)主要指标对比"
        chart.add_data(
            Reference(chart_ws, min_col=2, max_col=1 + len(series), min_row=1, max_row=1 + len(categories)),
            titles_from_data=True,
        )
        chart.set_categories(Reference(chart_ws, min_col=1, min_row=2, max_row=1 + len(categories)))
        chart.width, chart.height = 24, 12
        chart_ws.add_chart(chart, "A" + str(len(categories) + 4))
    t = wb.create_sheet("附表2 timeliness")
    t.append(
        [
            "county",
            "county_name",
            "period",
            "due_on",
            "state",
            "first_submitted_on",
            "timeliness",
            "days_late",
            "reported",
            "on_time",
        ]
    )
    for line in data.timeliness:
        t.append(
            [
                line["county"],
                line["county_name"],
                line["period"],
                line["due_on"],
                line["state"],
                line["first_submitted_on"],
                line["timeliness"],
                line["days_late"],
                line["reported"],
                line["on_time"],
            ]
        )
    o = wb.create_sheet("附表3 overdue")
    o.append(
        [
            "code",
            "county",
            "county_name",
            "institution",
            "finding",
            "deadline",
            "days_overdue",
            "level",
            "major_hazard",
            "responsible",
        ]
    )
    for item in data.overdue:
        o.append(
            [
                item[k]
                for k in (
                    "code",
                    "county",
                    "county_name",
                    "institution",
                    "finding",
                    "deadline",
                    "days_overdue",
                    "level",
                    "major_hazard",
                    "responsible",
                )
            ]
        )
    c = wb.create_sheet("通报批评 criticised")
    c.append(["county", "county_name", "reasons", "rule"])
    for crit in data.criticised:
        c.append([crit["county"], crit["county_name"], ";".join(crit["reasons"]), data.rule_text])
    for crit in data.held:
        c.append(
            [
                crit["county"],
                crit["county_name"],
                ";".join(crit["reasons"]),
                f"{data.rule_text}(依据待确认,不予通报)",
            ]
        )
    for number, part in enumerate(notice_parts(), start=4):
        rows = data.parts.get(part.KEY, [])
        sheet = wb.create_sheet(f"附表{number} {part.SHEET}")
        keys = list(rows[0]) if rows else ["county", "county_name"]
        sheet.append(keys)
        for r in rows:
            sheet.append([";".join(map(str, v)) if isinstance(v, list) else v for v in (r[k] for k in keys)])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    keep_text(wb)  # names typed by users are text, never formulas
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
