"""Who a user is in the plan's organisation: role and the part of the registry bound to it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from eduplan.registry.choices import DivisionLevel, Role
from eduplan.registry.models import Division, Institution


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
        needs: dict[str, tuple[str, ...]] = {
            Role.CITY_OFFICER: (DivisionLevel.CITY,),
            Role.COUNTY_OFFICER: (DivisionLevel.COUNTY,),
            Role.VIEWER: (DivisionLevel.CITY, DivisionLevel.COUNTY),
        }
        if self.role in needs:
            if self.division is None or self.division.level not in needs[self.role]:
                levels = "/".join(needs[self.role])
                raise ValidationError(
                    {"division": f"该角色须绑定{levels}级区划 / this role needs a {levels} division"}
                )
        if self.role == Role.PRINCIPAL and self.institution_id is None:
            raise ValidationError(
                {"institution": "园长/校长须绑定一个机构 / a principal needs an institution"}
            )
