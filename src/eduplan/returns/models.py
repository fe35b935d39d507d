"""What a statistical return says, kept as institution-year aggregates in the statistics' own cuts.

The registry holds individual classes and staff; a return holds counts per institution (children by
age, classes by size band, staff by post and qualification). Both are kept, side by side: the
measures read individual records where an institution has them for the year and these aggregates
otherwise (``metrics.measures``: "returns fallback"), so an institution known only by its return
still counts in the plan's indicators.
"""

from __future__ import annotations

from django.db import models

from eduplan.intake.models import ImportBatch
from eduplan.registry.models import Institution


class ReturnAggregate(models.Model):
    """One cell of one table of one institution's return for one school year."""

    institution = models.ForeignKey(
        Institution,
        verbose_name="学校/幼儿园 institution",
        on_delete=models.CASCADE,
        related_name="return_cells",
    )
    school_year = models.PositiveSmallIntegerField("学年(起始年) school year starting")
    edition = models.PositiveSmallIntegerField("报表版本 edition")
    table = models.CharField("表号 table", max_length=20)
    row_code = models.CharField("行编号 row code", max_length=8)
    column_code = models.CharField("列编号 column code", max_length=8)
    table_key = models.CharField("表 table key", max_length=32)
    row_key = models.CharField("行 row key", max_length=32)
    column_key = models.CharField("列 column key", max_length=32)
    value = models.PositiveIntegerField("数值 value")
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="导入批次 batch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="return_cells",
    )

    class Meta:
        verbose_name = "统计报表数据 return figure"
        verbose_name_plural = "统计报表数据 return figures"
        ordering = ["institution", "school_year", "table_key", "row_key", "column_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year", "table_key", "row_key", "column_key"],
                name="return_cell_unique",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "table_key"])]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.school_year} {self.table} {self.row_code}/{self.column_code}={self.value}"
