"""Counties eligible for incentives in the monthly notice (通报): the counterpart of the
criticism in section 五, under the rule of :func:`eduplan.programmes.queries.incentive_list`
(every county target met, or certified first). One of the notice's parts
(``eduplan.common.noticeparts``, registered by ``ProgrammesConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eduplan.registry.models import Division

from .queries import incentive_list

KEY = "incentives"
SECTION = 5  # 通报批评 — and, beside it, the counties the plan rewards
ANNEX_TITLE = "符合激励条件的县(市、区)"
SHEET = "incentives"
HEADERS = ["县(市、区)", "学年", "达标目标", "全部达标", "普及普惠认定日期", "率先认定", "未达标指标"]


def collect(city: Any, as_of: dt.date, records: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every county of ``city`` with targets or a certification, eligible first (the notice's own
    indicator records when given, so both speak of the same school year)."""
    county_records = None
    if records is not None:
        county_records = [r for r in records if r.get("level") == "county"]
    rows = incentive_list(None, county_records)
    codes = set(Division.objects.counties().filter(city=city).values_list("code", flat=True))
    return [r for r in rows if r["county"] in codes]


def paragraph(rows: list[dict[str, Any]], annex: str) -> str:
    eligible = [r for r in rows if r["eligible"]]
    if not eligible:
        return "本期暂无县(市、区)符合激励条件(全部目标达标或率先通过普及普惠认定)。"
    reasons = []
    for r in eligible:
        why = "全部目标达标" if r["all_targets_met"] else ""
        if r["certified_first"]:
            why += ("、" if why else "") + "率先通过普及普惠认定"
        reasons.append(f"{r['county_name']}({why})")
    return f"符合激励条件的县(市、区):{';'.join(reasons)}。明细见{annex}。"


def cells(r: dict[str, Any]) -> list[str]:
    return [
        r["county_name"],
        str(r["year"] or ""),
        f"{r['targets_met']}/{r['targets']}",
        "是" if r["all_targets_met"] else "否",
        f"{r['certified_on']:%Y-%m-%d}" if r["certified_on"] else "",
        "是" if r["certified_first"] else "",
        ";".join(r["unmet"])[:80],
    ]
