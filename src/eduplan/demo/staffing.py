"""Synthetic staff: how many of each post an institution has, and the people in them.

Clean kindergartens meet every number of 幼儿园教职工配备标准 (教师〔2013〕1号) as kept in
``plan/standards.toml`` (read through ``thresholds``): two teachers and one nursery worker per class,
teachers + nursery workers at least children/9, all staff at least children/7, teachers at least
children/15, a health worker per 150 children, a cook per 40 children, principals by number of
classes. Identity numbers are made valid (GB 11643) and kept
only as the registry keeps them: keyed hash and last four characters.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from eduplan.registry import identity
from eduplan.registry.choices import Certificate, Employment, InstitutionKind, Sex, StaffRole

from .calibration import RECENT_CHANGES_FROM, REFERENCE_DATE, Calibration
from .thresholds import Thresholds
from .vocabulary import GIVEN_FEMALE, GIVEN_MALE, SURNAMES

#: A kindergarten with more children than this has a second security guard (assumption).
SECOND_GUARD_FROM = 200
#: Recent changes happen no later than this, so even a late filing is on file by the reference date.
LAST_CHANGE = REFERENCE_DATE - dt.timedelta(days=130)
EARLIEST_START = dt.date(1985, 9, 1)
ESTABLISHED_UNTIL = RECENT_CHANGES_FROM - dt.timedelta(days=1)

#: Posts whose changes are filed (principals and full-time teachers, and vice principals).
FILED_ROLES = (StaffRole.PRINCIPAL, StaffRole.VICE_PRINCIPAL, StaffRole.TEACHER)
#: Posts that must hold a certificate (standards [certificates]).
CERTIFIED_ROLES = (StaffRole.PRINCIPAL, StaffRole.TEACHER)


def health_and_cooks(n: int, th: Thresholds) -> list[tuple[str, int]]:
    return [
        (StaffRole.HEALTH, max(1, math.ceil(n / th.children_per_health))),
        (StaffRole.COOK, 1 if n < th.children_per_cook else math.ceil(n / th.children_per_cook)),
    ]


def kindergarten_posts(
    children: int, classes: int, th: Thresholds, *, shortfall: bool = False
) -> list[tuple[str, int]]:
    """Posts of a full-day kindergarten; ``shortfall`` plants too few teachers and nursery workers
    (fewer than the per-class numbers, and under both ratios when the classes are reasonably full)."""
    k, n = classes, children
    if shortfall:
        teachers = max(1, min(k, math.ceil(n / th.teacher_children_max) - 1))
        nursery = k // 2
    else:
        teachers = th.teachers_per_class * k
        nursery = th.nursery_per_class * k
        teachers = max(teachers, math.ceil(n / th.teacher_children_max))
        teachers += max(0, math.ceil(n / th.teaching_children_max) - teachers - nursery)
    # Principals: one below the "small" class count, then up to two, then up to three.
    vice = 0 if k <= th.principals_small_max_classes else (1 if k <= th.principals_medium_max_classes else 2)
    posts: list[tuple[str, int]] = [
        (StaffRole.PRINCIPAL, 1),
        (StaffRole.VICE_PRINCIPAL, vice),
        (StaffRole.TEACHER, teachers),
        (StaffRole.NURSERY, nursery),
        *health_and_cooks(n, th),
        (StaffRole.SECURITY, 1 + (n > SECOND_GUARD_FROM)),
        (StaffRole.ADMIN, 1 if k > th.principals_small_max_classes else 0),
    ]
    if not shortfall:
        total = sum(c for _, c in posts)
        extra = max(0, math.ceil(n / th.all_staff_children_max) - total)
        posts[3] = (StaffRole.NURSERY, nursery + extra)
    return [(role, count) for role, count in posts if count]


#: An attached class shares the primary school's principal and health worker (part-time).
ATTACHED_PART_TIME = (StaffRole.PRINCIPAL, StaffRole.HEALTH)


def attached_class_posts(children: int, classes: int, th: Thresholds) -> list[tuple[str, int]]:
    """A primary school's attached preschool classes: the kindergarten numbers per class, and
    enough nursery workers for the all-staff ratio."""
    k, n = classes, children
    posts: list[tuple[str, int]] = [
        (StaffRole.PRINCIPAL, 1),
        (StaffRole.TEACHER, th.teachers_per_class * k),
        (StaffRole.NURSERY, th.nursery_per_class * k),
        *health_and_cooks(n, th),
    ]
    extra = max(0, math.ceil(n / th.all_staff_children_max) - sum(c for _, c in posts))
    posts[2] = (StaffRole.NURSERY, th.nursery_per_class * k + extra)
    return posts


def school_posts(kind: str, students: int, cal: Calibration) -> list[tuple[str, int]]:
    if kind == InstitutionKind.HIGH_SCHOOL:
        return [
            (StaffRole.PRINCIPAL, 1),
            (StaffRole.VICE_PRINCIPAL, 2),
            (StaffRole.TEACHER, max(6, math.ceil(students / cal.hs_students_per_teacher))),
            (StaffRole.ADMIN, max(2, students // 400)),
            (StaffRole.SUPPORT, 2),
            (StaffRole.SERVICE, max(2, math.ceil(students / 300))),
            (StaffRole.SECURITY, 2),
            (StaffRole.HEALTH, 1),
        ]
    if kind == InstitutionKind.VOCATIONAL:
        return [
            (StaffRole.PRINCIPAL, 1),
            (StaffRole.VICE_PRINCIPAL, 1),
            (StaffRole.TEACHER, max(4, math.ceil(students / cal.vocational_students_per_teacher))),
            (StaffRole.ADMIN, 2),
            (StaffRole.SECURITY, 1),
        ]
    return [(StaffRole.PRINCIPAL, 1)]


def certificate_for(role: str, preschool: bool) -> str:
    return {
        StaffRole.PRINCIPAL: Certificate.PRINCIPAL,
        StaffRole.VICE_PRINCIPAL: Certificate.PRINCIPAL,
        StaffRole.TEACHER: Certificate.KINDERGARTEN_TEACHER if preschool else Certificate.SECONDARY_TEACHER,
        StaffRole.NURSERY: Certificate.NURSERY,
        StaffRole.HEALTH: Certificate.HEALTH,
        StaffRole.COOK: Certificate.COOK,
        StaffRole.SECURITY: Certificate.SECURITY,
    }.get(role, Certificate.OTHER)  # type: ignore[call-overload]


@dataclass
class Person:
    """A staff row before it becomes a StaffMember (planting edits these fields)."""

    name: str
    sex: str
    role: str
    certificate: str
    employment: str
    is_full_time: bool
    start_date: dt.date
    end_date: dt.date | None
    change_filed_on: dt.date | None
    id_hash: str
    id_last4: str
    training_hours: int
    social_insurance: bool = True
    housing_fund: bool = True

    @property
    def change_date(self) -> dt.date:
        return self.end_date or self.start_date


class PeopleFactory:
    """Names and identity numbers for one county's staff, unique within the county."""

    def __init__(self, region: str, rng: np.random.Generator, cal: Calibration) -> None:
        self.region = region
        self.rng = rng
        self.cal = cal
        self._used: set[tuple[int, int]] = set()

    def day_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        span = (hi - lo).days
        return lo + dt.timedelta(days=int(self.rng.integers(0, span + 1))) if span > 0 else lo

    def name(self, sex: str, taken: set[str]) -> str:
        given = GIVEN_MALE if sex == Sex.MALE else GIVEN_FEMALE
        for _ in range(50):
            surname = SURNAMES[int(self.rng.integers(len(SURNAMES)))]
            chars = int(self.rng.integers(1, 3))
            name = surname + "".join(given[int(self.rng.integers(len(given)))] for _ in range(chars))
            if name not in taken:
                taken.add(name)
                return name
        n = 2
        while f"{name}{n}" in taken:  # pragma: no cover - 50 collisions in one institution
            n += 1
        taken.add(f"{name}{n}")
        return f"{name}{n}"

    def identity(self, sex: str, birth: dt.date) -> tuple[str, str]:
        """A valid identity number for this person, returned only as (keyed hash, last four)."""
        parity = 1 if sex == Sex.MALE else 0
        for _ in range(1000):
            # The 17th digit is odd for men, even for women (GB 11643).
            seq = int(self.rng.integers(0, 500)) * 2 + parity
            key = (birth.toordinal(), seq)
            if key not in self._used:
                self._used.add(key)
                number = identity.make_number(self.region, birth, seq)
                return identity.hash_number(number), identity.last4(number)
        raise RuntimeError("no free identity sequence")  # pragma: no cover

    def person(
        self,
        role: str,
        *,
        preschool: bool,
        public: bool,
        established_on: dt.date,
        taken: set[str],
        start: dt.date | None = None,
        end: dt.date | None = None,
        full_time: bool = True,
    ) -> Person:
        cal, rng = self.cal, self.rng
        if role == StaffRole.SECURITY:
            female = rng.random() < cal.female_share_security
        elif preschool and role in (StaffRole.TEACHER, StaffRole.NURSERY, StaffRole.PRINCIPAL):
            female = rng.random() < cal.female_share_kg
        else:
            female = rng.random() < cal.female_share_school
        sex = Sex.FEMALE if female else Sex.MALE
        # Someone who has already left was in post before the recent changes: old enough for that.
        youngest, oldest = cal.staff_age
        age = int(rng.integers(cal.leaver_min_age if end is not None else youngest, oldest + 1))
        year = REFERENCE_DATE.year - age - 1
        birth = self.day_between(dt.date(year, 1, 1), dt.date(year, 12, 28))
        if start is None:
            adult = dt.date(birth.year + cal.working_age, birth.month, min(birth.day, 28))
            earliest = max(EARLIEST_START, established_on, adult)
            if end is not None or (earliest <= ESTABLISHED_UNTIL and rng.random() >= cal.recent_hire_share):
                start = self.day_between(earliest, ESTABLISHED_UNTIL)
            else:
                start = self.day_between(max(RECENT_CHANGES_FROM, earliest), LAST_CHANGE)
        if public:
            share = cal.establishment_share_kg if preschool else cal.establishment_share_hs
            if role in (StaffRole.PRINCIPAL, StaffRole.VICE_PRINCIPAL):
                employment = Employment.ESTABLISHMENT
            elif role == StaffRole.TEACHER:
                employment = (
                    Employment.ESTABLISHMENT
                    if rng.random() < share
                    else (Employment.PURCHASED if preschool else Employment.CONTRACT)
                )
            else:
                purchased = rng.random() < cal.purchased_share_support
                employment = Employment.PURCHASED if purchased else Employment.ESTABLISHMENT
        else:
            employment = Employment.CONTRACT
        change = end or start
        filed = None
        if role in FILED_ROLES:
            lo, hi = cal.clean_filing_days
            filed = change + dt.timedelta(days=int(rng.integers(lo, hi + 1)))
        id_hash, last4 = self.identity(sex, birth)
        return Person(
            name=self.name(sex, taken),
            sex=sex,
            role=role,
            certificate=certificate_for(role, preschool),
            employment=employment,
            is_full_time=full_time,
            start_date=start,
            end_date=end,
            change_filed_on=filed,
            id_hash=id_hash,
            id_last4=last4,
            training_hours=int(rng.integers(cal.training_hours[0], cal.training_hours[1] + 1)),
        )

    def staff(
        self,
        posts: list[tuple[str, int]],
        *,
        preschool: bool,
        public: bool,
        established_on: dt.date,
        part_time_roles: tuple[str, ...] = (),
    ) -> list[Person]:
        """People for ``posts``; some principal and teacher posts changed hands recently, and the
        previous holder's ended appointment is kept too."""
        taken: set[str] = set()
        people: list[Person] = []
        for role, count in posts:
            for _ in range(count):
                full_time = role not in part_time_roles
                if role in CERTIFIED_ROLES and self.rng.random() < self.cal.recent_departure_share:
                    gap = self.cal.vacancy_days[1]
                    left = self.day_between(RECENT_CHANGES_FROM, LAST_CHANGE - dt.timedelta(days=gap))
                    people.append(
                        self.person(
                            role,
                            preschool=preschool,
                            public=public,
                            established_on=established_on,
                            taken=taken,
                            end=left,
                            full_time=full_time,
                        )
                    )
                    lo, hi = self.cal.vacancy_days
                    start = left + dt.timedelta(days=int(self.rng.integers(lo, hi + 1)))
                    people.append(
                        self.person(
                            role,
                            preschool=preschool,
                            public=public,
                            established_on=established_on,
                            taken=taken,
                            start=start,
                            full_time=full_time,
                        )
                    )
                else:
                    people.append(
                        self.person(
                            role,
                            preschool=preschool,
                            public=public,
                            established_on=established_on,
                            taken=taken,
                            full_time=full_time,
                        )
                    )
        return people
