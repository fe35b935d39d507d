"""What the demo cites: the clauses each finding, indicator row, notice and page shows.

Used twice: once on the code *before* the plan file carried the clause mapping (its output is
``data/yuxi_demo_before.json``), and by ``test_demo_cites`` on the code now. Only public entry points
that exist in both are used, and only (what, clause) pairs are kept, never counts that the data or
the date could change.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

CLAUSE_RE = re.compile(r"(?<![\w.-])(?:PRE|HS)-(?:T\d+|\d+(?:\.\d+)*)(?![\w])")

PAGES = (
    "/office/findings/",
    "/office/name-check/",
    "/office/supervision/",
    "/office/supervision/incidents/",
    "/office/workforce/",
    "/office/planning/",
    "/office/tasks/plans/",
    "/office/programmes/incentives/",
)


def _clauses(text: str) -> list[str]:
    return sorted(set(CLAUSE_RE.findall(text)))


def cites(user: Any, period: dt.date, as_of: dt.date) -> dict[str, Any]:
    from django.test import Client
    from openpyxl import load_workbook

    from eduplan.metrics.indicators import compute_indicators
    from eduplan.rules.catalogue import run_rules
    from eduplan.supervision import notices

    findings = sorted({(f.rule, f.clause) for f in run_rules(as_of=as_of)})
    indicators = sorted({(r["indicator"], r["clause"]) for r in compute_indicators()})
    data = notices.collect_notice_data(period, as_of=as_of)
    docx = notices.build_notice_docx(data)
    docx_text = "\n".join(p.text for p in docx.paragraphs)
    for table in docx.tables:
        for row in table.rows:
            docx_text += "\n" + " ".join(c.text for c in row.cells)
    book = load_workbook(io.BytesIO(notices.build_notice_xlsx(data)), read_only=True)
    xlsx_text = "\n".join(
        str(v)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    )
    client = Client()
    client.force_login(user)
    pages = {}
    for url in PAGES:
        response = client.get(url)
        text = response.content.decode()
        # A paged list (the findings, 50 a page) is read to its last page: every row's citation.
        number = 2
        while f"page={number}" in text and number < 100:
            text += client.get(url, {"page": number}).content.decode()
            number += 1
        pages[url] = [response.status_code, _clauses(text)]
    return {
        "findings": [list(x) for x in findings],
        "indicators": [list(x) for x in indicators],
        "notice_docx": _clauses(docx_text),
        "notice_xlsx": _clauses(xlsx_text),
        "pages": pages,
    }
