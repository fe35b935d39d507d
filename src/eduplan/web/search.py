"""Finding institutions as Chinese users type: by name, code, or pinyin initials (玉溪一中 → yxyz)."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Q, QuerySet
from pypinyin import Style, lazy_pinyin

from eduplan.registry.models import Institution


@lru_cache(maxsize=200_000)
def initials(name: str) -> str:
    """Pinyin initials of a name, lower case; Latin letters and digits kept as they are."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default") if p).lower()


def search_institutions(queryset: QuerySet[Institution], text: str, limit: int = 200) -> list[Institution]:
    """Name or code substring first; if the text is ASCII letters, also pinyin initials."""
    text = text.strip()
    if not text:
        return list(queryset[:limit])
    direct = list(queryset.filter(Q(name__contains=text) | Q(code__istartswith=text))[:limit])
    if len(direct) >= limit or not text.isascii() or not text.isalpha():
        return direct
    seen = {i.pk for i in direct}
    key = text.lower()
    for inst in queryset.only("pk", "name", "code", "kind", "county", "division", "ownership").iterator():
        if inst.pk not in seen and key in initials(inst.name):
            direct.append(inst)
            if len(direct) >= limit:
                break
    return direct
