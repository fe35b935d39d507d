"""Edit forms for an institution's record (issue 6): its own fields, its rename, and its classes,
staff, safety records and fee standards.

Every write goes through :mod:`eduplan.registry.actions` with the user and the reason they typed, so
scope checks, validation and history are the same as for an import or the API. Who may write is the
one scoping function's answer (``can_change`` / ``can_add``): city and county officers within their
division, principals for the records ``registry_scopes()`` lets them write (classes, staff, safety,
fees), nobody else.

Optimistic concurrency: a form carries a fingerprint of the record as it was when opened; if the
record has changed since, the edit is refused rather than silently overwriting the other change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplan.accounts.scoping import can_add, can_change
from eduplan.common.audit import display_value
from eduplan.common.models import RecordEdit
from eduplan.registry import actions, identity
from eduplan.registry.models import FeeStandard, Institution, SafetyRecord, SchoolClass, StaffMember

STALE = _(
    "此记录在您打开表单后已被修改，为免覆盖他人的修改，本次未保存。请重新打开表单后再改。"
    " / This record was changed after you opened the form; your edit was not saved so as not to "
    "overwrite that change. Reopen the form and make your edit again."
)
NOTHING = _("没有任何修改 / nothing was changed")


# ---------------------------------------------------------------------------------- fingerprints


def fingerprint(obj: models.Model) -> str:
    """A digest of the record's stored values: changes whenever any field changes."""
    values = {f.attname: f.value_to_string(obj) for f in obj._meta.concrete_fields}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


# ------------------------------------------------------------------------------------- forms


class NoEchoInput(forms.TextInput):
    """An input whose value is never written back into the page (identity numbers)."""

    def format_value(self, value: Any) -> None:
        return None


class EditForm(forms.ModelForm):
    """A model form with the two fields every edit needs: the reason and the fingerprint."""

    reason = forms.CharField(
        label=_("修改原因 reason"),
        max_length=200,
        help_text=_("必填：为什么修改，将记入变更历史 / required: why, kept in the history"),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


def _field(model: type[models.Model], name: str) -> Any:
    """A model field (typed loosely: only concrete fields are looked up here)."""
    return model._meta.get_field(name)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _form_class(model: type[models.Model], fields: tuple[str, ...]) -> type[EditForm]:
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": _date_widgets(model, fields)})
    return type(f"{model.__name__}EditForm", (EditForm,), {"Meta": meta})


def _date_widgets(model: type[models.Model], fields: tuple[str, ...]) -> dict[str, forms.Widget]:
    return {
        name: DATE
        for name in fields
        if isinstance(_field(model, name), models.DateField)
        and not isinstance(_field(model, name), models.DateTimeField)
    }


INSTITUTION_FIELDS = (
    "kind",
    "ownership",
    "sponsor",
    "inclusive",
    "inclusive_since",
    "address",
    "telephone",
    "seats",
    "licence_status",
    "grade",
    "grade_year",
    "service_type",
    "rating",
    "is_county_high_school",
    "network_connected",
    "is_demonstration",
    "established_on",
    "closed_on",
)
#: Every data field of a class but its institution (the page it is edited from).
CLASS_FIELDS = tuple(
    f.name
    for f in SchoolClass._meta.concrete_fields
    if f.editable and not f.primary_key and f.name != "institution"
)
STAFF_FIELDS = (
    "name",
    "sex",
    "role",
    "certificate",
    "employment",
    "is_full_time",
    "social_insurance",
    "housing_fund",
    "training_hours",
    "start_date",
    "end_date",
    "change_filed_on",
)
SAFETY_FIELDS = (
    "checked_on",
    "full_time_guard",
    "closed_management",
    "one_key_alarm",
    "video_linked_police",
    "anti_collision",
)
FEE_FIELDS = ("monthly_fee", "effective_on", "filed_on", "contracted_ceiling")


class StaffAddForm(_form_class(StaffMember, STAFF_FIELDS)):  # type: ignore[misc]
    identity_number = forms.CharField(
        label=_("身份证号 identity number"),
        max_length=18,
        widget=NoEchoInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=_("只保存加密摘要和后四位，不会再显示 / only a keyed hash and the last 4 are kept"),
    )

    field_order = ("identity_number",)

    def clean_identity_number(self) -> str:
        try:
            return identity.validate(self.cleaned_data["identity_number"])
        except identity.IdentityNumberError as exc:
            raise ValidationError(str(exc)) from exc


class RenameForm(forms.Form):
    new_name = forms.CharField(label=_("新名称 new name"), max_length=100)
    changed_on = forms.DateField(label=_("更名日期 changed on"), widget=DATE)
    reason = EditForm.base_fields["reason"]
    version = forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass(frozen=True)
class Kind:
    """One kind of record an institution page can edit."""

    slug: str
    model: type[models.Model]
    title: str
    form: type[forms.ModelForm]
    add_form: type[forms.ModelForm] | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)


