"""Forms of the portal: they parse, clean and check the visitor's input (sizes, characters, the
challenge, the honeypot); the actions decide. Every message is in Chinese and English."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from eduplan.common.protection import check_challenge, clean_text, setting
from eduplan.supervision.models import Severity

from .models import ComplaintCategory


class ComplaintForm(forms.Form):
    """``work_required``: the proof-of-work bits this address must send (``protection.needs_work``),
    decided by the view from the address, never from what the form says."""

    def __init__(self, *args: Any, work_required: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.work_required = work_required

    kindergarten = forms.CharField(max_length=32, widget=forms.HiddenInput)
    category = forms.ChoiceField(choices=[("", "—"), *list(ComplaintCategory.choices)], required=False)
    description = forms.CharField(required=False, widget=forms.Textarea)
    contact = forms.CharField(required=False)
    anonymous = forms.BooleanField(required=False)
    answer = forms.CharField(required=False, max_length=8)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    #: The proof of work's counter, filled in by the page's script when the form asks for it.
    work = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    #: The honeypot: hidden from people (CSS, aria-hidden, no tab stop); robots fill it in.
    website = forms.CharField(required=False)

    def clean_category(self) -> str:
        value = self.cleaned_data.get("category", "")
        if value not in ComplaintCategory.values:
            raise ValidationError("请选择投诉类别 / choose what the complaint is about")
        return value

    def clean_description(self) -> str:
        return clean_text(
            self.cleaned_data.get("description"),
            label_zh="投诉内容",
            label_en="description",
            max_chars=int(setting("description_max_chars")),
            min_chars=int(setting("description_min_chars")),
            multiline=True,
        )

    def clean_contact(self) -> str:
        return clean_text(
            self.cleaned_data.get("contact"),
            label_zh="联系方式",
            label_en="contact",
            max_chars=int(setting("contact_max_chars")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(
                "无法提交,请刷新页面后重试 / the form could not be sent: reload the page and try again"
            )
        if data.get("anonymous") and data.get("contact"):
            self.add_error(
                "contact",
                "匿名投诉不留联系方式:请清空联系方式,或取消匿名 / an anonymous complaint keeps no contact: "
                "clear the contact or untick anonymous",
            )
        if not self.errors:
            try:
                check_challenge(
                    data.get("token", ""),
                    data.get("answer", ""),
                    work=data.get("work", ""),
                    work_required=self.work_required,
                )
            except ValidationError as exc:
                self.add_error("answer", exc)
        return data


class TrackForm(forms.Form):
    code = forms.CharField(max_length=40)


class AnswerForm(forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))

    def clean_response(self) -> str:
        return clean_text(
            self.cleaned_data.get("response"),
            label_zh="答复",
            label_en="answer",
            max_chars=int(setting("answer_max_chars")),
            min_chars=1,
            multiline=True,
        )


class ConvertForm(forms.Form):
    message_zh = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)

    def clean_message_zh(self) -> str:
        return clean_text(
            self.cleaned_data.get("message_zh"),
            label_zh="问题描述",
            label_en="finding",
            max_chars=int(setting("description_max_chars")),
            multiline=True,
        )
