"""One definition per concept (issue 16, item 7): qualified teacher (and principal), licensed
institution, attached class, county high school, new-intake class.

The rules (``eduplan.rules``, Django querysets over the registry) and the measures (Ibis
expressions over the canonical tables, ``metrics.measures``) must count the same things, or a
county is certified ready by one and flagged by the other. So each concept is written once, here,
as data — which column holds which values, alternatives where the answer depends on the kind of
institution — and rendered two ways from that one definition:

- :meth:`Concept.q` a Django ``Q`` for a queryset (``institution`` is the lookup path to the
  institution: ``"institution__"`` for classes and staff, ``""`` for institutions);
- :meth:`Concept.expr` an Ibis predicate over the measures' flat rows, where an institution's
  columns are those in force on the census day (``measures.institution_attrs``).

The lists they use come from ``plan/standards.toml`` (``[certificates]``) or from the registry's
choices; no rule or measure restates them. ``tests/metrics/test_concepts.py`` computes every
concept both ways on the demo and finds them equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from eduplan.registry.choices import PRESCHOOL_KINDS, SENIOR_GRADES, InstitutionKind, LicenceStatus, StaffRole

if TYPE_CHECKING:
    import ibis.expr.types as ir


@dataclass(frozen=True)
class Is:
    """``column`` holds one of ``values`` (with ``negate``: none of them). ``of_institution``: the
    column is the institution's (reached through the queryset's path to it), not the row's own."""

    column: str
    values: tuple[Any, ...]
    negate: bool = False
    of_institution: bool = False

    def q(self, institution: str) -> Q:
        path = f"{institution}{self.column}" if self.of_institution else self.column
        one = len(self.values) == 1
        q = Q(**{path: self.values[0]}) if one else Q(**{f"{path}__in": list(self.values)})
        return ~q if self.negate else q

    def expr(self, r: ir.Table) -> ir.BooleanValue:
        col = r[self.column]
        if len(self.values) == 1 and isinstance(self.values[0], bool):
            cond = col if self.values[0] else ~col
        elif len(self.values) == 1:
            cond = col == self.values[0]
        else:
            cond = col.isin(list(self.values))
        return ~cond if self.negate else cond


@dataclass(frozen=True)
class Concept:
    """A named condition: any of ``alternatives``, each a conjunction of :class:`Is`."""

    name: str
    name_zh: str
    alternatives: tuple[tuple[Is, ...], ...]

    def q(self, institution: str = "institution__") -> Q:
        """The Django condition (``institution``: the lookup path from the row to its institution)."""
        out: Q | None = None
        for conj in self.alternatives:
            part = Q()
            for cond in conj:
                part &= cond.q(institution)
            out = part if out is None else out | part
        return out if out is not None else Q(pk__in=[])

    def expr(self, r: ir.Table) -> ir.BooleanValue:
        """The Ibis predicate over rows holding every column the concept names."""
        out = None
        for conj in self.alternatives:
            part = None
            for cond in conj:
                e = cond.expr(r)
                part = e if part is None else part & e
            if part is None:
                raise ValueError(f"concept {self.name!r} has an empty alternative")
            out = part if out is None else out | part
        if out is None:
            raise ValueError(f"concept {self.name!r} has no alternative")
        return out

    def __and__(self, other: Concept) -> Concept:
        """Both concepts: every pair of alternatives joined."""
        return Concept(
            f"{self.name}&{other.name}",
            f"{self.name_zh}·{other.name_zh}",
            tuple(a + b for a in self.alternatives for b in other.alternatives),
        )


def _one(name: str, zh: str, *conditions: Is) -> Concept:
    return Concept(name, zh, (tuple(conditions),))


def _kind(*kinds: str) -> Is:
    return Is("kind", tuple(str(k) for k in kinds), of_institution=True)


#: Kindergartens and primary schools' attached preschool classes: what counts as preschool.
PRESCHOOL = _one("preschool", "学前教育机构", _kind(*PRESCHOOL_KINDS))

#: A primary school's attached preschool class (附设幼儿班): preschool in the statistics, with its
#: own accepted teacher certificates ([certificates] attached_teacher).
ATTACHED_CLASS = _one("attached_class", "小学附设幼儿班", _kind(InstitutionKind.ATTACHED_CLASS))

#: A licensed institution — counted in the official statistics: licensed or approved (办园点), or
#: with its status not recorded; never an unlicensed kindergarten (无证园), whose children and
#: staff are counted apart and which the licensing review (KG-UNLICENSED) judges instead.
LICENSED = _one(
    "licensed",
    "已取得办学许可或批准",
    Is("licence_status", (LicenceStatus.UNLICENSED.value,), negate=True, of_institution=True),
)

#: A kindergarten as the kindergarten counts (`kindergartens`, `kindergartens_rated` …) and the
#: rating rule count it:
#: licensed, neither unlicensed nor a teaching point (办园点, counted apart).
LICENSED_KINDERGARTEN = _one(
    "licensed_kindergarten",
    "幼儿园(已取得办学许可)",
    _kind(InstitutionKind.KINDERGARTEN),
    Is(
        "licence_status",
        (LicenceStatus.UNLICENSED.value, LicenceStatus.TEACHING_POINT.value),
        negate=True,
        of_institution=True,
    ),
)

