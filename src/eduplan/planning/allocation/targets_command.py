"""``eduplan plan targets``: the county targets of record in force (``--history``: every adoption).

JSON contract: one object per indicator, county and year — ``indicator``, ``division``,
``division_name``, ``year``, ``target``, ``origin`` (``scenario`` or ``file``), ``scenario``,
``method``, ``version``, ``adopted_by``, ``adopted_at``, ``reason``. ``--format xlsx --out F`` writes
a file that ``eduplan plan adopt --file F`` reads back.
"""

from __future__ import annotations

from typing import Any

from eduplan.output import write_records

from ..cliutil import add_common_arguments
from . import adopt

HEADERS = {
    "indicator": "指标 indicator",
    "division": "区划 division",
    "division_name": "县 division_name",
    "year": "学年 year",
    "target": "县目标 target",
    "origin": "来源 origin",
    "scenario": "情景 scenario",
    "adopted_by": "通过人 adopted_by",
    "adopted_at": "通过时间 adopted_at",
    "reason": "理由 reason",
}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--indicator", help="只看某指标 only this indicator")
    parser.add_argument("--year", type=int, help="只看某学年 only this school year")
    parser.add_argument(
        "--history", action="store_true", help="全部通过记录(含旧版本)every adoption, all versions"
    )
    add_common_arguments(parser)


def handle(options: dict[str, Any], stdout: Any) -> None:
    if options.get("history"):
        rows = adopt.history(options.get("indicator"), options.get("year"))
    else:
        rows = [
            t.record() for t in adopt.in_force(indicator=options.get("indicator"), year=options.get("year"))
        ]
    fmt = options.get("format") or "table"
    write_records(
        rows,
        fmt,
        options.get("out"),
        columns=None if options.get("history") or fmt == "json" else list(HEADERS),
        headers=HEADERS if fmt in ("table", "xlsx") and not options.get("history") else None,
        title="县目标 county targets",
        stream=stdout,
    )
