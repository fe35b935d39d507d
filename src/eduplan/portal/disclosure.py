"""Public lists and plain-language indicators (公示):

- the current lists of public (公办) and inclusive (普惠性: public plus recognised inclusive
  private) kindergartens per county, with their published annual inspection result,
  downloadable as xlsx and csv;
- each county's plan indicators as sentences a parent can read ("2024–2025学年 红塔区 学前三年毛入园率
  93.5%,目标不低于96%(2025年底):进度滞后"), from the metrics' cached indicator records.

Rows are built from the directory's public facts: no person is in any list or file.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eduplan.metrics.indicators import BAN_NOTE_PREFIX
from eduplan.output import write_xlsx
from eduplan.supervision.annual import published_annual_results
from eduplan.supervision.models import AnnualResult

from .directory import Directory, Entry

log = logging.getLogger(__name__)

LISTS = {
    "public": ("公办幼儿园名单", "Public kindergartens"),
    "inclusive": ("普惠性幼儿园名单", "Inclusive kindergartens"),
}
FORMATS = ("xlsx", "csv")
RESULT_LABELS = dict(AnnualResult.choices)
#: Above this many institutions, read every published result rather than a long IN (...) list.
IN_QUERY_LIMIT = 2000
ALL = "all"

EXPORT_COLUMNS = (
    "county",
    "township",
    "code",
    "name",
    "address",
    "ownership",
    "inclusive",
    "teaching_point",
    "grade",
    "classes",
    "seats",
    "children",
    "monthly_fee",
    "annual_year",
    "annual_result",
    "former_names",
)
HEADERS = {
    "county": "县(市、区) county",
    "township": "乡镇(街道) township",
    "code": "代码 code",
    "name": "名称 name",
    "address": "地址 address",
    "ownership": "性质 ownership",
    "inclusive": "普惠性 inclusive",
    "teaching_point": "办园点 teaching point",
    "grade": "等级 grade",
    "classes": "班数 classes",
    "seats": "学位数 seats",
    "children": "在园幼儿 children",
    "monthly_fee": "保教费(元/月) monthly fee",
    "annual_year": "年检年度 inspection year",
    "annual_result": "年检结论 inspection result",
    "former_names": "曾用名 former names",
}
#: The same headers on an English page's download.
HEADERS_EN = {key: label.partition(" ")[2] for key, label in HEADERS.items()}


def headers(*, english: bool = False) -> dict[str, str]:
    return HEADERS_EN if english else HEADERS


#: A cell starting with one of these would be a formula in a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def list_entries(d: Directory, county: str, which: str) -> list[Entry]:
    """The public or inclusive list of one county (``all``: every county)."""
    if which not in LISTS:
        raise KeyError(which)
    keep = (lambda e: e.public) if which == "public" else (lambda e: e.inclusive)
    return [e for e in d.entries if (county == ALL or e.county_code == county) and keep(e)]


def latest_annual(pks: Iterable[int]) -> dict[int, tuple[int, str, str]]:
    """Each institution's latest published annual result: (year, result code, label)."""
    ids = set(pks)
    out: dict[int, tuple[int, str, str]] = {}
    if not ids:
        return out
    qs = published_annual_results()
    if len(ids) <= IN_QUERY_LIMIT:
        qs = qs.filter(institution_id__in=ids)
    # Latest year first; ordering by year alone spares the joins the default order needs.
    for inst_id, year, result in qs.order_by("-year").values_list("institution_id", "year", "result"):
        if inst_id in ids and inst_id not in out:
            out[inst_id] = (year, result, str(RESULT_LABELS.get(result, result)))
    return out


def county_summaries(d: Directory) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for e in d.entries:
        r = rows.setdefault(
            e.county_code,
            {
                "code": e.county_code,
                "name": e.county_name,
                "all": 0,
                "public": 0,
                "inclusive": 0,
                "private_inclusive": 0,
            },
        )
        r["all"] += 1
        r["public"] += e.public
        r["inclusive"] += e.inclusive
        r["private_inclusive"] += e.private_inclusive
    return [rows[c] for c in sorted(rows)]