#: A county high school (县中): a general high school flagged as its county's (dated attribute).
COUNTY_HIGH_SCHOOL = _one(
    "county_high_school",
    "县中",
    _kind(InstitutionKind.HIGH_SCHOOL),
    Is("is_county_high_school", (True,), of_institution=True),
)

#: A senior class (grades 10–12) of a general high school: a complete school's (完中) junior
#: classes are neither high-school enrolment nor high-school 大班额.
SENIOR_HS_CLASS = _one(
    "senior_hs_class",
    "普通高中(高中段)班级",
    _kind(InstitutionKind.HIGH_SCHOOL),
    Is("age_group", tuple(g.value for g in SENIOR_GRADES)),
)

#: A new-intake class (起始年级) of a general high school: a senior class marked as the entry
#: grade (`hs_new_intake_classes`, HS-NEW-INTAKE); a complete school's grade-7 intake is not one.
NEW_INTAKE_CLASS = Concept(
    "new_intake_class",
    "普通高中新入学年级班级",
    (SENIOR_HS_CLASS & _one("new_intake", "起始年级", Is("is_new_intake", (True,)))).alternatives,
)


#: Institution kinds → the prefix of their accepted certificates in ``[certificates]``. Junior
#: middle and vocational schools are outside the plans and not judged.
CERTIFICATE_GROUPS: dict[str, tuple[str, ...]] = {
    "kindergarten": (InstitutionKind.KINDERGARTEN.value,),
    "attached": (InstitutionKind.ATTACHED_CLASS.value,),
    "school": (InstitutionKind.HIGH_SCHOOL.value,),
}
#: The two posts that need a certificate (持证上岗): an institution's head and its teaching staff,
#: each named by its staff role as ``[certificates]`` names it (``<post>_roles``). Measures and
#: rules name these posts, never a staff role.
HEAD_POST = StaffRole.PRINCIPAL.value
TEACHING_POST = StaffRole.TEACHER.value
POSTS = (HEAD_POST, TEACHING_POST)


@dataclass(frozen=True)
class Qualifications:
    """Who must hold which certificate (持证上岗, ``[certificates]``): each post's roles, and the
    certificates accepted for a post in each kind of institution — a kindergarten teacher's
    certificate in a kindergarten; a kindergarten or primary teacher's in an attached class."""

    roles: tuple[tuple[str, tuple[str, ...]], ...]  # post → staff roles
    accepted: tuple[tuple[str, str, tuple[str, ...]], ...]  # (kind, post) → certificates

    @classmethod
    def from_standards(cls) -> Qualifications:
        from eduplan.plans import standards

        certs = standards.section("certificates")
        return cls(
            roles=tuple((post, tuple(certs[f"{post}_roles"])) for post in POSTS),
            accepted=tuple(
                (kind, post, tuple(certs[f"{group}_{post}"]))
                for group, kinds in CERTIFICATE_GROUPS.items()
                for kind in kinds
                for post in POSTS
            ),
        )

    @staticmethod
    def params() -> tuple[str, ...]:
        """The standards keys this reads (a rule lists them among its parameters)."""
        return (
            *(f"certificates.{post}_roles" for post in POSTS),
            *(f"certificates.{group}_{post}" for group in CERTIFICATE_GROUPS for post in POSTS),
        )

    def roles_of(self, post: str) -> tuple[str, ...]:
        return dict(self.roles)[post]

    def accepted_for(self, kind: str, post: str) -> tuple[str, ...]:
        """The certificates accepted for ``post`` in an institution of ``kind`` (none outside the
        judged kinds)."""
        for k, p, certificates in self.accepted:
            if k == str(kind) and p == post:
                return certificates
        return ()

    def judged(self, post: str) -> Iterable[tuple[str, tuple[str, ...]]]:
        """(kind, accepted certificates) for ``post`` in every judged kind."""
        return ((k, c) for k, p, c in self.accepted if p == post)

    def _concept(self, post: str, *, holding: bool) -> Concept:
        roles = Is("role", self.roles_of(post))
        return Concept(
            f"{'qualified' if holding else 'unqualified'}_{post}",
            f"{'持证' if holding else '未持证'}{'专任教师' if post == 'teacher' else '园长(校长)'}",
            tuple(
                (_kind(kind), roles, Is("certificate", certificates, negate=not holding))
                for kind, certificates in self.judged(post)
            ),
        )

    def qualified(self, post: str) -> Concept:
        """Staff in a ``post`` role holding a certificate accepted in their institution's kind."""
        return self._concept(post, holding=True)

    def unqualified(self, post: str) -> Concept:
        """Staff in a ``post`` role in a judged kind without an accepted certificate."""
        return self._concept(post, holding=False)


#: Every concept that is a plain condition (the qualifications depend on the standards file).
CONCEPTS: dict[str, Concept] = {
    c.name: c
    for c in (
        PRESCHOOL,
        ATTACHED_CLASS,
        LICENSED,
        LICENSED_KINDERGARTEN,
        COUNTY_HIGH_SCHOOL,
        SENIOR_HS_CLASS,
        NEW_INTAKE_CLASS,
    )
}
