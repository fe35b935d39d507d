"""``eduplan check --system --deploy``: the keys, beside Django's own deployment checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from .keys import unsafe_reasons


@register(Tags.security, deploy=True)
def check_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    reasons = unsafe_reasons(settings.SECRET_KEY, settings.ID_HASH_KEY, settings.ID_HASH_KEY_GIVEN)
    return [
        Error(f"{zh} / {en}", hint="docs/security.md", id=f"eduplan.security.E00{i}")
        for i, (zh, en) in enumerate(reasons, start=1)
    ]


@register(Tags.security, deploy=True)
def check_csp(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    policy = settings.CONTENT_SECURITY_POLICY
    script = next((p for p in policy.split(";") if p.strip().startswith("script-src")), "")
    if not policy or "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        return [
            Error(
                "内容安全策略缺失或允许内联脚本 / the Content-Security-Policy is missing or allows inline script",
                hint="EDUPLAN_CSP (docs/security.md)",
                id="eduplan.security.E010",
            )
        ]
    return []
