"""Monthly notices (通报, PRE-5.4 月报制和通报制; HS-3.3 通报批评): a Word document in the usual
government layout (GB/T 9704-2012: red header with the issuing bureau, document number, title,
addressee, numbered sections, signature and date) listing each county's progress on each target,
its reporting timeliness, overdue rectifications and the counties criticised by a stated rule,
with an annex of tables and a chart; and an xlsx with the same numbers.

The builder is a pure function of :class:`NoticeData` (``build_notice_docx``,
``build_notice_xlsx``); :func:`collect_notice_data` assembles the data from the database and the
indicator engine. The numbers printed are the indicator records' own values, formatted once by
:func:`format_value`, so the notice and the engine cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q

from eduplan.plans import standards
from eduplan.plans.coverage import implements
from eduplan.registry.choices import DivisionLevel, Role
from eduplan.registry.models import Division, Institution

from . import periods
from .incidents import banned_counties
from .models import Incident, Notice, OrderLevel
from .rectification import overdue_orders
from .reports import TIMELINESS_LABELS, reporting_status
from .workflow import actor, now_or, require_role

implements("report", "monthly_notice", ["PRE-5.4", "HS-3.3"])

#: The indicator engine's statuses (``eduplan.metrics.progress``) in the notice's words.
STATUS_LABELS = {
    "on_track": "正常推进",
    "at_risk": "存在风险",
    "off_track": "明显滞后",
    "no_data": "无数据",
}
HIGHER_IS_BETTER = (">=", ">")
LOWER_IS_BETTER = ("<=", "<")
NUMERALS = "一二三四五六七八九十"


_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
_PAREN = re.compile(rf"\(([^()]*[{_CJK}][^()]*)\)|(?<=[{_CJK}])\(([^()]*)\)")
_PUNCT = re.compile(rf"(?<=[{_CJK}\d%）])([,:;])(?! )")


def zh_punct(text: str) -> str:
    """Full-width punctuation in Chinese text (，：；（）), as official documents use; English
    fragments ("draft, not issued") keep theirs."""
    while True:  # innermost first: 一级高(完)中 inside a parenthesis
        changed = _PAREN.sub(lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）", text)
        if changed == text:
            break
        text = changed
    return _PUNCT.sub(lambda m: {",": "，", ":": "：", ";": "；"}[m.group(1)], text)


class NoticeError(ValueError):
    """A notice that cannot be produced as asked; the message says what to do."""


# -- data ---------------------------------------------------------------------------------------


@dataclass
class NoticeData:
    """Everything printed in a monthly notice. ``records`` are indicator records (the metrics
    engine's shape) for the counties and the city, one school year; ``units`` maps indicator id to
    its unit (``%``, ``所`` …)."""

    period: dt.date
    as_of: dt.date
    issued_on: dt.date
    city_code: str
    city_name: str
    issuer: str
    number: str
    title: str
    addressee: str
    counties: list[tuple[str, str]]
    records: list[dict[str, Any]]
    units: dict[str, str] = field(default_factory=dict)
    timeliness: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    criticised: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # NOTICE_PARTS, by KEY
    banned: dict[str, dt.date] = field(default_factory=dict)
    rule_text: str = ""
    plan_document: str = ""
    year: int | None = None
    synthetic: bool = False
    draft: bool = True

    def indicators(self) -> list[dict[str, Any]]:
        """The indicators with a target, in the records' order: id, name, unit, target, comparison,
        and ``applies`` — "全市" when only the city is held to the target, "各县" when only each
        county is, "" when both are."""
        seen: dict[str, dict[str, Any]] = {}
        levels: dict[str, set[str]] = {}
        for r in self.records:
            if r.get("target") is None:
                continue
            levels.setdefault(r["indicator"], set()).add(
                "city" if r["division"] == self.city_code else "county"
            )
            if r["indicator"] in seen:
                continue
            seen[r["indicator"]] = {
                "indicator": r["indicator"],
                "name_zh": r.get("name_zh") or r["indicator"],
                "clause": r.get("clause", ""),
                "unit": r.get("unit") or self.units.get(r["indicator"], ""),
                "target": r.get("target"),
                "comparison": r.get("comparison", ">="),
            }
        for key, ind in seen.items():
            at = levels[key]
            ind["applies"] = "" if at == {"city", "county"} else ("全市" if at == {"city"} else "各县")
        return list(seen.values())

    def record(self, division: str, indicator: str) -> dict[str, Any] | None:
        return next(
            (r for r in self.records if r["division"] == division and r["indicator"] == indicator), None
        )


def format_value(value: Any, unit: str = "") -> str:
    """How every number of the notice is printed: rates with two decimals and their unit, counts
    as whole numbers; a missing value as "—"."""
    if value is None:
        return "—"
    v = float(value)
    if unit == "%":
        return f"{v:.2f}%"
    text = f"{v:.0f}" if v == int(v) else f"{v:.2f}"
    return f"{text}{unit}" if unit and unit not in ("人", "个", "所") else text


def format_target(comparison: str, target: Any, unit: str = "") -> str:
    """A target as the plan states it: ``≥96%``, ``≥90.5%``, ``≤0``."""
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}.get(comparison, comparison)
    if target is None:
        return "—"
    text = f"{float(target):g}"
    return f"{symbol}{text}{unit if unit == '%' else ''}"


def date_zh(day: dt.date) -> str:
    """``2025年4月8日`` (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _worse(value: float, reference: float, comparison: str) -> bool:
    if comparison in HIGHER_IS_BETTER:
        return value < reference
    if comparison in LOWER_IS_BETTER:
        return value > reference
    return False


def criticism_rule_text() -> str:
    statuses = "、".join(STATUS_LABELS.get(s, s) for s in standards.value("notice", "criticise_statuses"))
    n = int(standards.value("notice", "criticise_min_indicators"))
    text = f"有{n}项及以上目标指标{statuses}且差于全市平均水平"
    if standards.value("notice", "criticise_late_report"):
        text += ",或未按期报送月报"
    return text


def city_references(
    records: Sequence[Mapping[str, Any]], *, city_code: str, county_codes: Iterable[str]
) -> dict[str, float]:
    """The city average each county is compared with, per indicator: the city's own value for a
    ratio (it is the weighted average of its counties), the mean of the counties for a count (the
    city's value is their sum)."""
    codes = set(county_codes)
    city: dict[str, Mapping[str, Any]] = {}
    counties: dict[str, list[float]] = {}
    for r in records:
        if r.get("value") is None:
            continue
        if r["division"] == city_code:
            city[r["indicator"]] = r
        elif r["division"] in codes:
            counties.setdefault(r["indicator"], []).append(float(r["value"]))
    out = {}
    for indicator in set(city) | set(counties):
        c = city.get(indicator)
        if c is not None and c.get("denominator") is not None:
            out[indicator] = float(c["value"])
        elif counties.get(indicator):
            out[indicator] = sum(counties[indicator]) / len(counties[indicator])
    return out


def criticised_counties(
    records: Sequence[Mapping[str, Any]],
    timeliness: Sequence[Mapping[str, Any]],
    *,
    city_code: str,
    counties: Sequence[tuple[str, str]],
    statuses: Iterable[str] | None = None,
    min_indicators: int | None = None,
    late_report: bool | None = None,
    exclude: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """The counties criticised for slow progress (HS-3.3, PRE-5.4) by the stated rule
    (``[notice] criticise_*``): at least ``min_indicators`` of the county's targets whose status
    is one of ``statuses`` and whose value is worse than the city average
    (:func:`city_references`), or — if ``late_report`` — a monthly report late or missing.
    Indicators in ``exclude`` (targets the plan only encourages) never count."""
    statuses = set(statuses if statuses is not None else standards.value("notice", "criticise_statuses"))
    if min_indicators is None:
        min_indicators = int(standards.value("notice", "criticise_min_indicators"))
    if late_report is None:
        late_report = bool(standards.value("notice", "criticise_late_report"))
    excluded = set(
        exclude if exclude is not None else standards.section("notice").get("criticise_exclude", [])
    )
    reference = city_references(records, city_code=city_code, county_codes=[c for c, _ in counties])
    out = []
    for code, name in counties:
        slow = []
        for r in records:
            if r["division"] != code or r.get("target") is None or r.get("value") is None:
                continue
            ref = reference.get(r["indicator"])
            if (
                r["indicator"] not in excluded
                and r.get("status") in statuses
                and ref is not None
                and _worse(float(r["value"]), ref, r.get("comparison", ">="))
            ):
                slow.append(r)
        reasons = []
        if len(slow) >= max(1, min_indicators):
            reasons.append(
                "目标指标明显滞后且差于全市平均水平:"
                + "、".join(f"{r.get('name_zh') or r['indicator']}" for r in slow)
            )
        row = next((t for t in timeliness if t["county"] == code), None)
        if late_report and row is not None and row.get("timeliness") in ("late", "overdue"):
            reasons.append("月报逾期报送" if row["timeliness"] == "late" else "月报逾期未报送")
        if reasons:
            out.append(
                {
                    "county": code,
                    "county_name": name,
                    "indicators": [r["indicator"] for r in slow],
                    "reasons": reasons,
                }
            )
    return out


# -- collecting from the database ---------------------------------------------------------------


def school_year_of(day: dt.date) -> int:
    """The school year (its starting calendar year) a day falls in (``[school_year] start_month``)."""
    try:
        start = int(standards.value("school_year", "start_month"))
    except standards.StandardsError:
        start = 9
    return day.year if day.month >= start else day.year - 1


def indicator_records_for(period: dt.date, *, city: str) -> list[dict[str, Any]]:
    """The indicator engine's target records (``eduplan.metrics.indicators.compute_indicators``,
    set ``targets``) for the city and its counties, for the latest school year with data up to the
    one the month falls in."""
    try:
        from eduplan.metrics.indicators import compute_indicators
    except ImportError as exc:  # pragma: no cover - the engine ships with the metrics app
        raise NoticeError(
            "指标引擎(eduplan.metrics)不可用,请用 --records 提供指标记录 JSON / "
            "the indicator engine (eduplan.metrics) is not available: pass indicator records with --records FILE.json"
        ) from exc
    records = [dict(r) for r in compute_indicators(city=city, sets=["targets"])]
    upto = school_year_of(period)
    years = [r["year"] for r in records if r.get("value") is not None and r["year"] <= upto]
    if not years:
        raise NoticeError(
            f"{upto}学年及以前没有指标数据 / the registry has no indicator data up to school year {upto}"
        )
    latest = max(years)
    return [r for r in records if r["year"] == latest]


def _plan_units_and_document() -> tuple[dict[str, str], str, str]:
    try:
        from eduplan.plans.loader import PlanError, load_plan

        plan = load_plan()
    except (ImportError, PlanError):
        return {}, "", ""
    return {i.id: i.unit for i in plan.indicators}, plan.document, plan.city


def default_city() -> Division:
    """The plan's city, or the only city in the registry."""
    _, _, code = _plan_units_and_document()
    city = Division.objects.filter(code=code, level=DivisionLevel.CITY).first() if code else None
    if city is None:
        cities = list(Division.objects.filter(level=DivisionLevel.CITY)[:2])
        if len(cities) != 1:
            raise NoticeError("请用 --city 指定市级区划代码 / give the city with --city CODE")
        city = cities[0]
    return city


def next_notice_number(city: Division, year: int) -> tuple[int, str]:
    """The next document number of the city's notices in ``year`` (玉教体督〔2025〕3号)."""
    last = Notice.objects.filter(city=city, year=year).order_by("-sequence").first()
    seq = (last.sequence if last else 0) + 1
    prefix = standards.value("notice", "number_prefix")
    return seq, f"{prefix}〔{year}〕{seq}号"


def collect_notice_data(
    period: dt.date,
    *,
    city: Division | None = None,
    records: Sequence[Mapping[str, Any]] | None = None,
    as_of: dt.date | None = None,
    issued_on: dt.date | None = None,
    number: str | None = None,
    draft: bool = True,
) -> NoticeData:
    """Assemble a month's notice: indicator records (from the engine unless given), reporting
    timeliness, overdue orders and incidents as of ``as_of``, and the criticised counties."""
    period = periods.month_start(period)
    city = city or default_city()
    as_of = as_of or dt.date.today()
    units, document, _ = _plan_units_and_document()
    if records is None:
        records = indicator_records_for(period, city=city.code)
    counties = [
        (c.code, c.name)
        for c in Division.objects.counties()
        .filter(city=city, valid_from__lte=periods.month_end(period))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period))
        .order_by("code")
    ]
    wanted = {c for c, _ in counties} | {city.code}
    chosen = [dict(r) for r in records if r.get("division") in wanted]
    years = [r["year"] for r in chosen if r.get("year") is not None and r.get("value") is not None]
    year = max(years) if years else None
    if year is not None:
        chosen = [r for r in chosen if r.get("year") == year]
    timeliness = reporting_status(period, city=city.code, as_of=as_of)
    overdue = [
        {
            "code": o.code,
            "county": o.county.code,
            "county_name": o.county.name,
            "institution": o.institution.name if o.institution else "",
            "finding": o.finding.message_zh,
            "deadline": o.deadline,
            "days_overdue": o.days_overdue(as_of),
            "level": o.level,
            "major_hazard": o.finding.is_major_hazard,
            "responsible": o.responsible_person,
        }
        for o in overdue_orders(None, as_of).filter(county__city=city)
    ]
    incidents = [
        {
            "county": i.county.code,
            "county_name": i.county.name,
            "kind": i.get_kind_display(),
            "occurred_on": i.occurred_on,
            "title": i.title,
        }
        for i in Incident.objects.filter(
            county__city=city,
            withdrawn=False,
            occurred_on__gte=period,
            occurred_on__lte=periods.month_end(period),
        ).select_related("county")
    ]
    banned = {k: v for k, v in banned_counties(as_of).items() if k in wanted}
    if number is None:
        number = next_notice_number(city, (issued_on or as_of).year)[1]
    criticised = criticised_counties(chosen, timeliness, city_code=city.code, counties=counties)
    synthetic = Institution.objects.filter(county__city=city, synthetic=True).exists() or city.synthetic
    return NoticeData(
        period=period,
        as_of=as_of,
        issued_on=issued_on or as_of,
        city_code=city.code,
        city_name=city.name,
        issuer=f"{city.name}{standards.value('notice', 'issuer_suffix')}",
        number=number,
        title=str(standards.value("notice", "title")).format(month=periods.label_zh(period)),
        addressee=str(standards.value("notice", "addressee")),
        counties=counties,
        records=chosen,
        units=units,
        timeliness=timeliness,
        overdue=overdue,
        criticised=criticised,
        incidents=incidents,
        parts={part.KEY: part.collect(city, as_of, chosen) for part in notice_parts()},
        banned=banned,
        rule_text=criticism_rule_text(),
        plan_document=document,
        year=year,
        synthetic=synthetic,
        draft=draft,
    )


# -- the Word document --------------------------------------------------------------------------


class _Writer:
    """Paragraph and table helpers that name the Chinese fonts on every run (WPS and Word pick
    the East Asian font from ``w:eastAsia``; without it they fall back to a Latin font)."""

    def __init__(self, doc: Any) -> None:
        cfg = standards.section("notice")
        self.doc = doc
        self.title_font = cfg["title_font"]
        self.body_font = cfg["body_font"]
        self.heading_font = cfg["heading_font"]
        self.sub_font = cfg["subheading_font"]
        self.latin = cfg["latin_font"]
        self.title_pt = float(cfg["title_pt"])
        self.body_pt = float(cfg["body_pt"])
        self.line_pt = float(cfg["line_pt"])

    def font(self, run: Any, ea: str, size: float, *, bold: bool = False, color: str | None = None) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        run.font.name = self.latin
        run.font.size = Pt(size)
        run.font.bold = bold
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        rpr = run._r.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), ea)
        rfonts.set(qn("w:hint"), "eastAsia")

    def para(
        self,
        text: str = "",
        *,
        ea: str | None = None,
        size: float | None = None,
        bold: bool = False,
        align: str = "justify",
        indent: bool = True,
        color: str | None = None,
        exact: bool = True,
        keep: bool = False,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        p.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
        fmt = p.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.keep_with_next = keep
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(
                self.line_pt if (size or self.body_pt) <= self.title_pt else (size or 0) * 1.3
            )
        size = size or self.body_pt
        fmt.first_line_indent = Pt(2 * size) if indent else Pt(0)
        if text:
            self.font(p.add_run(zh_punct(text)), ea or self.body_font, size, bold=bold, color=color)
        return p

    def heading(self, n: int, text: str) -> Any:
        return self.para(f"{NUMERALS[n - 1]}、{text}", ea=self.heading_font, keep=True)

    def subheading(self, n: int, text: str) -> Any:
        return self.para(f"({NUMERALS[n - 1]}){text}", ea=self.sub_font, keep=True)

    def annex_title(self, number: str, title: str) -> None:
        """An annex's number (附表N) and its centred title, kept with the table below them."""
        self.para(number, ea=self.heading_font, indent=False, keep=True)
        self.para(title, ea=self.title_font, size=18, align="center", indent=False, exact=False, keep=True)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 10.5,
        shade: Sequence[Sequence[bool]] | None = None,
    ) -> Any:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, row in enumerate([list(header), *[list(r) for r in rows]]):
            for j, text in enumerate(row):
                cell = table.cell(i, j)
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                self.font(
                    p.add_run(zh_punct(str(text))),
                    self.heading_font if i == 0 else self.body_font,
                    size,
                    bold=i == 0,
                )
                if i > 0 and shade is not None and shade[i - 1][j]:
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:color"), "auto")
                    shd.set(qn("w:fill"), "F8CBAD")
                    cell._tc.get_or_add_tcPr().append(shd)
        return table


