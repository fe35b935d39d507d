"""The entry form of every register page (programmes, duties): the choices of institutions and
divisions are what the one scoping function lets the user see, and a posted value outside them is
refused by the view with 403 (:meth:`EntryForm.out_of_scope`); the natural key is fixed when a row is
edited; each register's form saves through its app's action with the acting user (scope check,
validation, history there). The model's own ``clean`` runs while the form validates, so its refusal
shows on its field. Uniqueness is not checked by the form: the actions upsert on each register's
natural key, so adding a row that exists updates it (the same as an import or the API).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, can_add, model_scope, scope
from eduplan.registry.models import Division, Institution

OUT_OF_SCOPE = _("无权为该学校或区划录入 / you may not record data for that institution or division")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kw)


def scoped_institutions(user: User | None, kinds: tuple[str, ...] = (), **filters: Any) -> QuerySet:
    """The institutions (of ``kinds``, matching ``filters``) the user sees, by code: a form's choices."""
    qs = Institution.objects.filter(**filters).order_by("code")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return scope(user, qs)


def scoped_divisions(user: User | None, levels: tuple[str, ...]) -> QuerySet:
    """The divisions of ``levels`` the user sees, by code: a form's choices."""
    return scope(user, Division.objects.filter(level__in=levels).order_by("code"))


class EntryForm(forms.ModelForm):
    """Base: scoped choices, natural key fixed on edit, saved through an action."""

    #: fields naming the row (the action's upsert key): read-only when editing a row
    key_fields: ClassVar[tuple[str, ...]] = ()
    #: who may use the form beyond the scoping function (``None``: whoever may write the model)
    capability: ClassVar[str | None] = None

    def __init__(self, *args: Any, user: User | None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = self.choices(name)
                field.label_from_instance = lambda obj: f"{obj.code} {obj.name}"  # type: ignore[method-assign]
        if self.instance.pk is not None:
            for name in self.key_fields:
                self.fields[name].disabled = True

    # -- scope ------------------------------------------------------------------------------
    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user)

    def scoped_fields(self) -> list[str]:
        return [n for n, f in self.fields.items() if isinstance(f, forms.ModelChoiceField)]

    def out_of_scope(self) -> bool:
        """A posted institution/division the user may not pick (another county's): the view
        answers 403 rather than a form error, and nothing is written."""
        if not self.is_bound:
            return False
        for name in self.scoped_fields():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            if field.disabled:
                continue
            raw = self.data.get(self.add_prefix(name))
            if not raw or not str(raw).isdigit():
                continue
            choices = field.queryset
            if choices is None:
                continue
            if choices.model._default_manager.filter(pk=raw).exists() and not choices.filter(pk=raw).exists():
                return True
        return False

    @classmethod
    def may_write(cls, user: User | None) -> bool:
        """May the user record anything on this register? The role (viewers and supervisors
        never), then :func:`can_add` on a row hanging from the first parent the user may pick."""
        if user is None or not user.is_authenticated:
            return False
        if cls.capability is not None and not permissions.has(user, cls.capability):
            return False
        model = cls._meta.model
        probe = cls(user=user)
        spec = model_scope(model)
        link = spec.institution[0] if spec.institution else spec.county.split("__")[0]
        choice = probe.fields[link]
        assert isinstance(choice, forms.ModelChoiceField)
        parent = choice.queryset.first() if choice.queryset is not None else None
        return parent is not None and can_add(user, model(**{link: parent}))

    # -- validation -------------------------------------------------------------------------
    def validate_unique(self) -> None:  # the actions upsert on the natural key
        pass

    def validate_constraints(self) -> None:  # model ``clean`` and the action's full_clean check
        pass

    def attach(self, error: ValidationError) -> None:
        """Put a refusal raised by the action on its field (or on the form)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = name if name in self.fields and name != NON_FIELD_ERRORS else None
                for e in errors:
                    self.add_error(field, e)
        else:
            self.add_error(None, error)

    def save_with(self, user: User | None) -> Model:  # pragma: no cover - each subclass
        raise NotImplementedError

    def values(self, *names: str) -> dict[str, Any]:
        return {n: self.cleaned_data.get(n) for n in names}
