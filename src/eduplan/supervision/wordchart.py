"""A native Word chart (DrawingML ``c:chartSpace``) for python-docx, which has no chart API.

Why native: the notice must carry a chart without matplotlib or a browser (kaleido) on a closed
government network, and a native chart is drawn by Word, WPS and LibreOffice themselves with the
reader's Chinese fonts — no rasterised CJK text, and the figures stay editable: the chart carries
its data as an embedded workbook, as charts made in Word do ("edit data" works).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Cm

COLOURS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")
_NS = (
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _col(i: int) -> str:
    """Spreadsheet column letter for a 0-based index (A, B, …, Z, AA …)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _text_props(size: int, font_ea: str, font_latin: str, bold: bool = False) -> str:
    b = ' b="1"' if bold else ""
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}"{b}>'
        f'<a:latin typeface="{escape(font_latin)}"/><a:ea typeface="{escape(font_ea)}"/>'
        '</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def chart_xml(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    font_ea: str,
    font_latin: str,
    number_format: str = "0.0",
) -> str:
    """The chart part: clustered columns, one series per entry, categories along the bottom."""
    n = len(categories)
    cat_pts = "".join(f'<c:pt idx="{i}"><c:v>{escape(str(c))}</c:v></c:pt>' for i, c in enumerate(categories))
    sers = []
    for k, (name, values) in enumerate(series):
        col = _col(k + 1)
        pts = "".join(
            f'<c:pt idx="{i}"><c:v>{float(v)!r}</c:v></c:pt>' for i, v in enumerate(values) if v is not None
        )
        sers.append(
            f'<c:ser><c:idx val="{k}"/><c:order val="{k}"/>'
            f'<c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{escape(name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'<c:spPr><a:solidFill><a:srgbClr val="{COLOURS[k % len(COLOURS)]}"/></a:solidFill></c:spPr>'
            '<c:invertIfNegative val="0"/>'
            f"<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache>"
            f'<c:ptCount val="{n}"/>{cat_pts}</c:strCache></c:strRef></c:cat>'
            f"<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${n + 1}</c:f><c:numCache>"
            f'<c:formatCode>{escape(number_format)}</c:formatCode><c:ptCount val="{n}"/>{pts}'
            "</c:numCache></c:numRef></c:val></c:ser>"
        )
    small = _text_props(900, font_ea, font_latin)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<c:chartSpace {_NS}>"
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        "<c:chart>"
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
        f'<a:defRPr sz="1200" b="1"><a:latin typeface="{escape(font_latin)}"/><a:ea typeface="{escape(font_ea)}"/></a:defRPr>'
        f'</a:pPr><a:r><a:rPr lang="zh-CN" sz="1200" b="1"><a:latin typeface="{escape(font_latin)}"/>'
        f'<a:ea typeface="{escape(font_ea)}"/></a:rPr><a:t>{escape(title)}</a:t></a:r></a:p></c:rich></c:tx>'
        '<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/>'
        "<c:plotArea><c:layout/>"
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        + "".join(sers)
        + '<c:gapWidth val="80"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{small}<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>'
        f'<c:numFmt formatCode="{escape(number_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{small}<c:crossAx val="50010001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        "</c:plotArea>"
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{small}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>'
        "</c:chart>"
        f"{_text_props(1000, font_ea, font_latin)}"
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )


def chart_workbook(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> bytes:
    """The chart's data as an xlsx (what Word opens on "edit data")."""
    from openpyxl import Workbook

    from eduplan.output import keep_text

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["", *[name for name, _ in series]])
    for i, c in enumerate(categories):
        ws.append([c, *[values[i] for _, values in series]])
    keep_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def add_bar_chart(
    document: object,
    paragraph: object,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width_cm: float = 16.0,
    height_cm: float = 9.0,
    font_ea: str = "黑体",
    font_latin: str = "Times New Roman",
    number_format: str = "0.0",
) -> None:
    """Insert a clustered column chart into ``paragraph`` of a python-docx ``document``."""
    doc_part = document.part  # type: ignore[attr-defined]
    package = doc_part.package
    existing = {str(p.partname) for p in package.iter_parts()}
    k = 1
    while f"/word/charts/chart{k}.xml" in existing:
        k += 1
    chart_part = Part(
        PackURI(f"/word/charts/chart{k}.xml"),
        CT.DML_CHART,
        chart_xml(
            title, categories, series, font_ea=font_ea, font_latin=font_latin, number_format=number_format
        ).encode("utf-8"),
        package,
    )
    book = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{k}.xlsx"),
        CT.SML_SHEET,
        chart_workbook(categories, series),
        package,
    )
    chart_part.relate_to(book, RT.PACKAGE)  # becomes rId1, named in c:externalData
    rid = doc_part.relate_to(chart_part, RT.CHART)
    cx, cy = int(Cm(width_cm)), int(Cm(height_cm))
    descr = escape(title, {'"': "&quot;"})
    inline = parse_xml(
        '<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{1000 + k}" name="Chart {k}" descr="{descr}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
    )
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run._r.append(inline)
