"""Saved planning scenarios: a births assumption, a city target and an allocation method.

The city sets each county's target from assumptions it must be able to show later (精准下达): which
births it assumed, which target and which method. A scenario saves those choices — not results —
so that re-running it on the registry of the day gives today's figures, and two scenarios can be
compared side by side (``eduplan plan scenario compare A B``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from eduplan.accounts.scoping import Scope
from eduplan.registry.choices import DivisionLevel, PopulationBasis
from eduplan.registry.models import Division

from .allocation.methods import METHODS


class BirthsAssumption(models.TextChoices):
    CONSTANT = "constant", "出生不变 Constant (last observed year held)"
    TREND = "trend", "趋势外推 Trend (least-squares line, floored at 0)"
    SERIES = "series", "给定序列 Series (given year by year)"


class AllocationMethod(models.TextChoices):
    UNIFORM = "uniform", f"{METHODS['uniform'].label_zh} uniform"
    PROPORTIONAL_GAP = "proportional_gap", f"{METHODS['proportional_gap'].label_zh} proportional gap"
    EQUAL_POINTS = "equal_points", f"{METHODS['equal_points'].label_zh} equal points"
    FLOOR_SHARE = "floor_share", f"{METHODS['floor_share'].label_zh} floor, then share"
    LEAST_COST = "least_cost", f"{METHODS['least_cost'].label_zh} least cost"


class PlanningScenario(models.Model):
    """A named set of planning assumptions, owned by a city (city-level) or a county.

    ``division`` is the city for the city's own scenarios and a county for a county's; with
    ``SCOPE = Scope(county="division")`` the one scoping function shows a city officer every
    scenario of their city and a county officer only their county's.
    """

    SCOPE = Scope(county="division")

    name = models.CharField("名称 name", max_length=60)
    division = models.ForeignKey(
        Division, verbose_name="所属区划 city or county", on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField("说明 description", max_length=200, blank=True)
    births = models.CharField(
        "出生情景 births", max_length=10, choices=BirthsAssumption.choices, default=BirthsAssumption.CONSTANT
    )
    births_series = models.JSONField(
        "出生序列 births series", default=dict, blank=True, help_text="{年份: 出生人数} {year: births}"
    )
    target = models.FloatField("全市目标(%) city target", null=True, blank=True)
    method = models.CharField(
        "分解方法 method",
        max_length=20,
        choices=AllocationMethod.choices,
        default=AllocationMethod.PROPORTIONAL_GAP,
    )
    end_year = models.PositiveSmallIntegerField("预测终年 end year")
    basis = models.CharField(
        "人口口径 population basis",
        max_length=10,
        choices=PopulationBasis.choices,
        default=PopulationBasis.RESIDENT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人 created by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间 created", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间 updated", auto_now=True)

    class Meta:
        verbose_name = "规划情景 planning scenario"
        verbose_name_plural = "规划情景 planning scenarios"
        ordering = ["division__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="planning_scenario_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.division.code})"

    def series(self) -> dict[int, float]:
        return {int(k): float(v) for k, v in (self.births_series or {}).items()}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.division_id and self.division.level not in (DivisionLevel.CITY, DivisionLevel.COUNTY):
            errors["division"] = "情景属于一个市或县 / a scenario belongs to a city or a county"
        if self.births == BirthsAssumption.SERIES and not self.births_series:
            errors["births_series"] = (
                '出生情景为 "series" 时须给出逐年出生人口 / the "series" births assumption needs a series'
            )
        if self.births != BirthsAssumption.SERIES and self.births_series:
            errors["births_series"] = (
                '只有 "series" 情景使用出生序列 / only the "series" assumption takes a births series'
            )
        for key, value in (self.births_series or {}).items():
            if not str(key).isdigit() or not isinstance(value, (int, float)) or value < 0:
                errors["births_series"] = (
                    f"出生序列项 {key}: {value} 无效,应为 年份: 非负人数 / births series item {key}: {value} "
                    "must be year: non-negative births"
                )
                break
        if self.target is not None and not self.target > 0:
            errors["target"] = "目标应为正的百分比(如 96)/ the target is a positive percentage (e.g. 96)"
        if errors:
            raise ValidationError(errors)


class AdmissionsRunStatus(models.TextChoices):
    QUEUED = "queued", "排队中 queued"
    RUNNING = "running", "运行中 running"
    DONE = "done", "已完成 done"
    REFUSED = "refused", "输入有误, 未运行 input refused, nothing run"
    FAILED = "failed", "失败 failed"


class AdmissionsRun(models.Model):
    """One high school admission run from the officers' page: the uploaded files, the
    background job's progress, and where its result files are.

    Files live under ``MEDIA_ROOT/<directory>/`` and are served only through the page's scoped
    download view, never from a public URL. ``division`` is the city of the officer who started it
    (empty for a superuser without one); with ``SCOPE = Scope(county="division")`` a city officer
    sees their city's runs and nobody else's.
    """

    SCOPE = Scope(county="division")

    division = models.ForeignKey(
        Division,
        verbose_name="所属市 city",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人 started by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("提交时间 started", auto_now_add=True)
    started_at = models.DateTimeField("开始运行 running from", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间 finished", null=True, blank=True)
    updated_at = models.DateTimeField("最近进度 last progress", null=True, blank=True)
    status = models.CharField(
        "状态 status",
        max_length=10,
        choices=AdmissionsRunStatus.choices,
        default=AdmissionsRunStatus.QUEUED,
    )
    stage = models.CharField("阶段 stage", max_length=20, default="queued")
    percent = models.PositiveSmallIntegerField("进度(%) percent", default=0)
    directory = models.CharField("文件目录 directory (under MEDIA_ROOT)", max_length=200, unique=True)
    inputs = models.JSONField("上传文件 uploaded files", default=dict, help_text="{kind: {name, path, size}}")
    results = models.JSONField("结果文件 result files", default=dict, blank=True, help_text="{kind: path}")
    totals = models.JSONField("录取汇总 totals", default=dict, blank=True)
    checks = models.JSONField("检查 checks", default=list, blank=True)
    error = models.TextField("错误信息 error", blank=True)
    pid = models.IntegerField("工作进程 worker process id", null=True, blank=True)
    host = models.CharField("工作主机 worker host", max_length=100, blank=True)

    class Meta:
        verbose_name = "高中招生录取运行 admissions run"
        verbose_name_plural = "高中招生录取运行 admissions runs"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"admissions run {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (
            AdmissionsRunStatus.DONE,
            AdmissionsRunStatus.REFUSED,
            AdmissionsRunStatus.FAILED,
        )


from .allocation.adopted_models import AdoptedTarget, AdoptionOrigin, TargetAdoption  # noqa: E402,F401
