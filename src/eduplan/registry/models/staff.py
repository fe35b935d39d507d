"""Staff members. Identity numbers are never stored in clear (see ``registry.identity``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import Certificate, Employment, Sex, StaffRole
from ..identity import mask
from .institutions import Institution


class StaffQuerySet(models.QuerySet["StaffMember"]):
    def active_on(self, day) -> StaffQuerySet:
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def teaching(self) -> StaffQuerySet:
        """保教人员: teachers and nursery workers (staffing standard, 教师〔2013〕1号)."""
        return self.filter(role__in=[StaffRole.TEACHER, StaffRole.NURSERY])


class StaffMember(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField("姓名 name", max_length=40)
    sex = models.CharField("性别 sex", max_length=1, choices=Sex.choices)
    role = models.CharField("岗位 role", max_length=16, choices=StaffRole.choices)
    certificate = models.CharField(
        "持有证书 certificate", max_length=20, choices=Certificate.choices, blank=True, default=""
    )
    employment = models.CharField("用工形式 employment", max_length=16, choices=Employment.choices)
    is_full_time = models.BooleanField("专职 full-time", default=True)
    social_insurance = models.BooleanField("参加社会保险 social insurance", default=False)
    housing_fund = models.BooleanField("住房公积金 housing fund", default=False)
    training_hours = models.PositiveSmallIntegerField("本年度培训学时 training hours this year", default=0)
    start_date = models.DateField("入职日期 start")
    end_date = models.DateField("离职日期 end", null=True, blank=True)
    change_filed_on = models.DateField(
        "变动备案日期 change filed on",
        null=True,
        blank=True,
        help_text="园长、专任教师变动须在一个月内备案更新",
    )
    id_hash = models.CharField("身份证号哈希 identity hash", max_length=64, db_index=True, editable=False)
    id_last4 = models.CharField("身份证号后四位 identity last 4", max_length=4, editable=False)

    history = HistoricalRecords(excluded_fields=["id_hash"])
    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = "教职工 staff member"
        verbose_name_plural = "教职工 staff"
        ordering = ["institution", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "id_hash", "start_date"], name="staff_unique_appointment"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def masked_id(self) -> str:
        return mask(self.id_last4)
