"""What the dated registers' models (programmes, duties) declare alike: the constraint that a
period does not end before it starts, the refusal of an institution of the wrong kind, and the
school-year field. The same refusal then reads the same in every register, from the page, the API,
an import and a test (``clean``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from eduplan.accounts.scoping import Scope

if TYPE_CHECKING:
    from eduplan.registry.models import Institution


def dates_ordered(start: str, end: str, name: str) -> models.CheckConstraint:
    """The database refuses a row whose ``end`` date (when set) is before its ``start``."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}), name=name
    )


def kind_error(
    inst: Institution | None, kinds: tuple[str, ...], zh: str, en: str, field: str = "institution"
) -> dict[str, str]:
    """``{field: message}`` when ``inst`` is set and is not one of ``kinds`` (named ``zh``/``en``
    in the message), else nothing: to merge into the errors a ``clean`` raises."""
    if inst is not None and inst.kind not in kinds:
        return {field: f"应为{zh} / must be a {en}"}
    return {}


def school_year_field() -> models.PositiveSmallIntegerField:
    """A school year by its starting year."""
    return models.PositiveSmallIntegerField(
        "学年(起始年) school year starting", validators=[MinValueValidator(1949)]
    )


class DatedRegister(models.Model):
    """Base of the dated registers' models (programmes, duties): a full history of every row
    (django-simple-history, one historical model per register, as if each declared its own) and a
    declared ``SCOPE`` (``accounts.scoping``)."""

    SCOPE: ClassVar[Scope]

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
