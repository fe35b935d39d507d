"""Figures true for their year (issue 16, item 1): a registry that changes over five school years,
built through the import path the API's record endpoints use (``import_rows``), gives for each year
the figures worked out by hand below; a change to today's registry leaves past years alone; a late
correction moves exactly its year and is listed as a correction of a reported year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pytest import approx

from eduplan.intake.importer import REGISTRY_KINDS, import_rows
from eduplan.metrics import engines
from eduplan.metrics.corrections import corrections
from eduplan.metrics.measures import build_measures, compute_measures
from eduplan.metrics.params import load_params
from eduplan.programmes.kinds import CERTIFICATIONS, DESIGNATIONS
from eduplan.programmes.transfer import import_register_rows
from eduplan.registry.models import Division, Institution
from eduplan.supervision.models import Notice

pytestmark = pytest.mark.django_db

YEARS = [2021, 2022, 2023, 2024, 2025]


ROWS: dict[str, dict] = {}  # the full row of each institution as last sent (the import needs one)


def put(kind: str, rows: list[dict], *, on: dt.date | None = None, user=None) -> None:
    """Send ``rows`` (an institution's row: only what changes, merged into its last full row)."""
    if kind in ("kindergartens", "high_schools"):
        rows = [ROWS.setdefault(r["code"], {}) | r for r in rows]
        for r in rows:
            ROWS[r["code"]] = r
    result = import_rows(REGISTRY_KINDS[kind], rows, user=user, effective_from=on)
    assert result.ok, [p.as_dict() for p in result.problems]


def build() -> None:
    ROWS.clear()
    put(
        "divisions",
        [
            {"code": "530400", "name": "玉溪市", "level": "city"},
            {"code": "530402", "name": "红塔区", "level": "county", "parent_code": "530400"},
            {"code": "530402001", "name": "玉兴街道", "level": "township", "parent_code": "530402"},
        ],
    )
    town = {"division_code": "530402001", "established_on": "2010-03-01"}
    put(
        "kindergartens",
        [
            {
                "code": "K1",
                "name": "阳光幼儿园",
                "ownership": "private_nonprofit",
                "sponsor": "private",
                "licence_status": "licensed",
                **town,
            },
            {
                "code": "K2",
                "name": "红塔区第一幼儿园",
                "ownership": "public",
                "sponsor": "education",
                "licence_status": "licensed",
                "grade": "1-2",
                "grade_year": 2015,
                **town,
            },
        ],
    )
    put(
        "high_schools",
        [
            {
                "code": "H1",
                "name": "红塔区第二中学",
                "ownership": "public",
                "sponsor": "education",
                "rating": "p2",
                "is_county_high_school": True,
                "network_connected": False,
                **town,
            },
            {
                "code": "H2",
                "name": "玉溪一中",
                "ownership": "public",
                "sponsor": "education",
                "rating": "p1-2",
                "is_county_high_school": False,
                "network_connected": True,
                **town,
            },
        ],
    )
    classes = []
    for y in YEARS:
        classes += [
            {
                "institution_code": "K1",
                "school_year": y,
                "name": "大一班",
                "age_group": "large",
                "boys": 10,
                "girls": 10,
                "age_5": 20,
            },
            {
                "institution_code": "K2",
                "school_year": y,
                "name": "大一班",
                "age_group": "large",
                "boys": 15,
                "girls": 15,
                "age_5": 30,
            },
            {
                "institution_code": "H1",
                "school_year": y,
                "name": "高一1班",
                "age_group": "g10",
                "is_new_intake": True,
                "boys": 20,
                "girls": 20,
            },
            {
                "institution_code": "H2",
                "school_year": y,
                "name": "高一1班",
                "age_group": "g10",
                "is_new_intake": True,
                "boys": 25,
                "girls": 25,
            },
        ]
    # A junior class of a complete school (完中) is not high-school enrolment nor a 大班额 class.
    classes.append(
        {
            "institution_code": "H1",
            "school_year": 2025,
            "name": "初一1班",
            "age_group": "g7",
            "is_new_intake": True,
            "boys": 35,
            "girls": 30,
        }
    )
    put("classes", classes)
    # The changes of five years, each entered with the date it holds from.
    put("kindergartens", [{"code": "K1", "grade": "2-1", "grade_year": 2022}], on=dt.date(2022, 6, 1))
    put("high_schools", [{"code": "H1", "network_connected": True}], on=dt.date(2022, 8, 1))
    designated = import_register_rows(  # the API's programme-register endpoint
        DESIGNATIONS,
        [{"institution_code": "K2", "kind": "demo_kindergarten", "designated_on": "2023-07-01"}],
    )
    assert designated.ok, [p.as_dict() for p in designated.problems]
    put(
        "kindergartens",
        [{"code": "K1", "ownership": "public", "sponsor": "education"}],
        on=dt.date(2024, 3, 1),
    )
    put("high_schools", [{"code": "H1", "rating": "p1-3"}], on=dt.date(2024, 5, 1))
    put("kindergartens", [{"code": "K2", "grade": "1-1", "grade_year": 2025}], on=dt.date(2025, 2, 1))
    put("high_schools", [{"code": "H2", "is_county_high_school": True}], on=dt.date(2025, 8, 1))
    # PRE-T6 grace: K3 opens in October 2023, after the rating deadline (2022-12-31): due for rating
    # 12 months after its opening (assumption rating-grace), so not in 2024's denominator, in 2025's.
    put(
        "kindergartens",
        [
            {
                "code": "K3",
                "name": "新城幼儿园",
                "ownership": "public",
                "sponsor": "education",
                "licence_status": "licensed",
                "division_code": "530402001",
                "established_on": "2023-10-01",
            }
        ],
    )
    # HS-T7 by design: H3, approved in March 2023 (inside the plan period) for 3,200 seats, over the
    # 3,000 of the standard; redesigned for 2,800 with effect from May 2025.
    put(
        "high_schools",
        [
            {
                "code": "H3",
                "name": "红塔区新区高中",
                "ownership": "public",
                "sponsor": "education",
                "division_code": "530402001",
                "established_on": "2023-03-01",
                "seats": 3200,
                "is_new_build": True,
            }
        ],
    )
    put("high_schools", [{"code": "H3", "seats": 2800}], on=dt.date(2025, 5, 1))
    # PRE-T4 from the certification register (the API's programme-register endpoint): 红塔区 is
    # certified in November 2023 and the certification is revoked in June 2025; it counts on the
    # assessment day (31 December) of 2023 and 2024 only.
    certified = import_register_rows(
        CERTIFICATIONS,
        [
            {
                "county_code": "530402",
                "kind": "provincial",
                "certified_on": "2023-11-01",
                "revoked_on": "2025-06-01",
            }
        ],
    )
    assert certified.ok, [p.as_dict() for p in certified.problems]


# Worked by hand from the changes above, school years 2021 … 2025 (census day 1 September).
EXPECTED = {
    # PRE-T3: K2 (30 children) is public throughout; K1 (20) converts with effect from March 2024.
    "children_public": [30, 30, 30, 50, 50],
    "children_enrolled": [50, 50, 50, 50, 50],
    # PRE-T6: K1 is rated from June 2022 on; K3 (opened October 2023, unrated) is open from 2024
    # and due for rating only once its 12 months' grace is over (2025).
    "kindergartens_rated": [1, 2, 2, 2, 2],
    "kindergartens": [2, 2, 2, 3, 3],
    "kindergartens_due_rating": [2, 2, 2, 2, 3],
    # PRE-T4: the certification is in force on 31 December 2023 and 2024, revoked before 2025's.
    "county_certifications": [0, 0, 1, 1, 0],
    # HS-T7: H3, opened in the plan period, is designed over 3,000 seats until May 2025.
    "new_build_hs_over_limit": [0, 0, 1, 1, 0],
    # PRE-T5: only K2 is first level (1-2, then 1-1); K1's 2-1 is not.
    "first_level_kindergartens": [1, 1, 1, 1, 1],
    "kindergartens_grade_1_1": [0, 0, 0, 0, 1],
    # PRE-T7: K2 is designated a demonstration kindergarten from July 2023 (programme register).
    "demonstration_kindergartens": [0, 0, 1, 1, 1],
    # HS-T2/HS-T4: H2 (50 students) is first level throughout; H1 (40) from May 2024.
    "first_level_high_schools": [1, 1, 1, 2, 2],
    "students_in_first_level_hs": [50, 50, 50, 90, 90],
    "hs_students": [90, 90, 90, 90, 90],
    # HS-T5/HS-T6: grades 10–12 only — the junior class of 65 in 2025 is neither.
    "hs_classes": [2, 2, 2, 2, 2],
    "hs_classes_56_plus": [0, 0, 0, 0, 0],
    "hs_new_intake_classes_over_limit": [0, 0, 0, 0, 0],
    # HS-T10: H1 is connected from August 2022.
    "hs_network_connected": [1, 2, 2, 2, 2],
    # HS-T8: H2 becomes a county high school from August 2025.
    "county_high_schools": [1, 1, 1, 1, 2],
}


def figures() -> dict[str, list[int]]:
    p = load_params()
    df = compute_measures(engines.from_django(), p, build_measures(p))
    df = df.set_index("school_year").sort_index()
    assert list(df.index) == YEARS
    return {name: [int(v) for v in df[name]] for name in EXPECTED}


def test_each_year_reads_the_registry_as_it_stood_then():
    build()
    assert figures() == EXPECTED
    # The verdicts of the named indicators, per year (city 玉溪市 = its one county here).
    from eduplan.metrics.indicators import compute_indicators

    recs = {
        (r["indicator"], r["year"]): r for r in compute_indicators(incidents=[]) if r["division"] == "530400"
    }
    assert [recs["counties_certified_share", y]["value"] for y in YEARS] == [0, 0, 100, 100, 0]
    assert [recs["kindergartens_rated_share", y]["value"] for y in YEARS] == [
        50,
        100,
        100,
        100,
        approx(200 / 3),
    ]
    assert [recs["new_build_hs_over_limit", y]["value"] for y in YEARS] == [0, 0, 1, 1, 0]
    # A ban is compliance now: the 2025 row has no breach and is on track, 2024's is off track.
    assert recs["new_build_hs_over_limit", 2024]["status"] == "off_track"
    assert recs["new_build_hs_over_limit", 2025]["status"] == "on_track"
    assert recs["new_build_hs_over_limit", 2025]["target_kind"] == "ban"
    # Readiness stays an indicator of its own (the assessment set), never PRE-T4's verdict.
    assert recs["counties_ready_share", 2025]["target"] is None
    # Today's registry holds today's values.
    k1 = Institution.objects.get(code="K1")
    assert (k1.ownership, k1.grade) == ("public", "2-1")


def test_changing_today_leaves_past_years_and_a_late_correction_moves_only_its_year():
    build()
    before = figures()
    # Changes in force today (the default effective date): no past year moves.
    put(
        "kindergartens",
        [
            {
                "code": "K2",
                "ownership": "private_nonprofit",
                "sponsor": "private",
                "grade": "2-2",
                "grade_year": 2026,
                "is_demonstration": False,
            }
        ],
    )
    put("high_schools", [{"code": "H2", "rating": "p2", "network_connected": False}])
    assert figures() == before
    assert Institution.objects.get(code="K2").ownership == "private_nonprofit"

    # School year 2023 is reported by a notice of March 2024; then K1's conversion is found to have
    # held from 1 September 2023: a correction of 2023 alone (2024 on already counted it public).
    city = Division.objects.get(code="530400")
    Notice.objects.create(
        city=city,
        period=dt.date(2024, 3, 1),
        year=2024,
        sequence=1,
        number="玉教督〔2024〕1号",
        title="通报",
        issued_at=timezone.now(),
    )
    officer = get_user_model().objects.create_superuser("checker", password="x-Long-pass-1")
    put("kindergartens", [{"code": "K1"}], user=officer, on=dt.date(2023, 9, 1))
    after = figures()
    assert after["children_public"] == [30, 30, 50, 50, 50]
    moved = {k for k in EXPECTED if after[k] != before[k]}
    assert moved == {"children_public"}
    found = corrections()
    assert [(c.school_year, c.institution_code, c.recorded_by) for c in found] == [(2023, "K1", "checker")]
    assert set(found[0].fields) >= {"ownership", "sponsor"}
    assert corrections(2022) == []

    # Visible on that year's figures (the indicator records of 2023 only) …
    from eduplan.metrics import notice
    from eduplan.metrics.indicators import compute_indicators

    recs = [r for r in compute_indicators(incidents=[]) if r["indicator"] == "public_share"]
    flagged = {(r["division"], r["year"]) for r in recs if r["corrections"]}
    assert flagged == {("530402", 2023), ("530400", 2023)}
    row = next(r for r in recs if r["division"] == "530402" and r["year"] == 2023)
    assert row["corrections"][0]["recorded_by"] == "checker" and row["corrections"][0]["institution"] == "K1"
    # … and in the next notice: a paragraph in section 二 and an annex row with who, when, why.
    rows = notice.collect(city, timezone.localdate() + dt.timedelta(days=1))
    assert [(r["school_year"], r["institution"], r["county_name"]) for r in rows] == [(2023, "K1", "红塔区")]
    text = notice.paragraph(rows, "附表7")
    assert "红塔区" in text and "2023—2024学年" in text and "附表7" in text
    assert notice.cells(rows[0])[5] == "checker"
