"""Who a user is in the plan's organisation: role and the part of the registry bound to it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from eduplan.registry.choices import DivisionLevel, Role
from eduplan.registry.models import Division, Institution

#: The division levels a division-bound role is bound at.
DIVISION_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CITY_OFFICER: (DivisionLevel.CITY,),
    Role.COUNTY_OFFICER: (DivisionLevel.COUNTY,),
    Role.VIEWER: (DivisionLevel.CITY, DivisionLevel.COUNTY),
}


class Profile(models.Model):
    """A city officer and a viewer are bound to a city or county, a county officer to a county, a
    supervisor to the institutions assigned to them (责任督学挂牌), a principal to one
    institution. Everything a user may see follows from this, through ``accounts.scoping.scope``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("角色 role", max_length=16, choices=Role.choices)
    division = models.ForeignKey(
        Division, verbose_name="所辖区划 division", null=True, blank=True, on_delete=models.PROTECT
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="所在机构 institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="principals",
    )
    supervised = models.ManyToManyField(
        Institution, verbose_name="挂牌督导机构 assigned institutions", blank=True, related_name="supervisors"
    )

    class Meta:
        verbose_name = "用户角色 user role"
        verbose_name_plural = "用户角色 user roles"

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.role in DIVISION_LEVELS:
            if self.division is None or self.division.level not in DIVISION_LEVELS[self.role]:
                levels = "/".join(DIVISION_LEVELS[self.role])
                raise ValidationError(
                    {"division": f"该角色须绑定{levels}级区划 / this role needs a {levels} division"}
                )
        if self.role == Role.PRINCIPAL and self.institution_id is None:
            raise ValidationError(
                {"institution": "园长/校长须绑定一个机构 / a principal needs an institution"}
            )


class FormDraft(models.Model):
    """What a user typed into a long form (the monthly report, an inspection checklist) and has not
    saved yet: kept on the server per user and form, so a refused save, a closed tab or another
    computer loses nothing (issue 23). Only its owner ever reads it back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="form_drafts")
    key = models.CharField("表单 form", max_length=80)
    data = models.JSONField("填写内容 fields", default=dict)
    saved_at = models.DateTimeField("保存时间 saved at", auto_now=True)

    class Meta:
        verbose_name = "表单草稿 form draft"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_user_and_form")]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"
