"""One definition per concept (issue 16, item 7): qualified teacher and principal, licensed
institution, attached class, county high school, new-intake class — computed the rules' way
(Django querysets through ``RuleContext``, and the rules' own findings) and the indicators' way
(the measures' Ibis expressions on the app's database) on the demo city, they agree county by
county.

The demo is given the cases where the two used to differ, through the registry's own actions: a
teacher of an attached class holding a primary teacher's certificate (accepted by the certificate
rule, not by the readiness indicator), an unlicensed kindergarten with a class and a teacher
(counted by KG-CLASS-COMPLIANCE and COUNTY-TEACHER-RATIO, not by the indicators), an unrated
teaching point (not a kindergarten of the kindergarten counts) and a complete school's grade-7 intake of
60 (flagged by HS-NEW-INTAKE and HS-BIG-CLASS, not in HS-T5 or HS-T6).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, F, Sum
from django.test import override_settings

from eduplan.metrics import engines, measures
from eduplan.metrics.concepts import (
    ATTACHED_CLASS,
    CONCEPTS,
    COUNTY_HIGH_SCHOOL,
    LICENSED,
    LICENSED_KINDERGARTEN,
    NEW_INTAKE_CLASS,
    PRESCHOOL,
    SENIOR_HS_CLASS,
    Qualifications,
)
from eduplan.metrics.params import load_params
from eduplan.registry import actions
from eduplan.registry.choices import InstitutionKind, LicenceStatus
from eduplan.registry.identity import make_number
from eduplan.registry.models import Institution, SchoolClass
from eduplan.rules.catalogue import RuleContext, run_rules

pytestmark = pytest.mark.django_db

generator = pytest.importorskip("eduplan.demo.generator")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _latest_year() -> int:
    return int(SchoolClass.objects.order_by("-school_year").values_list("school_year", flat=True)[0])


def _plant(year: int) -> dict[str, Institution]:
    """The cases where rules and indicators used to disagree, each written through the registry's
    actions into the demo's latest school year."""
    opened = dt.date(2000, 1, 1)
    started = dt.date(year - 1, 8, 1)
    attached = Institution.objects.filter(kind=InstitutionKind.ATTACHED_CLASS).order_by("pk").first()
    assert attached is not None, "the demo has no attached class"
    actions.add_staff_member(
        attached,
        identity_number=make_number("530402", dt.date(1990, 3, 3), 801),
        name="附设班教师",
        role="teacher",
        sex="F",
        employment="establishment",
        certificate="primary_teacher",
        start_date=started,
    )
    kg = Institution.objects.filter(kind=InstitutionKind.KINDERGARTEN).order_by("pk").first()
    assert kg is not None
    unlicensed = actions.create_institution(
        code="9530402990001",
        name="概念测试无证幼儿园",
        kind=InstitutionKind.KINDERGARTEN,
        ownership="private_forprofit",
        sponsor="private",
        licence_status=LicenceStatus.UNLICENSED,
        division=kg.division,
        established_on=opened,
    )
    actions.record_class(unlicensed, school_year=year, name="混合班", age_group="mixed", boys=30, girls=30)
    actions.add_staff_member(
        unlicensed,
        identity_number=make_number("530402", dt.date(1991, 4, 4), 802),
        name="无证园教师",
        role="teacher",
        sex="F",
        employment="establishment",
        certificate="",
        start_date=started,
    )
    point = actions.create_institution(
        code="9530402990002",
        name="概念测试办园点",
        kind=InstitutionKind.KINDERGARTEN,
        ownership="private_forprofit",
        sponsor="private",
        licence_status=LicenceStatus.TEACHING_POINT,
        division=kg.division,
        established_on=opened,
    )
    school = Institution.objects.filter(kind=InstitutionKind.HIGH_SCHOOL).order_by("pk").first()
    assert school is not None
    actions.record_class(
        school, school_year=year, name="初一(9)班", age_group="g7", is_new_intake=True, boys=30, girls=30
    )
    return {"attached": attached, "unlicensed": unlicensed, "point": point, "school": school}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            generator.generate("tiny", 1, users=False)
            year = _latest_year()
            yield year, _plant(year)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _indicator_side(year: int, source: str, names: list[str]) -> dict[str, Counter[int]]:
    """Each measure of ``source`` by county id in ``year``, from the individual records (the
    returns' fallbacks are for institutions the rules cannot see person by person)."""
    p = load_params()
    built = measures.build_measures(p)
    engine = engines.from_django()
    try:
        df = engine.execute(measures.aggregate_source(engine.tables(), p, source, [built[n] for n in names]))
    finally:
        engine.release()
    df = df[df.school_year == year]
    return {
        n: Counter({int(c): int(v) for c, v in zip(df.county_id, df[n], strict=True) if v}) for n in names
    }


