"""Entry forms on the register pages: one Django form per register, each saved through its
``programmes.actions`` function with the acting user (scope check, validation, history there).

The choices of institutions and divisions are what the one scoping function lets the user see;
a posted value outside them is refused by the view with 403 (:meth:`EntryForm.out_of_scope`).
The model's own ``clean`` runs while the form validates, so its refusal shows on its field.
Uniqueness is not checked by the form: the actions upsert on each register's natural key, so
adding a row that exists updates it (the same as an import or the API).
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from eduplan.accounts.scoping import User
from eduplan.registers.forms import EntryForm, scoped_divisions, scoped_institutions
from eduplan.registry.choices import DivisionLevel, InstitutionKind, Ownership

from . import actions
from .models import (
    SPENDING_STAGES,
    CountyCertification,
    CountyEducationSpending,
    DemonstrationArea,
    Designation,
    ParentCommittee,
    QualityEvaluation,
    ResidentialProject,
    SchoolGroup,
    SchoolGroupActivity,
    SchoolGroupMember,
    StandardisationProject,
    SubsidyDisbursement,
    SubsidyStandard,
    TeachingPointStandard,
    TrusteeshipSupport,
    VolunteerDuty,
)

HS = (InstitutionKind.HIGH_SCHOOL,)
KG = (InstitutionKind.KINDERGARTEN,)


# -- standardisation (一校一案) ------------------------------------------------------------------------


class ProjectForm(EntryForm):
    key_fields = ("institution", "title")

    class Meta:
        model = StandardisationProject
        fields = ["institution", "title", "scope", "budget", "starts_on", "ends_on", "stage", "completion"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, HS)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_project(
            d["institution"],
            title=d["title"],
            user=user,
            **self.values("scope", "budget", "starts_on", "ends_on", "stage", "completion"),
        )


# -- designations ----------------------------------------------------------------------------------


class DesignationForm(EntryForm):
    key_fields = ("institution", "kind", "subject")

    class Meta:
        model = Designation
        fields = ["institution", "kind", "subject", "level", "designated_on", "revoked_on", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, HS + KG)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.designate(
            d["institution"],
            d["kind"],
            subject=d["subject"] or "",
            designated_on=d["designated_on"],
            user=user,
            **self.values("level", "revoked_on", "document"),
        )


class AreaForm(EntryForm):
    key_fields = ("division",)

    class Meta:
        model = DemonstrationArea
        fields = ["division", "level", "designated_on", "revoked_on", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_divisions(self.user, (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.designate_area(
            d["division"],
            designated_on=d["designated_on"],
            user=user,
            **self.values("level", "revoked_on", "document"),
        )


# -- school groups (集团化办学) -------------------------------------------------------------------------


class GroupForm(EntryForm):
    key_fields = ("lead",)

    class Meta:
        model = SchoolGroup
        fields = [
            "lead",
            "name",
            "kind",
            "partner",
            "started_on",
            "ended_on",
            "joint_plan",
            "joint_plan_adopted_on",
        ]

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.create_group(
            d["lead"],
            name=d["name"],
            started_on=d["started_on"],
            user=user,
            joint_plan=d.get("joint_plan") or "",
            **self.values("kind", "partner", "ended_on", "joint_plan_adopted_on"),
        )


class MemberForm(EntryForm):
    key_fields = ("lead", "member")

    class Meta:
        model = SchoolGroupMember
        fields = ["lead", "member", "joined_on", "left_on"]

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.add_group_member(
            d["lead"], d["member"], joined_on=d["joined_on"], left_on=d["left_on"], user=user
        )


# -- subsidies to inclusive private kindergartens --------------------------------------------------


class StandardForm(EntryForm):
    key_fields = ("county", "school_year")

    class Meta:
        model = SubsidyStandard
        fields = ["county", "school_year", "per_child", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_divisions(self.user, (DivisionLevel.COUNTY,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.set_subsidy_standard(
            d["county"], d["school_year"], d["per_child"], document=d["document"] or "", user=user
        )


class DisbursementForm(EntryForm):
    """A year's subsidy to an inclusive private kindergarten; editing it records the payment."""

    key_fields = ("institution", "school_year")

    class Meta:
        model = SubsidyDisbursement
        fields = ["institution", "school_year", "children", "due_on", "paid_amount", "paid_on"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, KG, inclusive=True).exclude(ownership=Ownership.PUBLIC)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_disbursement(
            d["institution"],
            d["school_year"],
            children=d["children"],
            due_on=d["due_on"],
            paid_amount=d["paid_amount"] or 0,
            paid_on=d["paid_on"],
            user=user,
        )


# -- parent committees and volunteers --------------------------------------------------------------


class CommitteeForm(EntryForm):
    key_fields = ("institution", "established_on")

    class Meta:
        model = ParentCommittee
        fields = ["institution", "established_on", "members", "dissolved_on"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, KG)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.establish_committee(
            d["institution"],
            established_on=d["established_on"],
            members=d["members"],
            dissolved_on=d["dissolved_on"],
            user=user,
        )


