"""The upload and export forms of the officers' pages."""

from __future__ import annotations

from django import forms

from .exporter import FORMATS
from .kinds import KINDS

MAX_UPLOAD_BYTES = 100 * 1024 * 1024

KIND_CHOICES = [("", "自动识别 detect from the sheet names")] + [(k.key, k.label) for k in KINDS.values()]
EXPORT_KIND_CHOICES = [("all", "全部(每类一个工作表) everything, one sheet per kind")] + [
    (k.key, k.label) for k in KINDS.values()
]


class UploadForm(forms.Form):
    file = forms.FileField(label="文件 file (xlsx / xls / csv)")
    kind = forms.ChoiceField(label="数据类别 kind", choices=KIND_CHOICES, required=False)
    dry_run = forms.BooleanField(label="只检查,不写入 check only, write nothing", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB / the file is larger than "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB"
            )
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label="数据类别 kind", choices=EXPORT_KIND_CHOICES)
    format = forms.ChoiceField(label="格式 format", choices=[(f, f) for f in FORMATS], initial="xlsx")

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") == "all" and data.get("format") == "csv":
            raise forms.ValidationError(
                "CSV 每个文件只能放一类数据,请选择类别或用 xlsx / a CSV file holds one kind: choose a kind or xlsx"
            )
        return data
