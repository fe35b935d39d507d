"""Staff in post in the latest school year and the recent leavers, with the planted shortfalls,
missing certificates, late filings and missing social insurance."""

from __future__ import annotations

import datetime as dt

from eduplan.plans import standards
from eduplan.registry.choices import InstitutionKind
from eduplan.registry.models import StaffMember

from .. import staffing
from ..calibration import RECENT_CHANGES_FROM
from .records import STAFF_FIELDS, Inst
from .state import CountyState


class StaffStage(CountyState):
    def write_staff(self) -> None:
        """Staff in post in the latest school year (and the recent leavers), with the planted
        shortfalls, missing certificates, late filings and missing social insurance."""
        cal, manifest = self.cal, self.gen.manifest
        latest = self.spec.school_years[-1]
        factory = staffing.PeopleFactory(self.county.code, self.rng, cal)
        kgs = [i for i in self.insts if i.is_kg]
        eligible = [i for i in kgs if len(self.classes_latest.get(i, [])) >= 3]
        short = set(self.pick("kg_staffing_shortfall", eligible))
        for inst in short:
            manifest.add("kg_staffing_shortfall", inst.code)
        people: list[tuple[Inst, staffing.Person]] = []
        for inst in self.insts:
            in_class = self.classes_latest.get(inst, [])
            # Staffed for the children actually in the classes (planted oversize ones included).
            n = sum(r.size for r in in_class) if in_class else inst.children.get(latest, 0)
            k = len(in_class)
            part_time: tuple[str, ...] = ()
            if inst.is_kg:
                posts = staffing.kindergarten_posts(n, k, self.th, shortfall=inst in short)
            elif inst.kind == InstitutionKind.ATTACHED_CLASS:
                posts = staffing.attached_class_posts(n, k, self.th)
                part_time = staffing.ATTACHED_PART_TIME
            else:
                posts = staffing.school_posts(inst.kind, n, cal)
            for person in factory.staff(
                posts,
                preschool=inst.preschool,
                public=inst.public,
                established_on=inst.established_on,
                part_time_roles=part_time,
            ):
                people.append((inst, person))
        in_plan = set(standards.value("plan_scope", "institution_kinds"))
        certified = [
            (i, p)
            for i, p in people
            if p.end_date is None and p.role in staffing.CERTIFIED_ROLES and i.kind in in_plan
        ]
        for inst, person in self.pick("staff_without_certificate", certified):
            person.certificate = ""
            manifest.add("staff_without_certificate", f"{inst.code}/{person.name}", inst.code)
        recent = [
            (i, p)
            for i, p in people
            if p.role in staffing.CERTIFIED_ROLES and p.change_date >= RECENT_CHANGES_FROM
        ]
        lo, hi = cal.late_filing_days
        for inst, person in self.pick("staff_change_filed_late", recent):
            person.change_filed_on = person.change_date + dt.timedelta(
                days=int(self.rng.integers(lo, hi + 1))
            )
            manifest.add("staff_change_filed_late", f"{inst.code}/{person.name}", inst.code)
        in_kg = [(i, p) for i, p in people if i.is_kg and p.end_date is None]
        for inst, person in self.pick("staff_no_social_insurance", in_kg):
            person.social_insurance = False
            manifest.add("staff_no_social_insurance", f"{inst.code}/{person.name}", inst.code)
        for inst, person in self.pick("staff_no_housing_fund", in_kg):
            person.housing_fund = False
            manifest.add("staff_no_housing_fund", f"{inst.code}/{person.name}", inst.code)
        rows = [
            (
                inst.row.pk,
                p.name,
                p.sex,
                p.role,
                p.certificate,
                p.employment,
                p.is_full_time,
                p.social_insurance,
                p.housing_fund,
                p.training_hours,
                p.start_date,
                p.end_date,
                p.change_filed_on,
                p.id_hash,
                p.id_last4,
            )
            for inst, p in people
        ]
        self.insert(StaffMember, STAFF_FIELDS, rows)
