"""The edit audit for records without a history of their own (classes): who changed what, when and
why, whichever channel made the change — a page, the API, an import — because the one save path
(:mod:`eduplan.common.saving`) writes it. Records with django-simple-history are audited by their
history (user and reason on every version)."""

from __future__ import annotations

from typing import Any

from django.db import models

from eduplan.accounts.scoping import User, model_scope
from eduplan.registry.models import Institution, SchoolClass

from .models import RecordEdit

#: A change as the history shows it: [field label, old, new].
Change = list[str]


def has_history(model: type[models.Model]) -> bool:
    return hasattr(model, "history")


def _field(model: type[models.Model], name: str) -> Any:
    """A concrete field of ``model`` (typed loosely: only concrete fields are looked up here)."""
    return model._meta.get_field(name)


def display_value(model: type[models.Model], name: str, value: Any) -> str:
    """A field's value as a reader sees it: choices by label, booleans as 是/否, empty as —."""
    f = _field(model, name)
    if value is None or (value == "" and not f.choices):
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def field_changes(model: type[models.Model], before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields of ``after`` whose value differs from ``before``, labelled and displayed."""
    return [
        [
            str(_field(model, n).verbose_name),
            display_value(model, n, before.get(n)),
            display_value(model, n, v),
        ]
        for n, v in after.items()
        if before.get(n) != v
    ]


def record_label(obj: models.Model) -> str:
    if isinstance(obj, SchoolClass):
        return f"班级 {obj.school_year}–{obj.school_year + 1} {obj.name}"
    return str(obj)


def audited_fields(model: type[models.Model]) -> list[str]:
    """The fields an audit entry compares: editable concrete fields, not the key or the owner."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not isinstance(f, models.ForeignKey)
    ]


def values_of(obj: models.Model) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in audited_fields(type(obj))}


def owning_institution(obj: models.Model) -> Institution | None:
    """The institution the row belongs to (through its ``SCOPE``), if any."""
    try:
        paths = model_scope(type(obj)).institution
    except TypeError:  # a model shown to nobody (no SCOPE) belongs to no institution
        return None
    if not paths or paths[0] == "pk":
        return obj if isinstance(obj, Institution) else None
    target: Any = obj
    for part in paths[0].split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target if isinstance(target, Institution) else None


def write_audit(obj: models.Model, before: dict[str, Any] | None, user: User | None, reason: str) -> None:
    """A :class:`RecordEdit` for ``obj`` just saved (``before``: its values before, ``None`` for a
    new row), when it keeps no history of its own and belongs to an institution; a save that
    changed nothing leaves no entry."""
    model = type(obj)
    if has_history(model):
        return
    institution = owning_institution(obj)
    if institution is None:
        return
    after = values_of(obj)
    if before is None:
        changes = field_changes(model, {}, {n: v for n, v in after.items() if v not in (None, "")})
    else:
        changes = field_changes(model, before, after)
        if not changes:
            return
    author: Any = user if getattr(user, "is_authenticated", False) else None
    RecordEdit.objects.create(
        institution=institution,
        model=model.__name__,
        object_id=obj.pk,
        label=record_label(obj)[:120],
        action="add" if before is None else "change",
        user=author,
        reason=reason[:200],
        changes=changes,
    )
