"""The registry refuses bad data the same way from any path: full_clean and database constraints."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from eduplan.registry import actions
from eduplan.registry.choices import DivisionLevel, Ownership, Sponsor
from eduplan.registry.models import Division, PopulationCount, SchoolClass, StaffMember
from tests.factories import make_division, make_kindergarten, mini_city

pytestmark = pytest.mark.django_db


def test_county_and_city_are_derived_for_every_division():
    m = mini_city()
    assert m.county_a.county_id == m.county_a.pk  # a county is its own county
    assert m.town_a.county_id == m.county_a.pk
    assert m.town_a.city_id == m.city.pk
    assert m.county_b.city_id == m.city.pk


def test_kindergarten_county_is_derived_from_its_township():
    m = mini_city()
    assert m.kg_a.county == m.county_a
    # Moving it to the other county's township moves its county too.
    actions.update_fields(m.kg_a, {"division": m.town_b})
    m.kg_a.refresh_from_db()
    assert m.kg_a.county == m.county_b


def test_codes_are_unique():
    m = mini_city()
    with pytest.raises(ValidationError) as err:
        make_kindergarten("K1", "另一所幼儿园", m.town_a)
    assert "code" in err.value.message_dict
    with pytest.raises(ValidationError):
        make_division("530402", "重复", DivisionLevel.COUNTY, m.city)


def test_class_headcount_cannot_be_negative_in_clean_or_database():
    m = mini_city()
    with pytest.raises(ValidationError) as err:
        actions.record_class(m.kg_a, school_year=2024, name="小一班", age_group="small", boys=-1, girls=10)
    assert "boys" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolClass.objects.create(institution=m.kg_a, school_year=2024, name="x", age_group="small", boys=-3)


def test_class_children_by_age_must_add_up():
    m = mini_city()
    with pytest.raises(ValidationError) as err:
        actions.record_class(
            m.kg_a, school_year=2024, name="小一班", age_group="small", boys=10, girls=10, age_3=15, age_4=2
        )
    assert "age_3" in err.value.message_dict
    ok = actions.record_class(
        m.kg_a, school_year=2024, name="小一班", age_group="small", boys=10, girls=10, age_3=18, age_4=2
    )
    assert ok.headcount == 20


def test_high_school_grade_cannot_be_used_in_a_kindergarten():
    m = mini_city()
    with pytest.raises(ValidationError) as err:
        actions.record_class(m.kg_a, school_year=2024, name="高一1班", age_group="g10", boys=20, girls=20)
    assert "age_group" in err.value.message_dict


def test_dates_are_ordered():
    m = mini_city()
    with pytest.raises(ValidationError):
        actions.update_fields(
            m.kg_a, {"established_on": dt.date(2020, 1, 1), "closed_on": dt.date(2019, 1, 1)}
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Division.objects.filter(pk=m.town_a.pk).update(
            valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2019, 1, 1)
        )
    with pytest.raises(ValidationError):
        actions.add_staff_member(
            m.kg_a,
            identity_number="11010519491231002X",
            name="张三",
            sex="F",
            role="teacher",
            employment="establishment",
            start_date=dt.date(2024, 9, 1),
            end_date=dt.date(2024, 1, 1),
        )
    assert StaffMember.objects.count() == 0


def test_sponsor_must_match_ownership_and_inclusive_is_for_private():
    m = mini_city()
    with pytest.raises(ValidationError) as err:
        make_kindergarten(
            "K9", "某幼儿园", m.town_a, ownership=Ownership.PRIVATE_NONPROFIT, sponsor=Sponsor.EDUCATION_DEPT
        )
    assert "sponsor" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        make_kindergarten("K9", "某幼儿园", m.town_a, inclusive=True, inclusive_since=dt.date(2021, 1, 1))
    assert "inclusive" in err.value.message_dict


def test_population_cell_is_unique_and_band_ordered():
    m = mini_city()
    actions.set_population(m.town_a, year=2024, age_min=3, age_max=3, sex="M", basis="resident", count=100)
    # Setting the same cell again updates it, it does not add a row.
    actions.set_population(m.town_a, year=2024, age_min=3, age_max=3, sex="M", basis="resident", count=120)
    assert PopulationCount.objects.get().count == 120
    with pytest.raises(ValidationError):
        actions.set_population(m.town_a, year=2024, age_min=5, age_max=4, sex="M", basis="resident", count=1)


def test_division_split_keeps_history():
    m = mini_city()
    new = actions.retire_division(
        m.town_a,
        on=dt.date(2023, 1, 1),
        successors=[
            {"code": "530402010", "name": "新甲街道", "level": DivisionLevel.TOWNSHIP},
            {"code": "530402011", "name": "新乙街道", "level": DivisionLevel.TOWNSHIP},
        ],
    )
    assert {d.county_id for d in new} == {m.county_a.pk}
    on_2022 = set(Division.objects.townships().valid_on(dt.date(2022, 6, 1)).values_list("code", flat=True))
    on_2024 = set(Division.objects.townships().valid_on(dt.date(2024, 6, 1)).values_list("code", flat=True))
    assert "530402001" in on_2022 and "530402001" not in on_2024
    assert {"530402010", "530402011"} <= on_2024


def test_edits_keep_history_with_reason():
    m = mini_city()
    actions.rename_institution(m.kg_a, "玉兴街道第一幼儿园", on=dt.date(2024, 3, 1), reason="规范名称")
    history = list(m.kg_a.history.order_by("history_date"))
    assert [h.name for h in history] == ["玉兴街道中心幼儿园", "玉兴街道第一幼儿园"]
    assert history[-1].history_change_reason == "规范名称"
    assert m.kg_a.name_changes.get().old_name == "玉兴街道中心幼儿园"
