"""Children per institution and school year, their classes (with the planted class sizes) and
the yearly snapshots (seats, entering, leaving, funding)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

from eduplan.registry.choices import AgeGroup, InstitutionKind
from eduplan.registry.models import Institution, InstitutionYear, SchoolClass

from ..allocation import allocate, even_split, largest_remainder
from ..rows import TableWriter
from ..vocabulary import chinese_number
from .records import (
    BATCH,
    CATEGORY_OF,
    CLASS_AGES,
    CLASS_PREFIX,
    GRADE_LABEL,
    HS_GRADES,
    JMS_GRADES,
    PRESCHOOL_GROUPS,
    VOC_GRADES,
    ClassRow,
    Inst,
    YearRow,
    money_between,
)
from .state import CountyState


class ClassesStage(CountyState):
    def preschool_classes(self, inst: Inst, year: int, n: int, *, slack: bool = True) -> list[ClassRow]:
        """Classes by age group, each filled to its limit less the kindergarten's slack; a clean
        kindergarten that would need more than the class cap fills its classes to the limit."""
        cal = self.cal
        profile = self.pop.age_profile(year, inst.township, CLASS_AGES) + 1.0
        groups: list[tuple[str, int]] = []
        if inst.kind == InstitutionKind.ATTACHED_CLASS or n < cal.mixed_only_below:
            groups.append((AgeGroup.MIXED, n))
        else:
            nursery = 0
            if inst.has_nursery and n <= cal.nursery_max_children:
                nursery = round(n * cal.nursery_share)
                if nursery < cal.nursery_min_class:
                    nursery = 0
            if nursery:
                groups.append((AgeGroup.NURSERY, nursery))
            split = largest_remainder(n - nursery, profile)
            groups += [
                (AgeGroup.SMALL, int(split[0])),
                (AgeGroup.MIDDLE, int(split[1])),
                (AgeGroup.LARGE, int(split[2])),
            ]
        slack_of = {
            AgeGroup.SMALL: 0,
            AgeGroup.MIDDLE: 1,
            AgeGroup.LARGE: 2,
            AgeGroup.MIXED: 3,
            AgeGroup.NURSERY: 3,
        }
        out = []
        for group, count in groups:
            if count <= 0:
                continue
            cap = max(1, self.limit[group] - (inst.slack[slack_of[group]] if slack else 0))  # type: ignore[index]
            k = math.ceil(count / cap)
            for i, size in enumerate(even_split(count, k)):
                out.append(
                    self.class_row(
                        inst, year, f"{CLASS_PREFIX[group]}{chinese_number(i + 1)}班", group, size, profile
                    )
                )
        if slack and not inst.fixed and len(out) > cal.kindergarten_max_classes:
            return self.preschool_classes(inst, year, n, slack=False)
        return out

    def class_row(
        self, inst: Inst, year: int, name: str, group: str, size: int, profile: np.ndarray | None = None
    ) -> ClassRow:
        boys = int(self.rng.binomial(size, self.cal.male_share))
        row = ClassRow(
            inst=inst,
            school_year=year,
            name=name,
            age_group=group,
            boys=boys,
            girls=size - boys,
            minority=int(self.rng.binomial(size, self.minority_share)),
        )
        self.set_ages(row, size, profile)
        return row

    def set_ages(self, row: ClassRow, size: int, profile: np.ndarray | None) -> None:
        """Children by age (statistics' cut: under 3, 3, 4, 5, over 5) adding up to the class."""
        group = row.age_group
        row.age_under3 = row.age_3 = row.age_4 = row.age_5 = row.age_over5 = 0
        if group == AgeGroup.NURSERY:
            row.age_under3 = size
        elif group == AgeGroup.SMALL:
            row.age_3 = size
        elif group == AgeGroup.MIDDLE:
            row.age_4 = size
        elif group == AgeGroup.LARGE:
            row.age_5 = size
        elif group == AgeGroup.MIXED:
            split = largest_remainder(size, profile if profile is not None else np.ones(3))
            row.age_3, row.age_4, row.age_5 = (int(x) for x in split)

    def resize(self, row: ClassRow, size: int) -> None:
        """Change a class's headcount (planting), keeping sexes, minority and ages consistent."""
        boys = int(self.rng.binomial(size, self.cal.male_share))
        row.boys, row.girls = boys, size - boys
        row.minority = min(row.minority, size)
        if row.age_group in PRESCHOOL_GROUPS:
            profile = np.array([row.age_3, row.age_4, row.age_5], dtype=float) + 0.1
            self.set_ages(row, size, profile)

    def school_classes(
        self, inst: Inst, year: int, n: int, grades: tuple[str, ...], class_max: int
    ) -> list[ClassRow]:
        yi = self.pop.year_index(year)
        lo, hi = self.th.high_school_ages
        profile = self.pop.resident[:, yi, lo : hi + 1, :].sum(axis=(0, 2)).astype(float)
        out = []
        for grade, count in zip(grades, largest_remainder(n, profile + 1.0), strict=True):
            count = int(count)
            if count <= 0:
                continue
            k = math.ceil(count / class_max)
            for i, size in enumerate(even_split(count, k)):
                out.append(self.class_row(inst, year, f"{GRADE_LABEL[grade]}({i + 1})班", grade, size))
        return out

    def junior_classes(self, year: int) -> dict[Inst, list[ClassRow]]:
        """Junior middle school classes: grade 7–9 of each township are its residents aged
        ``jms_entry_age`` … +2 on the age cut-off day (f·P(a) + (1 − f)·P(a + 1) of year-end ages,
        as the indicators count them) times the enrolment share, shared among the township's junior
        schools by weight; classes of at most ``jms_class_max``. So grade 9 (the year's graduates)
        is the 14-year-old cohort and the next year's grade 10 draws on it."""
        cal, f = self.cal, self.th.cutoff_fraction
        yi = self.pop.year_index(year)
        out: dict[Inst, list[ClassRow]] = {}
        for ti, schools in self.junior_by_township.items():
            people = self.pop.resident[ti, yi].sum(axis=1)
            weights = np.array([i.weight for i in schools])
            shares = []
            for g in range(len(JMS_GRADES)):
                age = cal.jms_entry_age + g
                cohort = f * people[age] + (1 - f) * people[age + 1]
                shares.append(largest_remainder(round(cohort * cal.jms_enrolment_share), weights))
            for si, inst in enumerate(schools):
                rows: list[ClassRow] = []
                for grade, split in zip(JMS_GRADES, shares, strict=True):
                    count = int(split[si])
                    if count <= 0:
                        continue
                    k = math.ceil(count / cal.jms_class_max)
                    for i, size in enumerate(even_split(count, k)):
                        rows.append(
                            self.class_row(inst, year, f"{GRADE_LABEL[grade]}({i + 1})班", grade, size)
                        )
                inst.children[year] = sum(r.size for r in rows)
                out[inst] = rows
        return out

    def write_years_and_classes(self) -> None:
        """Children per institution per school year (county totals shared out under the caps),
        their classes, the planted class sizes, and the yearly snapshots."""
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        years = self.spec.school_years
        latest = years[-1]
        preschool = [i for i in self.insts if i.preschool]
        by_category: dict[str, list[Inst]] = {"public": [], "inclusive": [], "other": []}
        for inst in preschool:
            by_category[CATEGORY_OF[inst.role]].append(inst)
        self.classes_latest = {}
        hs = [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL]
        previous_leaving: dict[Inst, int] = {}
        year_rows: list[YearRow] = []
        writer = TableWriter(SchoolClass, ClassRow.FIELDS)
        for y in years:
            last_batch = self.last and y == latest
            for cat, members in by_category.items():
                fixed = [i for i in members if i.fixed]
                free = [i for i in members if not i.fixed]
                total = self.category_total[y][cat] - sum(i.fixed_children(y) for i in fixed)
                alloc = allocate(
                    max(0, total),
                    np.array([i.weight for i in free]),
                    np.array([i.cap for i in free]),
                    cal.min_children,
                )
                for inst, n in zip(free, alloc.tolist(), strict=True):
                    inst.children[y] = n
                for inst in fixed:
                    inst.children[y] = inst.fixed_children(y)
            classes: dict[Inst, list[ClassRow]] = {}
            for inst in preschool:
                classes[inst] = self.preschool_classes(inst, y, inst.children[y])
            limited = [c for inst in preschool for c in classes[inst] if c.age_group != AgeGroup.NURSERY]
            for row in self.pick("kg_class_oversize", limited, last=last_batch):
                self.resize(row, self.limit[row.age_group] + int(rng.integers(1, cal.oversize_extra_max + 1)))
                manifest.add("kg_class_oversize", row.code, row.inst.code)
            # General high schools, vocational schools.
            fixed_hs = [i for i in hs if i.fixed]
            free_hs = [i for i in hs if not i.fixed]
            total = self.general[y] - sum(i.fixed_children(y) for i in fixed_hs)
            alloc = allocate(
                max(0, total),
                np.array([i.weight for i in free_hs]),
                np.array([i.cap for i in free_hs]),
                cal.hs_min_students,
            )
            for inst, n in zip(free_hs, alloc.tolist(), strict=True):
                inst.children[y] = n
            for inst in fixed_hs:
                inst.children[y] = inst.fixed_children(y)
            for inst in hs:
                classes[inst] = self.school_classes(inst, y, inst.children[y], HS_GRADES, cal.hs_class_max)
            upper = [c for inst in hs for c in classes[inst] if c.age_group != AgeGroup.GRADE_10]
            intake = [c for inst in hs for c in classes[inst] if c.age_group == AgeGroup.GRADE_10]
            big = self.pick("hs_class_56_65", upper, last=last_batch)
            chosen = set(map(id, big))
            huge = self.pick("hs_class_66_plus", [c for c in upper if id(c) not in chosen], last=last_batch)
            new_big = self.pick("hs_new_intake_over_55", intake, last=last_batch)
            for rows, kinds, bounds in (
                (big, ("hs_class_56_65",), cal.hs_big_class),
                (huge, ("hs_class_66_plus",), cal.hs_huge_class),
                (new_big, ("hs_new_intake_over_55", "hs_class_56_65"), cal.hs_big_intake_class),
            ):
                for row in rows:
                    self.resize(row, int(rng.integers(bounds[0], bounds[1] + 1)))
                    for kind in kinds:
                        manifest.add(kind, row.code, row.inst.code)
            voc_alloc = largest_remainder(
                self.vocational_total[y], np.array([i.weight for i in self.vocational])
            )
            for inst, n in zip(self.vocational, voc_alloc.tolist(), strict=True):
                inst.children[y] = n
                classes[inst] = self.school_classes(inst, y, n, VOC_GRADES, cal.vocational_class_max)
            classes.update(self.junior_classes(y))
            for inst in self.insts:
                year_rows.append(self.year_row(inst, y, classes.get(inst, []), previous_leaving))
            rows_out = [c.values() for rows in classes.values() for c in rows]
            writer.write(rows_out)
            self.counts["SchoolClass"] = self.counts.get("SchoolClass", 0) + len(rows_out)
            if y == latest:
                self.classes_latest = classes
        # Kindergartens whose information is not published in the latest school year.
        latest_rows = {row.inst.code: row for row in year_rows if row.school_year == latest}
        for inst in self.pick("kg_info_not_published", [i for i in self.insts if i.is_kg]):
            latest_rows[inst.code].info_published = False
            manifest.add("kg_info_not_published", inst.code)
        # Public funding below the standard in the latest school year.
        for kind, pool, bounds in (
            (
                "kg_funding_below_standard",
                # The standard is for public kindergartens (KG-FUNDING); attached classes are funded
                # with their primary school.
                [i for i in self.insts if i.is_kg and i.public],
                cal.funding_public_kg_short,
            ),
            (
                "hs_funding_below_standard",
                [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL and i.public],
                cal.funding_hs_short,
            ),
        ):
            for inst in self.pick(kind, pool):
                latest_rows[inst.code].funding = money_between(rng, bounds)
                manifest.add(kind, inst.code)
        for inst in self.insts:
            inst.row.seats = latest_rows[inst.code].seats
        Institution.objects.bulk_update([i.row for i in self.insts], ["seats"], batch_size=BATCH)
        self.insert(InstitutionYear, YearRow.FIELDS, [r.values() for r in year_rows])

    def year_row(self, inst: Inst, y: int, rows: list[ClassRow], leaving: dict[Inst, int]) -> YearRow:
        """Seats, children entering and leaving, funding received (InstitutionYear)."""
        cal, rng = self.cal, self.rng
        if inst.preschool:
            seats = sum(self.limit[r.age_group] for r in rows)
            entered = sum(r.size for r in rows if r.age_group in (AgeGroup.NURSERY, AgeGroup.SMALL))
            entered += sum(r.age_3 for r in rows if r.age_group == AgeGroup.MIXED)
            graduating = sum(r.size for r in rows if r.age_group == AgeGroup.LARGE)
            graduating += sum(r.age_5 for r in rows if r.age_group == AgeGroup.MIXED)
            if inst.public:
                funding: Decimal | None = money_between(rng, cal.funding_public_kg)
            elif inst.inclusive:
                funding = money_between(rng, cal.funding_inclusive_private)
            else:
                funding = None
        elif inst.kind == InstitutionKind.JUNIOR_MIDDLE:
            seats = len(rows) * self.th.hs_standard_class
            entered = sum(r.size for r in rows if r.age_group == JMS_GRADES[0])
            graduating = sum(r.size for r in rows if r.age_group == JMS_GRADES[-1])
            funding = money_between(rng, cal.funding_jms)
        else:
            first = AgeGroup.GRADE_10 if inst.kind == InstitutionKind.HIGH_SCHOOL else AgeGroup.VOC_1
            final = AgeGroup.GRADE_12 if inst.kind == InstitutionKind.HIGH_SCHOOL else AgeGroup.VOC_3
            seats = len(rows) * self.th.hs_standard_class
            if inst is self.oversize_hs:
                seats = max(seats, sum(r.size for r in rows) + self.th.hs_standard_class)
            entered = sum(r.size for r in rows if r.age_group == first)
            graduating = sum(r.size for r in rows if r.age_group == final)
            bounds = cal.funding_hs if inst.kind == InstitutionKind.HIGH_SCHOOL else cal.funding_vocational
            funding = money_between(rng, bounds) if inst.public else None
        left = leaving.get(inst, graduating)
        leaving[inst] = graduating
        inst.seats[y] = seats
        return YearRow(inst, y, seats, entered, left, funding)
