"""Shared pieces of the ``eduplan plan project|gaps|allocate|scenario`` commands.

Every command prints through :func:`eduplan.output.write_records`, so JSON field names are the same
contract everywhere; a command with several tables (a projection and its back-test, gaps and their
flags) gives JSON one object with a key per table and ``notes``, and xlsx one sheet per table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper

from eduplan.output import FORMATS, OutputError, render_table, to_json, write_records, write_xlsx

PROJECTED_MARK = "*"


def add_common_arguments(parser: Any, formats: Sequence[str] = FORMATS) -> None:
    parser.add_argument(
        "--format", choices=list(formats), default="table", help="输出格式 output format (default table)"
    )
    parser.add_argument("--out", metavar="FILE", help="写入文件 write to FILE (required for xlsx)")
    parser.add_argument(
        "--db", metavar="PATH", help="SQLite 数据库文件 SQLite database file (read by the eduplan launcher)"
    )


def add_county_argument(parser: Any) -> None:
    parser.add_argument(
        "--county",
        action="append",
        metavar="CODE",
        help="只看某县(可重复)/ only this county (repeatable), e.g. 530402",
    )


def emit(
    options: Mapping[str, Any],
    stdout: Any,
    *,
    sections: Mapping[str, Sequence[Mapping[str, Any]]],
    notes: Sequence[str] = (),
    meta: Mapping[str, Any] | None = None,
    tables: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    titles: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    main: str | None = None,
) -> None:
    """Write ``sections`` as the chosen format.

    - json: ``{**meta, <section>: rows, …, "notes": notes}``;
    - csv: the ``main`` section only (notes follow on the terminal when ``--out`` is given);
    - table: each of ``tables`` (default: ``sections``; e.g. a pivoted view) with its title, then
      the notes;
    - xlsx: one sheet per section, and a sheet of notes.
    """
    fmt = options.get("format") or "table"
    out = options.get("out")
    main = main or next(iter(sections))
    if fmt == "json":
        text = to_json({**(meta or {}), **sections, "notes": list(notes)}) + "\n"
        _write_text(text, out, stdout)
    elif fmt == "csv":
        write_records(sections[main], "csv", out, stream=stdout)
        if out:
            _print_notes(notes, stdout)
    elif fmt == "xlsx":
        if not out:
            raise OutputError("xlsx 格式需要 --out 文件路径 / the xlsx format needs --out FILE.xlsx")
        sheets = {name: list(rows) for name, rows in sections.items()}
        sheets["notes"] = [{"note": n} for n in notes]
        write_xlsx(Path(out), sheets, headers=headers)
        stdout.write(f"已写入 written: {out}")
    elif fmt == "table":
        parts = []
        for name, rows in (tables or sections).items():
            if not rows:
                continue
            parts.append(render_table(list(rows), headers=headers, title=(titles or {}).get(name, name)))
        parts += [f"- {n}" for n in notes]
        _write_text("\n".join(parts) + "\n", out, stdout)
    else:
        raise OutputError(f"未知格式 unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _write_text(text: str, out: str | None, stdout: Any) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
        stdout.write(f"已写入 written: {out}")
    else:
        if isinstance(stdout, OutputWrapper):
            stdout.write(text, ending="")
        else:
            stdout.write(text)


def _print_notes(notes: Sequence[str], stdout: Any) -> None:
    for n in notes:
        stdout.write(f"- {n}")


def pivot_years(
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    value: str,
    *,
    observed_last: int | None = None,
    digits: int = 0,
) -> list[dict[str, Any]]:
    """Long rows (one per year) into one row per ``keys`` with a column per year, for a terminal.
    Years after ``observed_last`` are marked projected (``2026*``)."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        k = tuple(r[c] for c in keys)
        row = out.setdefault(k, {c: r[c] for c in keys})
        year = int(r["year"])
        label = f"{year}{PROJECTED_MARK}" if observed_last is not None and year > observed_last else str(year)
        v = r[value]
        row[label] = (
            round(v, digits) if isinstance(v, float) and digits else (round(v) if isinstance(v, float) else v)
        )
    return list(out.values())