KINDS: dict[str, Kind] = {
    "classes": Kind(
        "classes", SchoolClass, "班级", _form_class(SchoolClass, CLASS_FIELDS), None, CLASS_FIELDS
    ),
    "staff": Kind(
        "staff", StaffMember, "教职工", _form_class(StaffMember, STAFF_FIELDS), StaffAddForm, STAFF_FIELDS
    ),
    "safety": Kind(
        "safety", SafetyRecord, "安全检查记录", _form_class(SafetyRecord, SAFETY_FIELDS), None, SAFETY_FIELDS
    ),
    "fees": Kind("fees", FeeStandard, "收费标准", _form_class(FeeStandard, FEE_FIELDS), None, FEE_FIELDS),
}
INSTITUTION_FORM = _form_class(Institution, INSTITUTION_FIELDS)


# ------------------------------------------------------------------------------------ permissions


def may_edit_institution(user: Any, inst: Institution) -> bool:
    return can_change(user, inst)


def may_add(user: Any, inst: Institution, kind: Kind) -> bool:
    return can_add(user, kind.model(institution=inst))


def edit_permissions(user: Any, inst: Institution) -> dict[str, bool]:
    """What the institution page offers this user (no button for what would be refused)."""
    return {
        "institution": may_edit_institution(user, inst),
        **{slug: may_add(user, inst, kind) for slug, kind in KINDS.items()},
    }


# ------------------------------------------------------------------------------------- editing


@dataclass
class Outcome:
    """What a submitted form did: ``saved`` or not, with the bound form to show again if not."""

    saved: bool
    form: forms.BaseForm
    stale: bool = False


def _apply(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put an action's validation errors on the fields they name (others on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def edit_institution(user: Any, inst: Institution, data: dict[str, Any] | None) -> Outcome:
    """Show (``data`` None) or apply the form of the institution's own fields."""
    if not may_edit_institution(user, inst):
        raise PermissionDenied("无权修改此机构 / you may not change this institution")
    if data is None:
        return Outcome(False, INSTITUTION_FORM(instance=inst, initial={"version": fingerprint(inst)}))
    return _save_existing(user, inst, inst, INSTITUTION_FORM(data, instance=_copy(inst)))


def edit_record(
    user: Any, inst: Institution, kind: Kind, pk: int | None, data: dict[str, Any] | None
) -> Outcome:
    """Show or apply the add form (``pk`` None) or the edit form of one class, staff member,
    safety record or fee standard of ``inst``."""
    if pk is None:
        if not may_add(user, inst, kind):
            raise PermissionDenied("无权在此机构新增记录 / you may not add records to this institution")
        form_class = kind.add_form or kind.form
        if data is None:
            return Outcome(False, form_class(initial=_add_initial(kind)))
        return _save_new(user, inst, kind, form_class(data, instance=kind.model(institution=inst)))
    obj = kind.model._default_manager.filter(pk=pk, institution=inst).first()
    if obj is None:
        raise ObjectDoesNotExist(f"{kind.slug} {pk}")
    if not can_change(user, obj):
        raise PermissionDenied("无权修改此记录 / you may not change this record")
    if data is None:
        return Outcome(False, kind.form(instance=obj, initial={"version": fingerprint(obj)}))
    return _save_existing(user, inst, obj, kind.form(data, instance=_copy(obj)))


def _copy(obj: models.Model) -> models.Model:
    """A fresh copy for the form to bind to (form validation mutates its instance)."""
    return type(obj)._default_manager.get(pk=obj.pk)


def _add_initial(kind: Kind) -> dict[str, Any]:
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    initial: dict[str, dict[str, Any]] = {
        "classes": {"school_year": school_year},
        "safety": {"checked_on": today},
        "fees": {"effective_on": today},
        "staff": {"start_date": today},
    }
    return initial.get(kind.slug, {})


def _save_existing(user: Any, inst: Institution, obj: models.Model, form: forms.ModelForm) -> Outcome:
    if not form.is_valid():
        return Outcome(False, form)
    names = [n for n in form.changed_data if n not in ("reason", "version")]
    try:
        with transaction.atomic():
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            if fingerprint(current) != form.cleaned_data.get("version"):
                form.add_error(None, STALE)
                return Outcome(False, form, stale=True)
            if not names:
                form.add_error(None, NOTHING)
                return Outcome(False, form)
            after = {n: form.cleaned_data[n] for n in names}
            reason = form.cleaned_data["reason"]
            actions.update_fields(current, after, user=user, reason=reason)  # audited by the save path
    except ValidationError as exc:
        _apply(form, exc)
        return Outcome(False, form)
    return Outcome(True, form)


def _save_new(user: Any, inst: Institution, kind: Kind, form: forms.ModelForm) -> Outcome:
    if not form.is_valid():
        return Outcome(False, form)
    fields = {n: form.cleaned_data[n] for n in kind.fields}
    reason = form.cleaned_data["reason"]
    obj = kind.model(institution=inst, **fields)
    if kind.slug == "staff":
        number = form.cleaned_data["identity_number"]
        obj.id_hash = identity.hash_number(number)  # type: ignore[attr-defined]
        obj.id_last4 = identity.last4(number)  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            actions.save_validated(obj, user=user, reason=reason)  # audited by the save path
    except ValidationError as exc:
        _apply(form, exc)
        return Outcome(False, form)
    return Outcome(True, form)


def rename(user: Any, inst: Institution, data: dict[str, Any] | None) -> Outcome:
    """The rename action (NameChange), never a plain edit of the name."""
    if not may_edit_institution(user, inst):
        raise PermissionDenied("无权修改此机构 / you may not change this institution")
    if data is None:
        return Outcome(
            False,
            RenameForm(
                initial={
                    "new_name": inst.name,
                    "changed_on": timezone.localdate(),
                    "version": fingerprint(inst),
                }
            ),
        )
    form = RenameForm(data)
    if not form.is_valid():
        return Outcome(False, form)
    new_name = form.cleaned_data["new_name"].strip()
    try:
        with transaction.atomic():
            current = Institution.objects.select_for_update().get(pk=inst.pk)
            if fingerprint(current) != form.cleaned_data.get("version"):
                form.add_error(None, STALE)
                return Outcome(False, form, stale=True)
            if new_name == current.name:
                form.add_error("new_name", NOTHING)
                return Outcome(False, form)
            actions.rename_institution(
                current,
                new_name,
                on=form.cleaned_data["changed_on"],
                reason=form.cleaned_data["reason"],
                user=user,
            )
    except ValidationError as exc:
        _apply(form, exc)
        return Outcome(False, form)
    return Outcome(True, form)


# ------------------------------------------------------------------------------------- history


HISTORY_TYPES = {"+": "新增 added", "~": "修改 changed", "-": "删除 deleted"}


def _history_entries(model: type[models.Model], rows: list[Any], label: Any) -> list[dict[str, Any]]:
    """Entries of django-simple-history rows, each diffed against the previous one of its record."""
    tracked = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in ("id", "id_hash") and not f.name.startswith("history")
    ]
    out = []
    previous: dict[int, Any] = {}
    for h in sorted(rows, key=lambda h: (h.history_date, h.history_id)):
        before = previous.get(h.id)
        changes = []
        if before is not None:
            for name in tracked:
                attname = _field(model, name).attname
                old, new = getattr(before, attname, None), getattr(h, attname, None)
                if old != new:
                    changes.append(
                        [
                            str(_field(model, name).verbose_name),
                            _display_history(model, name, old),
                            _display_history(model, name, new),
                        ]
                    )
        previous[h.id] = h
        out.append(
            {
                "at": h.history_date,
                "user": h.history_user,
                "record": label(h),
                "type": HISTORY_TYPES.get(h.history_type, h.history_type),
                "reason": h.history_change_reason or "",
                "changes": changes,
            }
        )
    return out