def export_rows(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    annual = latest_annual(e.pk for e in entries)
    out = []
    for e in entries:
        a = annual.get(e.pk)
        out.append(
            {
                "county": e.county_name,
                "township": e.township_name,
                "code": e.code,
                "name": e.name,
                "address": e.address,
                "ownership": e.ownership_label,
                "inclusive": "是 yes" if e.inclusive else "否 no",
                "teaching_point": "是 yes" if e.teaching_point else "",
                "grade": e.grade_label,
                "classes": e.classes,
                "seats": e.seats,
                "children": e.children,
                "monthly_fee": e.monthly_fee,
                "annual_year": a[0] if a else "",
                "annual_result": a[2] if a else "",
                "former_names": "、".join(e.old_names),
            }
        )
    return out


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(rows: Sequence[dict[str, Any]], *, english: bool = False) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel on a Chinese Windows opens it readably."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    names = headers(english=english)
    writer.writerow([names[c] for c in EXPORT_COLUMNS])
    for r in rows:
        writer.writerow([_safe(r.get(c)) for c in EXPORT_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[dict[str, Any]], sheet: str, *, english: bool = False) -> bytes:
    safe = [{c: _safe(r.get(c)) for c in EXPORT_COLUMNS} for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.xlsx"
        write_xlsx(path, {sheet: safe}, columns=EXPORT_COLUMNS, headers=headers(english=english))
        return path.read_bytes()


# -- indicators in plain language -----------------------------------------------------------------

STATUS_TEXT = {
    "on_track": ("按进度推进", "on track"),
    "at_risk": ("存在风险", "at risk"),
    "off_track": ("进度滞后", "behind schedule"),
    "no_data": ("暂无数据", "no data"),
}
COMPARISON_TEXT = {
    ">=": ("不低于", "at least"),
    ">": ("高于", "above"),
    "<=": ("不超过", "at most"),
    "<": ("低于", "below"),
    "==": ("等于", "exactly"),
}


@dataclass(frozen=True)
class Statement:
    indicator: str
    set: str
    group: str
    zh: str
    en: str
    status: str
    met: bool | None


def _num(value: Any) -> str:
    if value is None:
        return "—"
    v = float(value)
    return f"{v:.0f}" if v.is_integer() else f"{v:.1f}"


def _deadline(text: str | None) -> tuple[str, str]:
    if not text:
        return "", ""
    year, month, day = text.split("-")
    if (month, day) == ("12", "31"):
        return f"{year}年底", f"end of {year}"
    return f"{int(year)}年{int(month)}月{int(day)}日", text


def statement(rec: Mapping[str, Any]) -> Statement:
    """One indicator record as a sentence in Chinese and in English."""
    y = int(rec["year"])
    unit = rec.get("unit") or ""
    unit_en = unit if unit in ("%", "") else ""
    head_zh = f"{y}–{y + 1}学年 {rec['division_name']} {rec['name_zh']} {_num(rec['value'])}{unit}"
    head_en = (
        f"{y}–{y + 1} school year, {rec['division_name']}: {rec['name_en']} {_num(rec['value'])}{unit_en}"
    )
    status = rec.get("status") or ""
    if rec.get("target") is None:
        return Statement(rec["indicator"], rec["set"], rec.get("group") or "", head_zh, head_en, status, None)
    cmp_zh, cmp_en = COMPARISON_TEXT.get(rec.get("comparison") or ">=", ("", ""))
    when_zh, when_en = _deadline(rec.get("deadline"))
    if rec.get("met"):
        verdict_zh, verdict_en = "已达到目标", "target met"
    else:
        verdict_zh, verdict_en = STATUS_TEXT.get(status, ("", status))
    zh = f"{head_zh},目标{cmp_zh}{_num(rec['target'])}{unit}({when_zh}):{verdict_zh}"
    en = f"{head_en}; target {cmp_en} {_num(rec['target'])}{unit_en} by {when_en}: {verdict_en}"
    if rec.get("note") and BAN_NOTE_PREFIX in str(rec["note"]):
        zh += f"。{rec['note'].split(' / ')[0]}"
        en += f". {rec['note'].split(' / ')[-1]}"
    return Statement(rec["indicator"], rec["set"], rec.get("group") or "", zh, en, status, rec.get("met"))


@dataclass(frozen=True)
class StatementGroup:
    name_zh: str
    name_en: str
    statements: tuple[Statement, ...]


def county_statements(county: str) -> list[StatementGroup] | None:
    """The county's indicators, each at its latest school year with a value, grouped as the plan
    groups them; ``None`` when the indicators cannot be computed (no plan file, no data): the page
    then says so instead of failing."""
    from eduplan.metrics.cached import all_indicator_records
    from eduplan.plans.loader import load_plan

    try:
        records = all_indicator_records()
        groups = load_plan().groups
    except Exception:  # the public page stays up whatever the state of the metrics
        log.exception("indicators unavailable for the portal")
        return None
    latest: dict[str, Mapping[str, Any]] = {}
    for r in records:  # indicator records
        if r.get("level") != "county" or r.get("division") != county or r.get("value") is None:
            continue
        if r["indicator"] not in latest or r["year"] > latest[r["indicator"]]["year"]:
            latest[r["indicator"]] = r
    by_group: dict[str, list[Statement]] = {}
    for rec in latest.values():
        by_group.setdefault(rec.get("group") or "", []).append(statement(rec))
    out = [
        StatementGroup(g.name_zh, g.name_en, tuple(by_group.pop(g.id))) for g in groups if g.id in by_group
    ]
    out += [StatementGroup(gid or "其他", gid or "Other", tuple(rows)) for gid, rows in by_group.items()]
    return out
