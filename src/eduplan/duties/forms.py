"""Entry forms on the duty register pages, on the programme registers' base form (scoped choices,
natural key fixed on edit, a posted parent outside the user's scope refused with 403); each saves
through its ``duties.actions`` function with the acting user."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from eduplan.accounts.scoping import User, scope
from eduplan.registers.forms import EntryForm, scoped_institutions
from eduplan.registry.choices import DivisionLevel, InstitutionKind, Ownership
from eduplan.registry.models import Division, Institution

from . import actions
from .models import (
    ClassroomPairing,
    GuidanceVisit,
    NonProfitAccounts,
    PartyCoverage,
    PublicRegistration,
    TalentOutflow,
    TeacherPay,
    TrusteeshipFee,
)

KG = InstitutionKind.KINDERGARTEN
HS = InstitutionKind.HIGH_SCHOOL


class PartyForm(EntryForm):
    key_fields = ("institution", "established_on")

    class Meta:
        model = PartyCoverage
        fields = ["institution", "form", "organisation", "established_on", "ended_on", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (KG,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_party_coverage(
            d["institution"],
            established_on=d["established_on"],
            user=user,
            **self.values("form", "organisation", "ended_on", "document"),
        )


class RegistrationForm(EntryForm):
    key_fields = ("institution", "registered_on")

    class Meta:
        model = PublicRegistration
        fields = ["institution", "credit_code", "registered_on", "valid_until"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (KG,), is_central=True, ownership=Ownership.PUBLIC)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.register_public_institution(
            d["institution"],
            registered_on=d["registered_on"],
            credit_code=d["credit_code"],
            valid_until=d["valid_until"],
            user=user,
        )


class GuidanceForm(EntryForm):
    key_fields = ("institution", "on", "guide_kind")

    class Meta:
        model = GuidanceVisit
        fields = ["institution", "on", "guide_kind", "guide", "topic"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (KG,))

    def scoped_fields(self) -> list[str]:
        return ["institution"]  # the guiding kindergarten may be another county's

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_guidance_visit(
            d["institution"],
            on=d["on"],
            guide_kind=d["guide_kind"],
            topic=d["topic"],
            guide=d["guide"],
            user=user,
        )


class AccountsForm(EntryForm):
    key_fields = ("institution", "school_year")

    class Meta:
        model = NonProfitAccounts
        fields = [
            "institution",
            "school_year",
            "audited_on",
            "audit_report",
            "surplus",
            "distributed",
            "fee_account_bank",
            "fee_account_last4",
            "fee_account_filed_on",
        ]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (KG,), ownership=Ownership.PRIVATE_NONPROFIT)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_nonprofit_accounts(
            d["institution"],
            d["school_year"],
            user=user,
            **self.values(
                "audited_on",
                "audit_report",
                "surplus",
                "distributed",
                "fee_account_bank",
                "fee_account_last4",
                "fee_account_filed_on",
            ),
        )


class ClassroomForm(EntryForm):
    key_fields = ("provider", "receiver", "mode", "school_year")

    class Meta:
        model = ClassroomPairing
        fields = ["provider", "receiver", "mode", "school_year", "sessions"]

    def choices(self, name: str) -> QuerySet:
        if name == "provider":  # the providing school may be in the city district, outside the county
            return Institution.objects.filter(kind=HS).order_by("code")
        return scoped_institutions(self.user, (HS,))

    def scoped_fields(self) -> list[str]:
        return ["receiver"]

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_classroom_pairing(
            d["provider"],
            d["receiver"],
            mode=d["mode"],
            school_year=d["school_year"],
            sessions=d["sessions"],
            user=user,
        )


class FeeForm(EntryForm):
    key_fields = ("institution", "voucher")

    class Meta:
        model = TrusteeshipFee
        fields = ["institution", "payee", "paid_on", "amount", "purpose", "description", "voucher"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (HS,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_trusteeship_fee(
            d["institution"],
            voucher=d["voucher"],
            user=user,
            **self.values("payee", "paid_on", "amount", "purpose", "description"),
        )


class OutflowForm(EntryForm):
    key_fields = ("county", "year")

    class Meta:
        model = TalentOutflow
        fields = [
            "county",
            "year",
            "top_candidates",
            "top_admitted_outside",
            "hs_teachers",
            "teachers_to_city",
        ]

    def choices(self, name: str) -> QuerySet:
        return scope(self.user, Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code"))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_talent_outflow(
            d["county"],
            d["year"],
            user=user,
            **self.values("top_candidates", "top_admitted_outside", "hs_teachers", "teachers_to_city"),
        )


class PayForm(EntryForm):
    key_fields = ("institution", "school_year")

    class Meta:
        model = TeacherPay
        fields = ["institution", "school_year", "teachers", "average_monthly"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, (KG,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_teacher_pay(
            d["institution"],
            d["school_year"],
            teachers=d["teachers"],
            average_monthly=d["average_monthly"],
            user=user,
        )


#: register key (``kinds.Kind.key``) → its entry form
FORMS: dict[str, type[EntryForm]] = {
    "party_coverage": PartyForm,
    "public_registration": RegistrationForm,
    "guidance_visits": GuidanceForm,
    "nonprofit_accounts": AccountsForm,
    "classroom_pairings": ClassroomForm,
    "trusteeship_fees": FeeForm,
    "talent_outflow": OutflowForm,
    "teacher_pay": PayForm,
}
