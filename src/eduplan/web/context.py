"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_noop

from eduplan.registry.models import Institution

from .templatetags.bilingual import english

#: Shown on every page of a demo; English pages show its catalogue translation.
DEMO_LABEL = gettext_noop(
    "演示数据：本系统中的学校、幼儿园、人口与人员均为合成数据 · Demo data: all institutions, population and staff shown are synthetic"
)


def demo_label(request: HttpRequest) -> dict[str, object]:
    """Demo data is labelled synthetic everywhere it shows; ``english`` tells a template that the
    page is English (English glosses beside Chinese are then left out)."""
    synthetic = Institution.objects.filter(synthetic=True).exists()
    return {"demo_label": DEMO_LABEL if synthetic else "", "english": english()}
