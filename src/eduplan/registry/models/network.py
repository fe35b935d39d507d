"""The county management network and assistance pairings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import ManagementPost, PairingKind
from .divisions import Division
from .institutions import Institution


class ManagementAppointment(models.Model):
    """Who holds a county's preschool administrator or researcher post, and since when."""

    county = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="management_posts")
    post = models.CharField("岗位 post", max_length=24, choices=ManagementPost.choices)
    person_name = models.CharField("姓名 name", max_length=40)
    is_dedicated = models.BooleanField("专职 dedicated", default=True)
    start_date = models.DateField("任职日期 start")
    end_date = models.DateField("离任日期 end", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "县级学前管理网络 management post"
        verbose_name_plural = "县级学前管理网络 management posts"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="appointment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.get_post_display()} {self.person_name}"


class Pairing(models.Model):
    """A supporting institution helps a weaker one: a first-level kindergarten supports 1–2 below
    first level; a quality high school takes a county high school in trusteeship with
    the "five ones" (五个一). The supporter may be outside the registry (by name)."""

    kind = models.CharField("类型 kind", max_length=16, choices=PairingKind.choices)
    supporter = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="supporting"
    )
    supporter_name = models.CharField(
        "帮扶方名称(区外) supporter name if outside", max_length=100, blank=True
    )
    supported = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="supported_by")
    start_date = models.DateField("开始日期 start")
    end_date = models.DateField("结束日期 end", null=True, blank=True)
    agreement_signed = models.BooleanField("已签订协议 agreement signed", default=False)
    components = models.JSONField("帮扶内容(五个一) components", default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "结对帮扶 pairing"
        verbose_name_plural = "结对帮扶 pairings"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pairing_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(supporter__isnull=False) | ~Q(supporter_name=""), name="pairing_has_supporter"
            ),
            models.CheckConstraint(
                condition=Q(supporter__isnull=True) | ~Q(supporter=models.F("supported")),
                name="pairing_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter or self.supporter_name} → {self.supported}"

    def clean(self) -> None:
        if self.supporter_id and self.supporter_id == self.supported_id:
            raise ValidationError({"supported": "不能与自身结对 / an institution cannot support itself"})
        if not self.supporter_id and not self.supporter_name:
            raise ValidationError({"supporter": "请给出帮扶方 / give the supporting institution"})
