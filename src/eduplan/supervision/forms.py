"""Forms of the supervision pages: they parse and type-check input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from eduplan.registry.models import Division, Institution

from .models import AnnualResult, FindingCategory, IncidentKind, InspectionKind, Severity

#: A browser date field only accepts ISO dates (2026-12-07): the locale's format (2026/12/07) would
#: be shown as empty and refused.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label="被检查单位 institution")
    inspected_on = forms.DateField(label="检查日期 date", widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(choices=InspectionKind.choices, label="类型 kind")

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    message_zh = forms.CharField(label="问题 finding", widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(choices=FindingCategory.choices, label="类别 category")
    severity = forms.ChoiceField(choices=Severity.choices, label="严重程度 severity", initial=Severity.MEDIUM)
    clause = forms.CharField(label="条款 clause", required=False, max_length=40)


class OrderForm(forms.Form):
    responsible_person = forms.CharField(label="责任人 responsible person", max_length=60)
    deadline = forms.DateField(label="整改期限 deadline (空=默认)", widget=DATE, required=False)
    requirement = forms.CharField(
        label="整改要求 requirement", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因 reason", widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    deadline = forms.DateField(label="新期限 new deadline", widget=DATE)
    reason = forms.CharField(label="原因 reason", max_length=500)


class AnnualForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label="幼儿园 kindergarten")
    year = forms.IntegerField(label="年度 year", min_value=2000, max_value=2100)
    result = forms.ChoiceField(choices=AnnualResult.choices, label="结论 result")
    reasons = forms.CharField(label="理由 reasons", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        label="不按原则判定的理由(有虐待体罚问题时) override reason (where abuse was found)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class IncidentForm(forms.Form):
    county = forms.ModelChoiceField(queryset=Division.objects.none(), label="县(市、区) county")
    kind = forms.ChoiceField(choices=IncidentKind.choices, label="类型 kind")
    occurred_on = forms.DateField(label="发生日期 occurred on", widget=DATE)
    title = forms.CharField(label="事件 title", max_length=200)
    description = forms.CharField(
        label="情况 description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, counties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]


class DeadlineForm(forms.Form):
    month = forms.CharField(
        label="月份 month",
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
    )
    due_on = forms.DateField(label="截止日 due on", widget=DATE)
    reason = forms.CharField(label="原因 reason", max_length=200, required=False)
