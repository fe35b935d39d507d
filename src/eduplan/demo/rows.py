"""Fast inserts of plain tuples for the big leaf tables of the demo (population, classes, staff,
yearly snapshots, fees, safety records).

``bulk_create`` builds a model instance per row and compiles every value through the field API:
for the province (≈ 2 M rows) that alone takes minutes. Rows nobody points at need neither, so the
generator hands this writer tuples in column order and it runs one ``executemany`` per batch through
Django's connection (so the same code runs on SQLite and PostgreSQL, inside the caller's
transaction). Values are adapted the way the fields would adapt them (dates, decimals); the
generator is trusted code and the tests run ``full_clean`` on a sample of every table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return None


class TableWriter:
    """``INSERT INTO <model's table> (<fields>) VALUES …`` for tuples in ``fields`` order; a
    foreign key takes the related row's primary key."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.model = model
        self.fields = [meta.get_field(name) for name in fields]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(str(f.column)) for f in self.fields)  # type: ignore[union-attr]
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"
        self.adapters = [(i, a) for i, f in enumerate(self.fields) if (a := _adapter(f)) is not None]  # type: ignore[arg-type]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        batch: list[Sequence[Any]] = []
        written = 0
        with connection.cursor() as cursor:
            for row in rows:
                if self.adapters:
                    values = list(row)
                    for i, adapt in self.adapters:
                        if values[i] is not None:
                            values[i] = adapt(values[i])
                    row = values
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(self.sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(self.sql, batch)
                written += len(batch)
        return written
