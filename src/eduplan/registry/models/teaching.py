"""Classes per school year, with headcounts by sex and age — children as counts, never as records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ..choices import PRESCHOOL_KINDS, SENIOR_GRADES, AgeGroup, InstitutionKind
from .institutions import Institution

PRESCHOOL_AGE_GROUPS = (AgeGroup.NURSERY, AgeGroup.SMALL, AgeGroup.MIDDLE, AgeGroup.LARGE, AgeGroup.MIXED)
JUNIOR_GRADES = (AgeGroup.GRADE_7, AgeGroup.GRADE_8, AgeGroup.GRADE_9)
VOCATIONAL_GRADES = (AgeGroup.VOC_1, AgeGroup.VOC_2, AgeGroup.VOC_3)
#: The grades a school of each kind may hold. A general high school may hold grades 7–12 (a
#: complete school, 完中, has junior sections; the measures count its grades 10–12 only).
SCHOOL_GRADES: dict[str, tuple[str, ...]] = {
    InstitutionKind.HIGH_SCHOOL: (*JUNIOR_GRADES, *SENIOR_GRADES),
    InstitutionKind.VOCATIONAL: VOCATIONAL_GRADES,
    InstitutionKind.JUNIOR_MIDDLE: JUNIOR_GRADES,
}
AGE_FIELDS = ("age_under3", "age_3", "age_4", "age_5", "age_over5")


class SchoolClass(models.Model):
    """A class in one school year. Kindergarten classes give children by age (statistics' cuts:
    under 3, 3, 4, 5, over 5); school classes give the grade. ``is_new_intake`` marks the entry
    grade (new-intake classes ≤ 55)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="classes")
    school_year = models.PositiveSmallIntegerField("学年(起始年) school year starting")
    name = models.CharField("班级名称 name", max_length=40)
    age_group = models.CharField("年龄组/年级 age group or grade", max_length=8, choices=AgeGroup.choices)
    is_new_intake = models.BooleanField("起始年级 new intake", default=False)
    is_boarding = models.BooleanField("寄宿班 boarding", default=False)
    boys = models.PositiveIntegerField("男 boys", default=0)
    girls = models.PositiveIntegerField("女 girls", default=0)
    minority = models.PositiveIntegerField("少数民族 ethnic minority", default=0)
    age_under3 = models.PositiveIntegerField("3岁以下 under 3", default=0)
    age_3 = models.PositiveIntegerField("3岁 age 3", default=0)
    age_4 = models.PositiveIntegerField("4岁 age 4", default=0)
    age_5 = models.PositiveIntegerField("5岁 age 5", default=0)
    age_over5 = models.PositiveIntegerField("5岁以上 over 5", default=0)

    class Meta:
        verbose_name = "班级 class"
        verbose_name_plural = "班级 classes"
        ordering = ["institution", "school_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year", "name"], name="class_unique_name"),
            models.CheckConstraint(
                condition=Q(boys__gte=0) & Q(girls__gte=0), name="class_headcount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(minority__lte=models.F("boys") + models.F("girls")),
                name="class_minority_within_total",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "institution"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.school_year} {self.name}"

    @property
    def headcount(self) -> int:
        return self.boys + self.girls

    @property
    def age_total(self) -> int:
        return sum(getattr(self, f) for f in AGE_FIELDS)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        preschool_group = self.age_group in PRESCHOOL_AGE_GROUPS
        if self.institution_id and (self.institution.kind in PRESCHOOL_KINDS) != preschool_group:
            errors["age_group"] = (
                f"年龄组 {self.age_group} 与机构类别 {self.institution.kind} 不符 / "
                "the age group or grade does not fit this kind of institution"
            )
        allowed = SCHOOL_GRADES.get(self.institution.kind) if self.institution_id else None
        if allowed is not None and not preschool_group and self.age_group not in allowed:
            errors["age_group"] = (
                f"年级 {self.age_group} 不属于{self.institution.get_kind_display()}"
                f"(可用 {', '.join(allowed)}) / grade {self.age_group!r} does not fit a "
                f"{self.institution.kind} school (allowed: {', '.join(allowed)})"
            )
        if preschool_group and self.age_total and self.age_total != self.headcount:
            errors["age_3"] = (
                f"分年龄人数合计 {self.age_total} ≠ 男女合计 {self.headcount} / "
                "children by age must add up to boys + girls"
            )
        if self.minority > self.headcount:
            errors["minority"] = (
                "少数民族人数不能超过班级人数 / minority children cannot exceed the class size"
            )
        if errors:
            raise ValidationError(errors)
