"""Entry forms of the workforce register pages. They parse and type-check input; the actions in
``workforce.actions`` decide who may write and validate the row (``full_clean``).

Choices are cut by the one scoping function: a form only offers the institutions, staff and counties
the user sees. Staff are shown by institution, name and the masked last four digits of the identity
number — never more of it. Every form has ``save(user)`` calling the action, and ``SCOPED`` lists
the choice fields whose posted value the view checks against the user's scope (403 when outside).

``instance=<row>`` opens an existing row for editing: the form is prefilled from it
(:meth:`WorkforceForm.initial_for`) and the row's natural key (``KEY``) is locked (disabled fields
keep their initial value whatever is posted), so saving upserts that same row through the action.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from eduplan.accounts.scoping import User, scope
from eduplan.registry.choices import DivisionLevel, InstitutionKind
from eduplan.registry.models import Division, Institution, StaffMember

from . import actions
from .models import (
    Consequence,
    CriterionCategory,
    EthicsResult,
    EvaluationTarget,
    NegativeCategory,
    PublicityChannel,
    TrainingLevel,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.masked_id})"


def institutions_for(user: User | None) -> QuerySet:
    return scope(user, Institution.objects.all()).order_by("county__code", "code")


def staff_for(user: User | None) -> QuerySet:
    return scope(user, StaffMember.objects.select_related("institution")).order_by("name", "pk")


class WorkforceForm(forms.Form):
    """Base: ``user`` cuts the choices; :meth:`save` calls the action."""

    #: choice field → the queryset of everything the user may pick (posted values outside it: 403)
    SCOPED: tuple[str, ...] = ()
    #: model field name in the action's ValidationError → form field that shows it
    FIELD_MAP: dict[str, str] = {}
    #: the fields making up the row's natural key: locked when editing a row
    KEY: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: User | None, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs["initial"] = self.initial_for(instance)
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        if instance is not None:
            for name in self.KEY:
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, obj: Any) -> dict[str, Any]:
        """The form's values for the existing row ``obj``."""
        return {name: getattr(obj, name) for name in cls.base_fields if hasattr(obj, name)}

    def scoped_querysets(self) -> dict[str, QuerySet]:
        return {name: self.fields[name].queryset for name in self.SCOPED}  # type: ignore[attr-defined]

    def save(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def add_action_errors(self, error: ValidationError) -> None:
        """Show the action's (model's) errors on the fields they concern."""
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                name = self.FIELD_MAP.get(key, key)
                target = name if name in self.fields else None
                for e in errors:
                    self.add_error(target, e.messages)
        else:
            self.add_error(None, error.messages)


class StaffForm(WorkforceForm):
    """Pick a staff member by institution, then staff (the staff list follows the institution)."""

    SCOPED = ("institution", "staff")

    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("机构"))
    staff = StaffChoiceField(queryset=StaffMember.objects.none(), label=_("教职工"))

    def __init__(self, *args: Any, user: User | None, institution: Any = None, **kwargs: Any) -> None:
        if kwargs.get("instance") is not None:
            institution = kwargs["instance"].staff.institution
        super().__init__(*args, user=user, **kwargs)
        self.fields["institution"].queryset = institutions_for(user)  # type: ignore[attr-defined]
        self.all_staff = staff_for(user)
        chosen = institution or self.data.get("institution") or self.initial.get("institution")
        staff = self.all_staff
        if chosen:
            try:
                staff = staff.filter(institution_id=int(getattr(chosen, "pk", chosen)))
            except (TypeError, ValueError):
                staff = staff.none()
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]

    def scoped_querysets(self) -> dict[str, QuerySet]:
        return {"institution": self.fields["institution"].queryset, "staff": self.all_staff}  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, obj: Any) -> dict[str, Any]:
        return super().initial_for(obj) | {"institution": obj.staff.institution, "staff": obj.staff}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        inst, member = data.get("institution"), data.get("staff")
        if inst is not None and member is not None and member.institution_id != inst.pk:
            self.add_error("staff", _("该教职工不在所选机构"))
        return data