def _by_county(rows, value: str = "n") -> Counter[int]:
    return Counter({r["cid"]: r[value] for r in rows if r[value]})


def _count(qs, county: str = "institution__county_id") -> Counter[int]:
    return _by_county(qs.values(cid=F(county)).order_by().annotate(n=Count("pk")))


def _context(year: int) -> RuleContext:
    """What a rule reads, judged on the census day (the day the indicators count staff and open
    institutions)."""
    return RuleContext(year=year, as_of=load_params().school_year_start.date(year))


def test_qualification_follows_the_standards_file_by_kind_of_institution(demo):
    """The attached class accepts a primary teacher's certificate, a kindergarten does not: the
    standards file decides, for the rule and the indicator alike."""
    quals = Qualifications.from_standards()
    assert "primary_teacher" in quals.accepted_for(InstitutionKind.ATTACHED_CLASS, "teacher")
    assert "primary_teacher" not in quals.accepted_for(InstitutionKind.KINDERGARTEN, "teacher")
    assert set(CONCEPTS) >= {"licensed", "attached_class", "county_high_school", "new_intake_class"}


def test_classes_counted_the_same_by_rules_and_indicators(demo):
    year, planted = demo
    ctx = _context(year)
    ind = _indicator_side(
        year,
        "classes",
        [
            "kg_classes",
            "children_enrolled",
            "children_attached",
            "hs_classes",
            "hs_new_intake_classes",
            "hs_new_intake_classes_over_limit",
            "hs_classes_56_plus",
        ],
    )
    counted = PRESCHOOL.q() & LICENSED.q()
    headcount = F("boys") + F("girls")
    children = ctx.classes().filter(counted).values(cid=F("institution__county_id")).order_by()
    attached = ctx.classes().filter(counted & ATTACHED_CLASS.q()).values(cid=F("institution__county_id"))
    assert _count(ctx.classes().filter(counted)) == ind["kg_classes"]
    assert _by_county(children.annotate(n=Sum(headcount))) == ind["children_enrolled"]
    assert _by_county(attached.order_by().annotate(n=Sum(headcount))) == ind["children_attached"]
    assert _count(ctx.classes().filter(SENIOR_HS_CLASS.q())) == ind["hs_classes"]
    assert _count(ctx.classes().filter(NEW_INTAKE_CLASS.q())) == ind["hs_new_intake_classes"]
    assert ind["hs_new_intake_classes"], "the demo has new-intake classes"
    # The rules' own findings: one per class, the measures' count per county.
    new_intake = run_rules(year, rule_ids=["HS-NEW-INTAKE"], as_of=ctx.as_of)
    big = run_rules(year, rule_ids=["HS-BIG-CLASS"], as_of=ctx.as_of)
    county_pk = dict(Institution.objects.values_list("county__code", "county_id").distinct())
    assert Counter(county_pk[f.division] for f in new_intake) == ind["hs_new_intake_classes_over_limit"]
    assert Counter(county_pk[f.division] for f in big) == ind["hs_classes_56_plus"]
    # The complete school's grade-7 intake of 60 is neither.
    junior = [f for f in new_intake + big if f.entity_code == planted["school"].code and "初一" in f.subject]
    assert junior == []
    # The unlicensed kindergarten's class is counted apart, not in the county's compliance.
    unlicensed = planted["unlicensed"]
    assert not ctx.classes().filter(counted, institution=unlicensed).exists()


