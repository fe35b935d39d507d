"""Late corrections in the monthly notice (通报): a change with an effective date in a school year
already reported (a notice covering it was issued), recorded since the city's last notice, moves
figures that notice published. The next notice says so: a paragraph in section 二 and an annex
listing each correction with who, when and why (:mod:`.corrections`).

One of the notice's parts (``eduplan.supervision.notices.NOTICE_PARTS``), registered by
``MetricsConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .corrections import corrections, issued_notices

KEY = "corrections"
SECTION = 2  # 各县(市、区)目标任务进展: the figures the corrections move
ANNEX_TITLE = "已通报学年数据的更正"
SHEET = "corrections"
HEADERS = ["学年", "县(市、区)", "机构", "生效日期", "更正内容", "登记人", "登记时间", "原因"]


def since_last_notice(city: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Corrections to the counties of ``city`` recorded after the city's last notice issued before
    ``as_of`` (none before a first notice: nothing was reported yet), oldest first."""
    from eduplan.registry.models import Division

    issued = [at for code, _period, at in issued_notices() if code == city.code and at.date() < as_of]
    if not issued:
        return []
    last = max(issued)
    counties = set(Division.objects.counties().filter(city=city).values_list("code", flat=True))
    out = []
    for c in corrections():
        if c.county_code in counties and c.recorded_at > last:
            out.append({**c.as_dict(), "county_name": _county_name(c.county_code)})
    return out


def _county_name(code: str) -> str:
    from eduplan.registry.models import Division

    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def collect(city: Any, as_of: dt.date, records: Any = None) -> list[dict[str, Any]]:
    return since_last_notice(city, as_of)


def paragraph(rows: list[dict[str, Any]], annex: str) -> str:
    if not rows:
        return "上期通报以来,已通报学年的数据无更正。"
    years = sorted({int(r["school_year"]) for r in rows})
    named = "、".join(f"{y}—{y + 1}学年" for y in years)
    counties = "、".join(dict.fromkeys(r["county_name"] for r in rows))
    return (
        f"上期通报以来,{counties}登记了{len(rows)}项生效日期在已通报学年({named})的更正,"
        f"相应学年的指标值随之更正,已通报的数值以本期为准。更正明细(登记人、时间、原因)见{annex}。"
    )


def cells(row: dict[str, Any]) -> list[str]:
    y = int(row["school_year"])
    return [
        f"{y}—{y + 1}",
        str(row["county_name"]),
        f"{row['institution_name']}",
        str(row["effective_from"]),
        "、".join(row["fields"])[:60],
        str(row["recorded_by"] or ""),
        str(row["recorded_at"])[:16].replace("T", " "),
        str(row["reason"])[:60],
    ]
