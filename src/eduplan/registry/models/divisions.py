"""Administrative divisions (GB/T 2260 and statistical codes) and their population and births."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import DivisionLevel, DivisionType, Locality, PopulationBasis, Sex

OPEN_START = dt.date(1949, 10, 1)


class DivisionQuerySet(models.QuerySet["Division"]):
    def counties(self) -> DivisionQuerySet:
        return self.filter(level=DivisionLevel.COUNTY)

    def townships(self) -> DivisionQuerySet:
        return self.filter(level=DivisionLevel.TOWNSHIP)

    def in_county(self, code: str) -> DivisionQuerySet:
        return self.filter(county__code=code)

    def valid_on(self, day: dt.date) -> DivisionQuerySet:
        """Divisions that existed on ``day``: a split or merged county keeps its history."""
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Division(models.Model):
    """A node of the division tree: province → city → county → township (→ village).

    ``county`` and ``city`` are the node's ancestors at those levels (a county is its own county),
    kept on every row so that any aggregate by county is one join, on any engine.
    ``valid_from``/``valid_to`` keep boundary changes: a county that splits gets ``valid_to`` and
    its successors start the next day, so old school years still aggregate to the old county.
    """

    code = models.CharField("代码 code", max_length=12, unique=True)
    name = models.CharField("名称 name", max_length=64)
    level = models.CharField("层级 level", max_length=10, choices=DivisionLevel.choices)
    type = models.CharField("类型 type", max_length=12, choices=DivisionType.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级 parent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    county = models.ForeignKey(
        "self",
        verbose_name="所属县 county",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    city = models.ForeignKey(
        "self", verbose_name="所属市 city", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locality = models.CharField("城乡 locality", max_length=8, choices=Locality.choices, blank=True)
    latitude = models.FloatField("纬度 latitude", null=True, blank=True)
    longitude = models.FloatField("经度 longitude", null=True, blank=True)
    valid_from = models.DateField("生效 valid from", default=OPEN_START)
    valid_to = models.DateField("失效 valid to", null=True, blank=True)
    synthetic = models.BooleanField("合成数据 synthetic", default=False)

    history = HistoricalRecords()
    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划 division"
        verbose_name_plural = "行政区划 divisions"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="division_valid_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["level", "county"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def ancestor_at(self, level: str) -> Division | None:
        node: Division | None = self
        while node is not None:
            if node.level == level:
                return node
            node = node.parent
        return None

    def derive_ancestors(self) -> None:
        """Set ``county`` and ``city`` from the parent chain (a node's own level is set on save)."""
        parent = self.parent
        self.county = parent.ancestor_at(DivisionLevel.COUNTY) if parent else None
        self.city = parent.ancestor_at(DivisionLevel.CITY) if parent else None

    def clean(self) -> None:
        order = [c.value for c in DivisionLevel]
        if self.parent is not None and order.index(self.parent.level) >= order.index(self.level):
            raise ValidationError(
                {
                    "parent": f"上级区划层级必须高于本级 / the parent ({self.parent.level}) must be above {self.level}"
                }
            )

    def save(self, *args, **kwargs) -> None:
        self.derive_ancestors()
        super().save(*args, **kwargs)
        if self.county_id is None and self.level == DivisionLevel.COUNTY:
            Division.objects.filter(pk=self.pk).update(county=self.pk)
            self.county_id = self.pk
        if self.city_id is None and self.level == DivisionLevel.CITY:
            Division.objects.filter(pk=self.pk).update(city=self.pk)
            self.city_id = self.pk


class PopulationCount(models.Model):
    """People by division × calendar year × age band × sex, resident or registered (户籍).

    Single-year ages have ``age_min == age_max``; an open band (e.g. 18 and over) has ``age_max``
    empty. Rows are held at the lowest level available and rolled up, never at two levels at once.
    Year-end figures; the age cut-off date used by indicators is a setting (metrics).
    """

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="population")
    year = models.PositiveSmallIntegerField("年份 year")
    age_min = models.PositiveSmallIntegerField("年龄下限 age from")
    age_max = models.PositiveSmallIntegerField("年龄上限 age to", null=True, blank=True)
    sex = models.CharField("性别 sex", max_length=1, choices=Sex.choices)
    basis = models.CharField("口径 basis", max_length=10, choices=PopulationBasis.choices)
    count = models.PositiveIntegerField("人数 count")

    class Meta:
        verbose_name = "人口 population"
        verbose_name_plural = "人口 population"
        constraints = [
            models.UniqueConstraint(
                fields=["division", "year", "basis", "sex", "age_min"], name="population_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(age_max__isnull=True) | Q(age_max__gte=models.F("age_min")),
                name="population_age_band_ordered",
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="population_count_non_negative"),
        ]

    def __str__(self) -> str:
        band = f"{self.age_min}" if self.age_max == self.age_min else f"{self.age_min}-{self.age_max or ''}"
        return f"{self.division.name} {self.year} {band} {self.sex}: {self.count}"


class Births(models.Model):
    """Live births by division and calendar year (births drive the projections of the layout plan)."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="births")
    year = models.PositiveSmallIntegerField("年份 year")
    basis = models.CharField(
        "口径 basis", max_length=10, choices=PopulationBasis.choices, default=PopulationBasis.RESIDENT
    )
    count = models.PositiveIntegerField("出生人数 births")

    class Meta:
        verbose_name = "出生人口 births"
        verbose_name_plural = "出生人口 births"
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "basis"], name="births_unique_cell"),
            models.CheckConstraint(condition=Q(count__gte=0), name="births_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.division.name} {self.year}: {self.count}"
