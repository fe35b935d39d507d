"""The form renderer of every page: Django's own form templates, except that labels and choice
labels written ``"中文 English"`` show their English on English pages (``bilabel``), as the rest
of the page does. Chinese pages are unchanged (issue 23: English mode complete).

Forms across the apps label their fields and choices in both languages; rendering them through
these few templates keeps that in one place instead of a filter at every form."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates

#: Overrides of django/forms/label.html and the option templates.
OVERRIDES = Path(__file__).resolve().parent / "form_templates"


class BilingualFormRenderer(DjangoTemplates):
    @cached_property
    def engine(self) -> Any:
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [OVERRIDES, Path(django.forms.__file__).resolve().parent / "templates"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