def _setup(doc: Any, w: _Writer, data: NoticeData) -> None:
    """A4 with GB/T 9704 margins, Chinese fonts and language in the defaults, page numbers."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = w.latin
    normal.font.size = Pt(w.body_pt)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), w.body_font)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    _declare_fonts(doc, [w.title_font, w.body_font, w.heading_font, w.sub_font])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    w.font(footer.add_run("— "), "宋体", 14)
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_.append(run)
    footer._p.append(field_)
    w.font(footer.add_run(" —"), "宋体", 14)
    props = doc.core_properties
    props.title = data.title
    props.author = data.issuer
    props.language = "zh-CN"
    props.subject = data.number


#: Substitutes Word and WPS use when a named font is missing (charset 86 = GB2312).
FONT_ALTERNATES = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
}


def _declare_fonts(doc: Any, names: Iterable[str]) -> None:
    """List the Chinese fonts in the font table with GB2312 charset and a common substitute, so a
    machine without 仿宋_GB2312 shows 仿宋 rather than a Latin fallback."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
    have = {f.get(f"{{{ns}}}name") for f in root.findall(f"{{{ns}}}font")}
    for name in dict.fromkeys(names):
        if name in have:
            continue
        font = etree.SubElement(root, f"{{{ns}}}font")
        font.set(f"{{{ns}}}name", name)
        if name in FONT_ALTERNATES:
            etree.SubElement(font, f"{{{ns}}}altName").set(f"{{{ns}}}val", FONT_ALTERNATES[name])
        etree.SubElement(font, f"{{{ns}}}charset").set(f"{{{ns}}}val", "86")
        etree.SubElement(font, f"{{{ns}}}family").set(f"{{{ns}}}val", "auto")
        etree.SubElement(font, f"{{{ns}}}pitch").set(f"{{{ns}}}val", "variable")
    if not hasattr(part, "element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _county_name(data: NoticeData, code: str) -> str:
    return next((n for c, n in data.counties if c == code), code)


def _join(names: Sequence[str]) -> str:
    return "、".join(names) if names else "无"


def chart_series(data: NoticeData) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The chart's categories (counties, then the city) and series (the chart indicators)."""
    wanted = list(standards.value("notice", "chart_indicators"))
    indicators = [
        i for i in data.indicators() if any(data.record(c, i["indicator"]) for c, _ in data.counties)
    ]
    chosen = [i for i in indicators if i["indicator"] in wanted] or indicators[:3]
    categories = [n for _, n in data.counties] + [data.city_name]
    codes = [c for c, _ in data.counties] + [data.city_code]
    series = []
    for ind in chosen:
        values = []
        for code in codes:
            r = data.record(code, ind["indicator"])
            values.append(None if r is None or r.get("value") is None else float(r["value"]))
        series.append((f"{ind['name_zh']}({ind['unit']})" if ind["unit"] else ind["name_zh"], values))
    return categories, series


def indicator_matrix(
    data: NoticeData, indicators: Sequence[Mapping[str, Any]]
) -> tuple[list[str], list[list[str]], list[list[bool]]]:
    """Header, rows (counties then the city) and off-track shading for the annex table."""
    statuses = set(standards.value("notice", "criticise_statuses"))
    header = ["县(市、区)"] + [
        f"{i['name_zh']}\n{i.get('applies', '')}目标{format_target(i['comparison'], i['target'], i['unit'])}"
        for i in indicators
    ]
    rows, shade = [], []
    for code, name in [*data.counties, (data.city_code, f"{data.city_name}(全市)")]:
        row, marks = [name], [False]
        for ind in indicators:
            r = data.record(code, ind["indicator"])
            row.append(format_value(r.get("value") if r else None, ind["unit"]))
            marks.append(bool(r and r.get("status") in statuses))
        rows.append(row)
        shade.append(marks)
    return header, rows, shade


def build_notice_docx(data: NoticeData) -> Any:
    """The notice as a python-docx ``Document`` (pure: everything comes from ``data``)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    from .wordchart import add_bar_chart

    doc = Document()
    w = _Writer(doc)
    _setup(doc, w, data)
    indicators = data.indicators()

    # Red header (发文机关标志), document number and the red line.
    w.para(data.issuer, ea=w.title_font, size=36, align="center", indent=False, color="FF0000", exact=False)
    number = w.para(data.number, align="center", indent=False)
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in {"val": "single", "sz": "18", "space": "4", "color": "FF0000"}.items():
        bottom.set(qn(f"w:{k}"), v)
    pbdr.append(bottom)
    number._p.get_or_add_pPr().append(pbdr)
    w.para()
    w.para(data.title, ea=w.title_font, size=w.title_pt, align="center", indent=False, exact=False)
    if data.draft:
        w.para("(草稿,未正式印发 draft, not issued)", align="center", indent=False, size=12)
    if data.synthetic:
        w.para(
            "(演示数据:本通报中的数据均为合成数据 demo data: all figures are synthetic)",
            align="center",
            indent=False,
            size=12,
        )
    w.para()
    w.para(f"{data.addressee}:", indent=False)
    basis = f"《{data.plan_document}》" if data.plan_document else "行动计划"
    w.para(
        f"根据{basis}“实行月报制和通报制”的要求,现将{periods.label_zh(data.period)}各县(市、区)目标任务推进、"
        f"月报报送和问题整改情况通报如下(数据截至{date_zh(data.as_of)})。"
    )

    # 一、总体情况
    w.heading(1, "总体情况")
    city_records = [data.record(data.city_code, i["indicator"]) for i in indicators]
    targeted = [
        (i, r)
        for i, r in zip(indicators, city_records, strict=True)
        if r is not None and r.get("target") is not None
    ]
    by_status: dict[str, int] = {}
    for _, r in targeted:
        by_status[r.get("status") or "no_data"] = by_status.get(r.get("status") or "no_data", 0) + 1
    summary = (
        ",".join(f"{label}{by_status[k]}项" for k, label in STATUS_LABELS.items() if by_status.get(k))
        or "暂无数据"
    )
    met = sum(1 for _, r in targeted if r.get("met"))
    year_text = f"{data.year}—{data.year + 1}学年" if data.year else "最新学年"
    w.para(f"{year_text}全市层面{len(targeted)}项目标指标中,已达到目标值{met}项;按进度预测,{summary}。")
    for ind, r in targeted:
        reached = "已达到目标值" if r.get("met") else "尚未达到目标值"
        status = STATUS_LABELS.get(r.get("status") or "", "")
        w.para(
            f"{ind['name_zh']}({ind['clause']}):全市{format_value(r.get('value'), ind['unit'])},"
            f"目标{format_target(ind['comparison'], ind['target'], ind['unit'])},{reached}"
            + (f",{status}。" if status else "。")
        )
    expected = [t for t in data.timeliness if t["expected"]]
    on_time = [t for t in data.timeliness if t["timeliness"] == "on_time"]
    reported = [t for t in data.timeliness if t["reported"]]
    rate = f"{100 * len(reported) / len(expected):.2f}%" if expected else "—"
    on_time_rate = f"{100 * len(on_time) / len(expected):.2f}%" if expected else "—"
    w.para(
        f"{periods.label_zh(data.period)}月报应报{len(expected)}个县(市、区),已报{len(reported)}个,"
        f"按时报送{len(on_time)}个,报送率{rate},按时报送率{on_time_rate}。"
    )
    city_level = [o for o in data.overdue if o["level"] == OrderLevel.CITY]
    hazards = [o for o in data.overdue if o["major_hazard"]]
    w.para(
        f"截至{date_zh(data.as_of)},全市逾期未整改问题{len(data.overdue)}个,其中市级督办{len(city_level)}个、"
        f"重大隐患{len(hazards)}个。"
    )
    if data.incidents or data.banned:
        banned = _join([f"{_county_name(data, c)}(至{date_zh(d)})" for c, d in sorted(data.banned.items())])
        w.para(
            f"本月登记重大安全事故、重大案件或严重师德师风问题{len(data.incidents)}起;按规定处于普及普惠督导评估"
            f"申报限制期(PRE-5.4)的县(市、区):{banned}。"
        )

    # 二、各县(市、区)目标任务进展
    w.heading(2, "各县(市、区)目标任务进展")
    statuses = set(standards.value("notice", "criticise_statuses"))
    anything = False
    for code, name in data.counties:
        slow = [
            i["name_zh"]
            for i in indicators
            if (rec := data.record(code, i["indicator"])) is not None and rec.get("status") in statuses
        ]
        if slow:
            anything = True
            many = f"等{len(slow)}项指标" if len(slow) > 1 else ""
            w.para(f"{name}:{'、'.join(slow)}{many}进度滞后,需加快推进。")
    if not anything:
        w.para("各县(市、区)目标指标均无进度滞后。")
    w.para("各县(市、区)各项指标值见附表1,主要指标对比见图1。")

    # 三、月报报送情况
    w.heading(3, "月报报送情况")
    groups: dict[str, list[str]] = {}
    for t in data.timeliness:
        label = t["county_name"] + (
            f"(逾期{t['days_late']}天)" if t["timeliness"] in ("late", "overdue") and t["days_late"] else ""
        )
        groups.setdefault(t["timeliness"], []).append(label)
    for key in ("on_time", "late", "overdue", "pending"):
        if key in groups:
            w.para(f"{TIMELINESS_LABELS[key].split(' ')[0]}:{_join(groups[key])}。")
    w.para("各县(市、区)报送明细见附表2。")

    # 四、问题整改情况
    w.heading(4, "问题整改情况")
    per_county: dict[str, int] = {}
    for o in data.overdue:
        per_county[o["county_name"]] = per_county.get(o["county_name"], 0) + 1
    if per_county:
        w.para("逾期未整改问题:" + ",".join(f"{k}{v}个" for k, v in per_county.items()) + "。清单见附表3。")
    else:
        w.para("本期无逾期未整改问题。")
    _part_paragraphs(w, data, 4)

    # 五、通报批评
    w.heading(5, "通报批评")
    rule = f"按照“{data.rule_text}”的规则,"
    if data.criticised:
        w.para(
            rule
            + "对以下县(市、区)予以通报批评:"
            + ";".join(f"{c['county_name']}({','.join(c['reasons'])})" for c in data.criticised)
            + "。"
        )
    else:
        w.para(rule + "本期无县(市、区)被通报批评。")
    _part_paragraphs(w, data, 5)

    # 六、工作要求
    w.heading(6, "工作要求")
    w.para(
        "各县(市、区)要对照目标任务,逐项分析差距,明确责任人和完成时限;被通报批评的县(市、区)要认真查找原因,"
        "制定整改措施,并在下期月报中报告整改情况。逾期未整改问题由市级督办,整改结果纳入对县级政府的履职评价(PRE-5.4)。",
        keep=True,  # the signature never stands alone on a page (GB/T 9704)
    )
    w.para(keep=True)
    w.para(data.issuer, align="right", indent=False, keep=True)
    w.para(date_zh(data.issued_on), align="right", indent=False)

    # Annex in landscape: the indicator matrix, the chart, timeliness, overdue orders.
    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Cm(29.7), Cm(21.0)
    annex.top_margin, annex.bottom_margin = Cm(2.6), Cm(2.4)
    annex.left_margin, annex.right_margin = Cm(3.0), Cm(2.8)
    w.annex_title("附表1", f"各县(市、区)主要指标进展情况({year_text})")
    per_table = 7
    for start in range(0, max(1, len(indicators)), per_table):
        chunk = indicators[start : start + per_table]
        if not chunk:
            w.para("暂无指标数据。", indent=False)
            break
        header, rows, shade = indicator_matrix(data, chunk)
        w.table(header, rows, shade=shade, size=9)
        w.para()
    w.para("注:底纹标示的数值为进度滞后。", size=10.5, indent=False, exact=False)
    categories, series = chart_series(data)
    if series:
        add_bar_chart(
            doc,
            w.para(align="center", indent=False, exact=False),
            zh_punct(f"图1 各县(市、区)主要指标对比({year_text})"),
            categories,
            [(zh_punct(name), values) for name, values in series],
            width_cm=22.0,
            height_cm=10.5,
            font_ea=w.heading_font,
            font_latin=w.latin,
            number_format="0.0",
        )
    else:
        w.para("暂无可绘制的指标数据。", indent=False)
    w.annex_title("附表2", f"{periods.label_zh(data.period)}月报报送情况")
    w.table(
        ["县(市、区)", "截止日期", "首次报送日期", "状态", "报送情况"],
        [
            [
                t["county_name"],
                f"{t['due_on']:%Y-%m-%d}",
                f"{t['first_submitted_on']:%Y-%m-%d}" if t["first_submitted_on"] else "—",
                {
                    "approved": "已审核",
                    "submitted": "待审核",
                    "returned": "已退回",
                    "draft": "未报送",
                    "missing": "未报送",
                }.get(t["state"], t["state"]),
                TIMELINESS_LABELS[t["timeliness"]].split(" ")[0],
            ]
            for t in data.timeliness
        ],
    )
    w.para()
    w.annex_title("附表3", "逾期未整改问题清单")
    if data.overdue:
        w.table(
            ["编号", "县(市、区)", "单位", "问题", "整改期限", "逾期天数", "督办层级", "责任人"],
            [
                [
                    o["code"],
                    o["county_name"],
                    o["institution"],
                    o["finding"][:60],
                    f"{o['deadline']:%Y-%m-%d}",
                    str(o["days_overdue"]),
                    ("市级" if o["level"] == OrderLevel.CITY else "县级")
                    + ("(重大隐患)" if o["major_hazard"] else ""),
                    o["responsible"],
                ]
                for o in data.overdue
            ],
            size=9,
        )
    else:
        w.para("无。", indent=False)
    for number, part in enumerate(notice_parts(), start=4):
        part_rows = data.parts.get(part.KEY, [])
        w.annex_title(f"附表{number}", part.ANNEX_TITLE)
        if part_rows:
            w.table(part.HEADERS, [part.cells(r) for r in part_rows], size=9)
        else:
            w.para("无。", indent=False)
    return doc


#: Parts of the notice that other apps write (imported late: they import supervision), in annex
#: order from 附表4. Each module has ``KEY`` (its entry in ``NoticeData.parts``), ``SECTION`` (the
#: heading its paragraph goes under), ``ANNEX_TITLE``, ``HEADERS`` and ``SHEET``, and functions
#: ``collect(city, as_of, records) -> rows``, ``paragraph(rows, annex) -> str`` and
#: ``cells(row) -> list[str]``. The xlsx gets every row's own fields, unrounded.
NOTICE_PARTS = ("eduplan.tasks.notice", "eduplan.programmes.notice")


def notice_parts() -> list[Any]:
    return [importlib.import_module(name) for name in NOTICE_PARTS]


def _part_paragraphs(w: _Writer, data: NoticeData, section: int) -> None:
    for number, part in enumerate(notice_parts(), start=4):
        if section == part.SECTION:
            w.para(part.paragraph(data.parts.get(part.KEY, []), f"附表{number}"))


def notice_bytes(data: NoticeData) -> bytes:
    buf = io.BytesIO()
    build_notice_docx(data).save(buf)
    return buf.getvalue()


# -- the spreadsheet ----------------------------------------------------------------------------


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


# -- writing and issuing ------------------------------------------------------------------------


def write_notice(data: NoticeData, out: str | Path, *, xlsx: str | Path | None = None) -> bytes:
    """Write the .docx (and the .xlsx when asked); return the .docx bytes."""
    blob = notice_bytes(data)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    if xlsx is not None:
        Path(xlsx).parent.mkdir(parents=True, exist_ok=True)
        Path(xlsx).write_bytes(build_notice_xlsx(data))
    return blob


def issue_monthly_notice(
    period: dt.date,
    *,
    user: Any = None,
    city: Division | None = None,
    records: Sequence[Mapping[str, Any]] | None = None,
    as_of: dt.date | None = None,
    at: dt.datetime | None = None,
) -> tuple[Notice, NoticeData, bytes]:
    """Issue the month's notice: take the next document number, build it and record it (who,
    when, the file's SHA-256 so a copy can be checked against the register).

    The indicator engine runs before the transaction that takes the number: the engine reads
    through its own handle on the connection and must not run inside an open transaction."""
    require_role(user, (Role.CITY_OFFICER,), "通报由市教育体育局印发", "only the city bureau issues notices")
    moment = now_or(at)
    city = city or _user_city(user) or default_city()
    issued_on = as_of or moment.date()
    if records is None:
        records = indicator_records_for(period, city=city.code)
    with transaction.atomic():
        seq, number = next_notice_number(city, issued_on.year)
        data = collect_notice_data(
            period,
            city=city,
            records=records,
            as_of=as_of or issued_on,
            issued_on=issued_on,
            number=number,
            draft=False,
        )
        blob = notice_bytes(data)
        notice = Notice(
            city=city,
            period=data.period,
            year=issued_on.year,
            sequence=seq,
            number=number,
            title=data.title,
            issued_by=actor(user),
            issued_at=moment,
            sha256=hashlib.sha256(blob).hexdigest(),
        )
        notice.full_clean()
        notice.save()
    return notice, data, blob


def _user_city(user: Any) -> Division | None:
    profile = getattr(user, "profile", None) if user is not None else None
    division = getattr(profile, "division", None)
    if division is None:
        return None
    return division if division.level == DivisionLevel.CITY else division.city


def notices_for(user: Any) -> list[Notice]:
    """Notices addressed to the user's city (city and county officers and viewers)."""
    if user is None or getattr(user, "is_superuser", False):
        return list(Notice.objects.select_related("city"))
    city = _user_city(user)
    return list(Notice.objects.filter(city=city).select_related("city")) if city else []
