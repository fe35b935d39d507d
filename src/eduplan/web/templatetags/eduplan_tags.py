from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ params|get_item:key }}``: a dict value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