def test_open_institutions_counted_the_same_by_rules_and_indicators(demo):
    year, planted = demo
    ctx = _context(year)
    ind = _indicator_side(
        year, "institution_years", ["kindergartens", "attached_preschool_units", "county_high_schools"]
    )
    open_ = ctx.open_institutions()
    county = "county_id"
    assert _count(open_.filter(LICENSED_KINDERGARTEN.q("")), county) == ind["kindergartens"]
    assert _count(open_.filter(ATTACHED_CLASS.q("")), county) == ind["attached_preschool_units"]
    assert _count(open_.filter(COUNTY_HIGH_SCHOOL.q("")), county) == ind["county_high_schools"]
    assert ind["county_high_schools"] and ind["attached_preschool_units"], "the demo has both"
    # Neither the teaching point nor the unlicensed kindergarten is a kindergarten of the counts.
    planted_pks = [planted["point"].pk, planted["unlicensed"].pk]
    assert not open_.filter(LICENSED_KINDERGARTEN.q(""), pk__in=planted_pks).exists()


def test_qualified_staff_counted_the_same_by_rules_and_indicators(demo):
    year, planted = demo
    ctx = _context(year)
    quals = Qualifications.from_standards()
    ind = _indicator_side(
        year, "staff", ["kg_teachers", "kg_teachers_certified", "kg_principals", "kg_principals_certified"]
    )
    counted = ctx.staff().filter(PRESCHOOL.q() & LICENSED.q())
    assert _count(counted.filter(role__in=quals.roles_of("teacher"))) == ind["kg_teachers"]
    assert _count(counted.filter(quals.qualified("teacher").q())) == ind["kg_teachers_certified"]
    assert _count(counted.filter(role__in=quals.roles_of("principal"))) == ind["kg_principals"]
    assert _count(counted.filter(quals.qualified("principal").q())) == ind["kg_principals_certified"]
    # The certificate rule's findings in the same institutions are exactly the posts the indicator
    # counts as not certified.
    findings = run_rules(year, rule_ids=["STAFF-CERTIFICATES"], as_of=ctx.as_of)
    inst = {
        code: (kind, status, county)
        for code, kind, status, county in Institution.objects.values_list(
            "code", "kind", "licence_status", "county_id"
        )
    }
    preschool = {str(k) for k in (InstitutionKind.KINDERGARTEN, InstitutionKind.ATTACHED_CLASS)}
    flagged = Counter(
        inst[f.entity_code][2]
        for f in findings
        if inst[f.entity_code][0] in preschool and inst[f.entity_code][1] != LicenceStatus.UNLICENSED
    )
    uncertified = (
        ind["kg_teachers"]
        - ind["kg_teachers_certified"]
        + ind["kg_principals"]
        - ind["kg_principals_certified"]
    )
    assert flagged == uncertified
    # The attached class's primary-certified teacher is qualified both ways.
    assert not [f for f in findings if f.details.get("staff") == "附设班教师"]
    attached = planted["attached"]
    assert counted.filter(quals.qualified("teacher").q(), institution=attached, name="附设班教师").exists()


def test_county_rules_read_the_indicators_counts(demo, monkeypatch):
    """COUNTY-TEACHER-RATIO's children and teachers are the indicator's (with the limit at one
    child per teacher, every county is flagged and shows its counts): the unlicensed
    kindergarten's 60 children and its teacher are in neither."""
    year, planted = demo
    ctx = _context(year)
    ind = {
        **_indicator_side(year, "classes", ["children_enrolled"]),
        **_indicator_side(year, "staff", ["kg_teachers"]),
    }
    param = RuleContext.param
    monkeypatch.setattr(
        RuleContext,
        "param",
        lambda self, spec: 1 if spec == "assessment.children_per_teacher_max" else param(self, spec),
    )
    findings = run_rules(year, rule_ids=["COUNTY-TEACHER-RATIO"], as_of=ctx.as_of)
    county_pk = dict(Institution.objects.values_list("county__code", "county_id").distinct())
    assert len(findings) == len(ind["children_enrolled"]) > 1
    for f in findings:
        assert f.details["children"] == ind["children_enrolled"][county_pk[f.division]]
        assert f.details["teachers"] == ind["kg_teachers"][county_pk[f.division]]
    assert planted["unlicensed"].county.code in {f.division for f in findings}