def _display_history(model: type[models.Model], name: str, value: Any) -> str:
    f = _field(model, name)
    if isinstance(f, models.ForeignKey):
        return "—" if value is None else str(value)
    return display_value(model, name, value)


def change_history(inst: Institution, limit: int = 60) -> list[dict[str, Any]]:
    """Who changed what in the institution's record, when and why: its own history and that of
    its staff, fees and safety records, and the edit log of its classes; newest first."""
    newest = "-history_date"
    entries = _history_entries(
        Institution,
        list(inst.history.select_related("history_user").order_by(newest)[:limit]),
        lambda h: "机构信息 institution",
    )
    for model, title in ((StaffMember, "教职工"), (FeeStandard, "收费标准"), (SafetyRecord, "安全检查")):
        rows = list(
            model.history.filter(institution_id=inst.pk)
            .select_related("history_user")
            .order_by(newest)[:limit]  # type: ignore[attr-defined]
        )
        entries += _history_entries(model, rows, lambda h, t=title, m=model: f"{t} {_history_label(m, h)}")
    for e in RecordEdit.objects.filter(institution=inst).select_related("user")[:limit]:
        entries.append(
            {
                "at": e.at,
                "user": e.user,
                "record": e.label,
                "type": HISTORY_TYPES["+" if e.action == "add" else "~"],
                "reason": e.reason,
                "changes": e.changes,
            }
        )
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


def _history_label(model: type[models.Model], h: Any) -> str:
    if model is StaffMember:
        return f"{h.name} ({identity.mask(h.id_last4)})"
    if model is FeeStandard:
        return f"{h.effective_on}"
    return f"{getattr(h, 'checked_on', '')}"


def page_extras(user: Any, inst: Institution) -> dict[str, Any]:
    """What the institution page adds for editing: the user's permissions and the change history."""
    return {"can_edit": edit_permissions(user, inst), "change_log": change_history(inst)}