class TrainingForm(StaffForm):
    level = forms.ChoiceField(choices=TrainingLevel.choices, label=_("培训层级"))
    course = forms.CharField(max_length=120, label=_("培训项目"))
    hours = forms.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.1"), label=_("学时"))
    start_date = forms.DateField(widget=DATE, label=_("开始日期"))
    end_date = forms.DateField(widget=DATE, label=_("结束日期"))
    provider = forms.CharField(max_length=120, required=False, label=_("承办单位"))

    FIELD_MAP = {"year": "end_date"}
    KEY = ("institution", "staff", "course", "start_date")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_training(
            d["staff"],
            level=d["level"],
            course=d["course"],
            hours=d["hours"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            provider=d["provider"],
            user=self.user,
        )


class EthicsForm(StaffForm):
    KEY = ("institution", "staff", "year")

    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    result = forms.ChoiceField(choices=EthicsResult.choices, label=_("考核结果"))
    assessed_on = forms.DateField(widget=DATE, required=False, label=_("考核日期"))
    note = forms.CharField(max_length=200, required=False, label=_("说明"))

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_ethics_assessment(
            d["staff"], d["year"], d["result"], assessed_on=d["assessed_on"], note=d["note"], user=self.user
        )


class NegativeForm(StaffForm):
    KEY = ("institution", "staff", "category", "occurred_on")

    category = forms.ChoiceField(choices=NegativeCategory.choices, label=_("负面清单类别"))
    occurred_on = forms.DateField(widget=DATE, label=_("发生日期"))
    decided_on = forms.DateField(widget=DATE, label=_("处理日期"))
    consequence = forms.ChoiceField(choices=Consequence.choices, label=_("处理结果"))
    ban_years = forms.IntegerField(min_value=0, max_value=50, initial=0, label=_("影响期(年)"))
    serious = forms.BooleanField(required=False, label=_("严重师德师风问题(须另登记重大事件)"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("情况"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        occurred, decided = data.get("occurred_on"), data.get("decided_on")
        if occurred and decided and decided < occurred:
            self.add_error("decided_on", _("处理日期不能早于发生日期"))
        return data

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_negative_entry(
            d["staff"],
            category=d["category"],
            occurred_on=d["occurred_on"],
            decided_on=d["decided_on"],
            consequence=d["consequence"],
            ban_years=d["ban_years"],
            serious=d["serious"],
            description=d["description"],
            user=self.user,
        )


class PayForm(WorkforceForm):
    SCOPED = ("institution",)
    KEY = ("institution", "year")

    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("普通高中"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    frontline_amount = forms.DecimalField(**MONEY, label=_("一线教师金额(元)"))  # type: ignore[arg-type]
    frontline_count = forms.IntegerField(min_value=0, label=_("一线教师人数(不含班主任)"))
    class_teacher_amount = forms.DecimalField(**MONEY, label=_("班主任金额(元)"))  # type: ignore[arg-type]
    class_teacher_count = forms.IntegerField(min_value=0, label=_("班主任人数"))
    other_amount = forms.DecimalField(**MONEY, label=_("其他人员金额(元)"))  # type: ignore[arg-type]
    other_count = forms.IntegerField(min_value=0, label=_("其他人员人数"))
    total = forms.DecimalField(**MONEY, required=False, label=_("总额(元,空=三项之和)"))  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["institution"].queryset = institutions_for(user).filter(  # type: ignore[attr-defined]
            kind=InstitutionKind.HIGH_SCHOOL
        )

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_performance_pay(
            d["institution"],
            d["year"],
            frontline=(d["frontline_amount"], d["frontline_count"]),
            class_teachers=(d["class_teacher_amount"], d["class_teacher_count"]),
            others=(d["other_amount"], d["other_count"]),
            total=d["total"],
            user=self.user,
        )


class PublicityForm(WorkforceForm):
    SCOPED = ("institution",)
    KEY = ("institution", "published_on", "title")

    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("学校"))
    published_on = forms.DateField(widget=DATE, label=_("发布日期"))
    channel = forms.ChoiceField(choices=PublicityChannel.choices, label=_("渠道"))
    title = forms.CharField(max_length=200, label=_("标题"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("内容"))
    url = forms.URLField(required=False, assume_scheme="https", label=_("链接"))

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["institution"].queryset = institutions_for(user)  # type: ignore[attr-defined]

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_publicity(
            d["institution"],
            published_on=d["published_on"],
            channel=d["channel"],
            title=d["title"],
            text=d["text"],
            url=d["url"],
            user=self.user,
        )


def _category(value: str) -> str | None:
    value = value.strip()
    for code, label in CriterionCategory.choices:
        if value in (code, str(label)) or (value and str(label).startswith(value)):
            return code
    return None


class SchemeForm(WorkforceForm):
    """A scheme and its criteria, one per line: ``名称|类别|权重`` (类别 by code or Chinese label)."""

    SCOPED = ("county", "institution")
    FIELD_MAP = {"name": "criteria", "weight": "criteria", "category": "criteria", "scheme": "criteria"}
    KEY = ("county", "year", "title")

    county = forms.ModelChoiceField(queryset=Division.objects.none(), label=_("县(市、区)"))
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), required=False, label=_("学校(空=县教育体育局方案)")
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    title = forms.CharField(max_length=200, label=_("方案名称"))
    target = forms.ChoiceField(choices=EvaluationTarget.choices, label=_("评价对象"))
    issued_on = forms.DateField(widget=DATE, required=False, label=_("印发日期"))
    admission_targets = forms.BooleanField(required=False, label=_("向学校下达升学率指标"))
    criteria = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "立德树人|moral|30\n教育教学过程|teaching|40"}
        ),
        label=_("评价指标(每行一项:名称|类别|权重%)"),
    )

    def __init__(self, *args: Any, user: User | None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["county"].queryset = scope(  # type: ignore[attr-defined]
            user, Division.objects.filter(level=DivisionLevel.COUNTY)
        ).order_by("code")
        self.fields["institution"].queryset = institutions_for(user)  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, obj: Any) -> dict[str, Any]:
        """The scheme's fields and its criteria, one ``名称|类别代码|权重`` line each."""
        lines = [f"{c.name}|{c.category}|{c.weight.normalize():f}" for c in obj.criteria.all()]
        return super().initial_for(obj) | {"criteria": "\n".join(lines)}

    def clean_criteria(self) -> list[tuple[str, str, Decimal]]:
        rows: list[tuple[str, str, Decimal]] = []
        errors: list[str] = []
        for n, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("|", "|").split("|")]
            if len(parts) != 3 or not parts[0]:
                errors.append(str(_("第 %(n)d 行应为“名称|类别|权重”") % {"n": n}))
                continue
            category = _category(parts[1])
            if category is None:
                errors.append(str(_("第 %(n)d 行:类别“%(v)s”不存在") % {"n": n, "v": parts[1]}))
                continue
            try:
                weight = Decimal(parts[2].rstrip("%"))
            except ArithmeticError:
                weight = Decimal(-1)
            if not Decimal(0) < weight <= Decimal(100):
                errors.append(str(_("第 %(n)d 行:权重应大于0且不超过100") % {"n": n}))
                continue
            rows.append((parts[0], category, weight))
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("评价方案至少要有一项指标"))
        return rows

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        county, inst = data.get("county"), data.get("institution")
        if county is not None and inst is not None and inst.county_id != county.pk:
            self.add_error("institution", _("学校不在该县"))
        return data

    def save(self) -> Any:
        d = self.cleaned_data
        return actions.record_evaluation_scheme(
            d["county"],
            d["year"],
            d["title"],
            target=d["target"],
            criteria=d["criteria"],
            institution=d["institution"],
            issued_on=d["issued_on"],
            admission_targets=d["admission_targets"],
            user=self.user,
        )
