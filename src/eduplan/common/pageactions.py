"""Running a workflow action from a page (supervision, plan tasks): a refusal — an illegal
transition, a permission, a validation error — comes back as a message on the page in Chinese and
English, never as a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from eduplan.common.workflow import TransitionError


def run_action(
    request: HttpRequest,
    fn: Callable[..., Any],
    *args: Any,
    ok: str = "",
    refusals: tuple[type[Exception], ...] = (),
    **kwargs: Any,
) -> Any:
    """Run one action: its result (``True`` for ``None``) with ``ok`` as a success message, or
    ``None`` with the refusal as error messages. ``refusals`` are further exception types whose
    text is meant for the user (a bad month, a missing plan file)."""
    shown: tuple[type[Exception], ...] = (PermissionDenied, TransitionError, *refusals)
    try:
        result = fn(*args, **kwargs)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return None
    except shown as exc:
        messages.error(request, str(exc))
        return None
    if ok:
        messages.success(request, ok)
    return result if result is not None else True
