"""Hostile files, built byte by byte: what an attacker (or a broken program) sends to the import page.

Each is small on the wire and enormous once read naively. :func:`read_in_jail` reads one in a child
process with a memory cap, so a reader that still tries to allocate kills only that child, never the
test run (or, in production, never a web worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="班级 classes" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _xlsx(path: Path, sheet_xml: bytes | str, *, compresslevel: int = 9) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def sparse_workbook(path: Path) -> Path:
    """Two cells, A1 and XFD1048576: a 1.6 KB file whose dense grid is 17 billion cells."""
    sheet = (
        SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _xlsx(path, sheet)


def huge_string_workbook(path: Path, length: int = 400_000_000) -> Path:
    """One inline string of ``length`` characters: about a megabyte once compressed."""
    head = (SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>').encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    # Write the entry by streaming, so building the file does not need the string in memory.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            block = b"A" * (1 << 20)
            left = length
            while left > 0:
                fh.write(block[: min(left, len(block))])
                left -= len(block)
            fh.write(tail)
    return path


def zip_bomb(path: Path, megabytes: int = 2048) -> Path:
    """A workbook with an extra part of ``megabytes`` of zeros (about 2 MB compressed)."""
    _xlsx(path, SHEET_HEAD + '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("xl/media/padding.bin", "w", force_zip64=True) as fh,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            fh.write(block)
    return path


def wide_workbook(path: Path, rows: int, cols: int) -> Path:
    """A genuinely dense sheet of ``rows`` × ``cols`` numbers."""
    from openpyxl.utils import get_column_letter

    parts = [SHEET_HEAD, "<sheetData>"]
    letters = [get_column_letter(c + 1) for c in range(cols)]
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{letters[c]}{r}"><v>{c}</v></c>' for c in range(cols))
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return _xlsx(path, "".join(parts))


JAIL = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import django
django.setup()
from eduplan.intake.readers import FileProblem, read_book
t = time.monotonic()
try:
    book = read_book(sys.argv[1])
    out = {{"read": True, "cells": sum(len(r) for s in book.sheets for r in s.rows)}}
except FileProblem as exc:
    out = {{"read": False, "code": exc.code, "zh": exc.zh, "en": exc.en}}
out["seconds"] = time.monotonic() - t
print(json.dumps(out, ensure_ascii=False))
"""


def read_in_jail(path: Path, *, memory_mb: int = 1536, timeout: float = 120) -> dict:
    """``read_book(path)`` in a child process limited to ``memory_mb`` of address space.

    Returns what it read or the :class:`FileProblem` it raised; a child killed by the memory cap
    or the timeout returns ``{"crashed": ...}``."""
    limit = memory_mb << 20
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="eduplan.settings")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", JAIL.format(limit=limit), str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"crashed": f"still reading after {timeout} s"}
    if proc.returncode != 0:
        return {"crashed": f"exit {proc.returncode}: {proc.stderr[-500:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])