class DutyForm(EntryForm):
    key_fields = ("institution", "on", "duty")

    class Meta:
        model = VolunteerDuty
        fields = ["institution", "on", "duty", "volunteers"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, KG)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_volunteer_duty(
            d["institution"], on=d["on"], duty=d["duty"], volunteers=d["volunteers"], user=user
        )


# -- incentives ------------------------------------------------------------------------------------


class CertificationForm(EntryForm):
    """The city certifies counties (普及普惠县): only city officers record it."""

    key_fields = ("county", "kind")
    capability = "may_certify_counties"

    class Meta:
        model = CountyCertification
        fields = ["county", "kind", "certified_on", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_divisions(self.user, (DivisionLevel.COUNTY,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.certify_county(
            d["county"],
            kind=d["kind"],
            certified_on=d["certified_on"],
            document=d["document"] or "",
            user=user,
        )


class SpendingForm(EntryForm):
    """A county's education spending of one budget year (决算), by its county's officers."""

    key_fields = ("county", "year")

    class Meta:
        model = CountyEducationSpending
        fields = [
            "county",
            "year",
            "general_budget",
            "per_pupil_preschool",
            "per_pupil_primary",
            "per_pupil_junior",
            "per_pupil_high",
            "document",
        ]

    def choices(self, name: str) -> QuerySet:
        return scoped_divisions(self.user, (DivisionLevel.COUNTY,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        fields = self.values("general_budget", *SPENDING_STAGES)
        return actions.record_education_spending(
            d["county"], year=d["year"], document=d["document"] or "", user=user, **fields
        )


class TeachingPointStandardForm(EntryForm):
    """A county's own 办园点 standard, dated: a new date is a new version."""

    key_fields = ("county", "effective_on")

    class Meta:
        model = TeachingPointStandard
        fields = [
            "county",
            "effective_on",
            "min_seats",
            "min_classes",
            "min_teachers_per_class",
            "min_certified_share",
            "safety_items",
            "document",
        ]

    def choices(self, name: str) -> QuerySet:
        return scoped_divisions(self.user, (DivisionLevel.COUNTY,))

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        fields = self.values("min_seats", "min_classes", "min_teachers_per_class", "min_certified_share")
        return actions.set_teaching_point_standard(
            d["county"],
            effective_on=d["effective_on"],
            safety_items=d["safety_items"] or "",
            document=d["document"] or "",
            user=user,
            **fields,
        )


class QualityEvaluationForm(EntryForm):
    key_fields = ("institution", "evaluated_on")

    class Meta:
        model = QualityEvaluation
        fields = ["institution", "evaluated_on", "result", "evaluator", "evidence"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, KG)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_quality_evaluation(
            d["institution"],
            evaluated_on=d["evaluated_on"],
            result=d["result"],
            evaluator=d["evaluator"] or "",
            evidence=d["evidence"],
            user=user,
        )


class GroupActivityForm(EntryForm):
    key_fields = ("lead", "member", "held_on", "title")

    class Meta:
        model = SchoolGroupActivity
        fields = ["lead", "member", "held_on", "kind", "title", "evidence"]

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_group_activity(
            d["lead"],
            d["member"],
            held_on=d["held_on"],
            title=d["title"],
            kind=d["kind"],
            evidence=d["evidence"],
            user=user,
        )


class TrusteeshipSupportForm(EntryForm):
    key_fields = ("institution", "channel", "started_on")

    class Meta:
        model = TrusteeshipSupport
        fields = ["institution", "channel", "supporter", "started_on", "ended_on", "evidence"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, HS)

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_trusteeship_support(
            d["institution"],
            channel=d["channel"],
            started_on=d["started_on"],
            supporter=d["supporter"],
            ended_on=d["ended_on"],
            evidence=d["evidence"],
            user=user,
        )


class ResidentialProjectForm(EntryForm):
    key_fields = ("institution", "name")

    class Meta:
        model = ResidentialProject
        fields = ["institution", "name", "planned_on", "approved_on", "built_on", "delivered_on", "document"]

    def choices(self, name: str) -> QuerySet:
        return scoped_institutions(self.user, KG)  # the model refuses one not marked residential supporting

    def save_with(self, user: User | None) -> Model:
        d = self.cleaned_data
        return actions.record_residential_project(
            d["institution"],
            name=d["name"],
            document=d["document"] or "",
            user=user,
            **self.values("planned_on", "approved_on", "built_on", "delivered_on"),
        )


#: register key (``kinds.Kind.key``) → its entry form
FORMS: dict[str, type[EntryForm]] = {
    "hs_projects": ProjectForm,
    "designations": DesignationForm,
    "demo_areas": AreaForm,
    "school_groups": GroupForm,
    "group_members": MemberForm,
    "subsidy_standards": StandardForm,
    "subsidies": DisbursementForm,
    "parent_committees": CommitteeForm,
    "volunteer_duties": DutyForm,
    "certifications": CertificationForm,
    "education_spending": SpendingForm,
    "teaching_point_standards": TeachingPointStandardForm,
    "quality_evaluations": QualityEvaluationForm,
    "group_activities": GroupActivityForm,
    "trusteeship_channels": TrusteeshipSupportForm,
    "residential_projects": ResidentialProjectForm,
}
