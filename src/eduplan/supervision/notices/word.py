"""The notice as a Word document in the usual government layout (GB/T 9704-2012: red header with
the issuing bureau, document number, title, addressee, numbered sections, signature and date),
with an annex of tables and a chart. A pure function of :class:`~.data.NoticeData`."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eduplan.plans import standards
from eduplan.plans.checks import cite
from eduplan.plans.notice import held_paragraph

from .. import periods
from ..models import OrderLevel
from ..reports import TIMELINESS_LABELS
from .data import NoticeData, chart_series
from .parts import notice_parts
from .text import NUMERALS, STATUS_LABELS, date_zh, format_target, format_value, zh_punct


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
        # Each row's cells read once: ``table.cell(i, j)`` rebuilds the whole grid on every call
        # (quadratic: a 300-row annex took over a minute).
        for i, (row, tr) in enumerate(zip([list(header), *[list(r) for r in rows]], table.rows, strict=True)):
            cells = tr.cells
            for j, text in enumerate(row):
                cell = cells[j]
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

    from ..wordchart import add_bar_chart

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
            f"申报限制期{cite('workflow:incidents')}的县(市、区):{banned}。"
        )

    # 二、各县(市、区)目标任务进展
    w.heading(2, "各县(市、区)目标任务进展")
    statuses = set(standards.value("notice", "criticise_statuses"))
    anything = False
    for code, name in data.counties:
        slow = [
            i["name_zh"] + (f"({label})" if (label := _adopted_label(rec)) else "")
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
    _part_paragraphs(w, data, 2)

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
    elif data.held:
        w.para(rule + held_paragraph(data.held))
    else:
        w.para(rule + "本期无县(市、区)被通报批评。")
    _part_paragraphs(w, data, 5)

    # 六、工作要求
    w.heading(6, "工作要求")
    w.para(
        "各县(市、区)要对照目标任务,逐项分析差距,明确责任人和完成时限;被通报批评的县(市、区)要认真查找原因,"
        "制定整改措施,并在下期月报中报告整改情况。逾期未整改问题由市级督办,整改结果纳入对县级政府的履职评价"
        f"{cite('report:monthly_notice')}。",
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


def _adopted_label(rec: dict[str, Any]) -> str:
    """``县目标 94.2%（市分解）`` for a county judged against its adopted target, else nothing."""
    from eduplan.metrics.progress import ADOPTED, target_label

    return target_label(rec) if rec.get("target_origin") == ADOPTED else ""


def _part_paragraphs(w: _Writer, data: NoticeData, section: int) -> None:
    for number, part in enumerate(notice_parts(), start=4):
        if section == part.SECTION:
            w.para(part.paragraph(data.parts.get(part.KEY, []), f"附表{number}"))


def notice_bytes(data: NoticeData) -> bytes:
    buf = io.BytesIO()
    build_notice_docx(data).save(buf)
    return buf.getvalue()
