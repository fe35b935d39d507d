"""Programme registers: validation, rules (flagged and not flagged), all-or-nothing imports with
row and column, the designation indicators, the incentives list, and scoping on page, API and
export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.api.models import create_token
from eduplan.intake import kinds as intake_kinds
from eduplan.programmes import actions
from eduplan.programmes.kinds import DESIGNATIONS, PROGRAMME_KINDS, SUBSIDIES
from eduplan.programmes.models import (
    Designation,
    DesignationKind,
    ParentCommittee,
    StandardisationProject,
    SubsidyDisbursement,
)
from eduplan.programmes.queries import incentive_list
from eduplan.programmes.transfer import export_registers, import_register
from eduplan.registry import actions as registry_actions
from eduplan.registry.choices import Role
from eduplan.rules.catalogue import run_rules
from tests.factories import make_kindergarten, mini_city
from tests.intake.helpers import write_xlsx

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2025, 3, 1)  # inside school year 2024


@pytest.fixture
def city():
    m = mini_city()
    m.hs_b = registry_actions.create_institution(
        code="H2",
        name="江川一中",
        kind="high_school",
        division=m.town_b,
        ownership="public",
        sponsor="education",
    )
    m.kg_private = make_kindergarten(
        "K9",
        "江城镇普惠民办园",
        m.town_b,
        ownership="private_nonprofit",
        sponsor="private",
        inclusive=True,
        inclusive_since=D(2020, 1, 1),
    )
    registry_actions.record_class(
        m.kg_a, school_year=2024, name="小一班", age_group="small", boys=10, girls=10
    )
    m.users = {
        "city": create_user_with_role("p_city", "pw-123456", Role.CITY_OFFICER, division=m.city).user,
        "a": create_user_with_role("p_county_a", "pw-123456", Role.COUNTY_OFFICER, division=m.county_a).user,
        "b": create_user_with_role("p_county_b", "pw-123456", Role.COUNTY_OFFICER, division=m.county_b).user,
    }
    return m


def findings(rule_id: str, county: str | None = None):
    return run_rules(year=2024, rule_ids=[rule_id], as_of=AS_OF, county=county)


def codes(rule_id: str) -> set[str]:
    return {f.entity_code for f in findings(rule_id)}


# -- models -------------------------------------------------------------------------------------


def test_registers_refuse_rows_that_break_their_rules(city):
    with pytest.raises(ValidationError) as err:
        actions.record_project(
            city.kg_a, title="x", scope="y", budget=1, starts_on=D(2023, 1, 1), ends_on=D(2024, 1, 1)
        )
    assert "institution" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.designate(city.hs_a, DesignationKind.SUBJECT_BASE, designated_on=D(2023, 1, 1))
    assert "subject" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.record_disbursement(city.kg_a, 2024, children=20, due_on=D(2024, 12, 31))
    assert "普惠性民办" in str(err.value)
    with pytest.raises(ValidationError):
        actions.record_project(
            city.hs_a, title="x", scope="y", budget=1, starts_on=D(2024, 1, 1), ends_on=D(2023, 1, 1)
        )


def test_edits_keep_history_and_a_county_officer_cannot_write_another_county(city):
    p = actions.record_project(
        city.hs_a,
        title="一校一案",
        scope="实验室",
        budget=100,
        starts_on=D(2023, 1, 1),
        ends_on=D(2025, 12, 31),
        user=city.users["a"],
    )
    actions.report_project_progress(p, stage="building", completion=40, user=city.users["a"])
    assert [h.completion for h in p.history.order_by("history_date")] == [0, 40]
    with pytest.raises(PermissionDenied):
        actions.report_project_progress(p, stage="building", completion=50, user=city.users["b"])


def test_designating_a_demonstration_kindergarten_marks_the_registry_record(city):
    actions.designate(city.kg_a, DesignationKind.DEMO_KINDERGARTEN, designated_on=D(2024, 1, 1))
    city.kg_a.refresh_from_db()
    assert city.kg_a.is_demonstration
    actions.revoke_designation(Designation.objects.get(institution=city.kg_a), on=D(2024, 6, 1))
    city.kg_a.refresh_from_db()
    assert not city.kg_a.is_demonstration


# -- rules --------------------------------------------------------------------------------------


def test_high_school_without_a_plan_is_flagged_until_it_has_one(city):
    assert codes("PROG-HS-NO-PLAN") == {"H1", "H2"}
    actions.record_project(
        city.hs_a,
        title="一校一案",
        scope="实验室",
        budget=100,
        starts_on=D(2023, 1, 1),
        ends_on=D(2025, 12, 31),
    )
    assert codes("PROG-HS-NO-PLAN") == {"H2"}


def test_project_past_its_end_and_incomplete_is_behind(city):
    p = actions.record_project(
        city.hs_a,
        title="一校一案",
        scope="实验室",
        budget=100,
        starts_on=D(2023, 1, 1),
        ends_on=D(2024, 12, 31),
        stage="building",
        completion=70,
    )
    assert codes("PROG-HS-PLAN-BEHIND") == {"H1"}
    assert "70%" in findings("PROG-HS-PLAN-BEHIND")[0].message_zh
    actions.report_project_progress(p, stage="accepted", completion=100)
    assert codes("PROG-HS-PLAN-BEHIND") == set()


def test_demonstration_flag_without_designation_is_flagged(city):
    registry_actions.update_fields(city.kg_b, {"is_demonstration": True})
    assert codes("PROG-DEMO-KG-SYNC") == {"K2"}
    actions.designate(city.kg_b, DesignationKind.DEMO_KINDERGARTEN, designated_on=D(2024, 1, 1))
    assert codes("PROG-DEMO-KG-SYNC") == set()


def test_group_without_members_is_flagged(city):
    actions.create_group(city.hs_a, name="一中集团", started_on=D(2023, 9, 1))
    assert codes("PROG-GROUP-NO-MEMBERS") == {"H1"}
    actions.add_group_member(city.hs_a, city.hs_b, joined_on=D(2023, 9, 1))
    assert codes("PROG-GROUP-NO-MEMBERS") == set()


def test_group_without_joint_plan_or_shared_activity_is_flagged(city):
    """A group run a school year needs a joint plan, and each member a shared activity within the
    school year's length before the day of judgement."""
    actions.create_group(city.hs_a, name="一中集团", started_on=D(2023, 9, 1))
    actions.add_group_member(city.hs_a, city.hs_b, joined_on=D(2023, 9, 1))
    found = findings("PROG-GROUP-INACTIVE")
    assert sorted(f.subject for f in found) == ["共享活动 shared activities", "共同发展规划 joint plan"]
    actions.create_group(
        city.hs_a,
        name="一中集团",
        started_on=D(2023, 9, 1),
        joint_plan="集团发展规划(2023-2026)",
        joint_plan_adopted_on=D(2023, 10, 1),
    )
    actions.record_group_activity(
        city.hs_a, city.hs_b, held_on=D(2023, 12, 1), title="联合教研", kind="research", evidence="简报"
    )  # more than a school year before the day of judgement: does not count
    found = findings("PROG-GROUP-INACTIVE")
    assert [f.details["members"] for f in found] == [[city.hs_b.code]]
    actions.record_group_activity(
        city.hs_a, city.hs_b, held_on=D(2024, 11, 12), title="联合教研", kind="research", evidence="简报"
    )
    assert codes("PROG-GROUP-INACTIVE") == set()


def test_subsidy_shortfall_and_late_payment_are_flagged(city):
    actions.set_subsidy_standard(city.county_b, 2024, "600")
    d = actions.record_disbursement(
        city.kg_private,
        2024,
        children=100,
        due_on=D(2024, 12, 31),
        paid_amount="50000",
        paid_on=D(2024, 12, 1),
    )
    short = findings("PROG-SUBSIDY-SHORTFALL")
    assert [f.entity_code for f in short] == ["K9"]
    assert "60000.00" in short[0].message_zh and "10000.00" in short[0].message_zh
    assert codes("PROG-SUBSIDY-LATE") == set()
    actions.record_disbursement(
        city.kg_private,
        2024,
        children=100,
        due_on=D(2024, 12, 31),
        paid_amount="60000",
        paid_on=D(2025, 1, 20),
    )
    assert codes("PROG-SUBSIDY-SHORTFALL") == set()
    late = findings("PROG-SUBSIDY-LATE")
    assert [f.entity_code for f in late] == ["K9"] and "20天" in late[0].message_zh
    d.refresh_from_db()
    assert d.paid_amount == Decimal("60000")


def test_unpaid_subsidy_past_due_is_short_and_late_and_missing_standard_is_said(city):
    actions.record_disbursement(city.kg_private, 2024, children=10, due_on=D(2024, 12, 31))
    no_standard = findings("PROG-SUBSIDY-SHORTFALL")
    assert [f.kind for f in no_standard] == ["no_data"]
    actions.set_subsidy_standard(city.county_b, 2024, "500")
    assert codes("PROG-SUBSIDY-SHORTFALL") == {"K9"}
    assert "至今未拨付" in findings("PROG-SUBSIDY-LATE")[0].message_zh


def test_kindergarten_without_parent_committee_is_flagged(city):
    assert {"K1", "K2"} <= codes("PROG-KG-NO-COMMITTEE")
    actions.establish_committee(city.kg_a, established_on=D(2024, 10, 1), members=7)
    assert "K1" not in codes("PROG-KG-NO-COMMITTEE")
    ParentCommittee.objects.update(dissolved_on=D(2025, 1, 1))
    assert "K1" in codes("PROG-KG-NO-COMMITTEE")


# -- imports and exports ------------------------------------------------------------------------


def _sheet(kind, rows):
    header = [[c.header for c in kind.columns], [c.key for c in kind.columns]]
    return {kind.sheet: header + [[r.get(c.key) for c in kind.columns] for r in rows]}


def test_import_is_all_or_nothing_and_names_row_and_column(city, tmp_path):
    good = {"institution_code": "H1", "kind": "online_classroom", "designated_on": "2024-03-01"}
    bad = {
        "institution_code": "H1",
        "kind": "subject_base",
        "subject": "cooking",
        "designated_on": "2024-03-01",
    }
    path = write_xlsx(tmp_path / "d.xlsx", _sheet(DESIGNATIONS, [good, bad]))
    result = import_register(path)
    assert not result.ok and Designation.objects.count() == 0
    problem = result.problems[0]
    assert (problem.row, problem.column) == (4, "subject")
    assert "第4行" in problem.message and "subject" in problem.message
    assert set(PROGRAMME_KINDS).isdisjoint(intake_kinds.KINDS)  # never lent to the registry set
    bad["subject"] = "mathematics"
    result = import_register(write_xlsx(tmp_path / "d2.xlsx", _sheet(DESIGNATIONS, [good, bad])))
    assert result.ok, [p.message for p in result.problems]
    assert Designation.objects.count() == 2


def test_import_refuses_a_model_rule_with_the_cell(city, tmp_path):
    row = {"institution_code": "K1", "school_year": 2024, "children": 10, "due_on": "2024-12-31"}
    result = import_register(write_xlsx(tmp_path / "s.xlsx", _sheet(SUBSIDIES, [row])))
    assert not result.ok
    assert result.problems[0].row == 3 and "普惠性民办" in result.problems[0].message
    assert SubsidyDisbursement.objects.count() == 0


def test_county_officer_cannot_import_rows_of_another_county(city, tmp_path):
    row = {"institution_code": "H2", "kind": "online_classroom", "designated_on": "2024-03-01"}
    result = import_register(
        write_xlsx(tmp_path / "d.xlsx", _sheet(DESIGNATIONS, [row])), user=city.users["a"]
    )
    assert not result.ok and result.problems[0].column == "institution_code"
    assert Designation.objects.count() == 0


def test_export_reimports_unchanged(city, tmp_path):
    actions.designate(city.hs_a, DesignationKind.SUBJECT_BASE, subject="physics", designated_on=D(2023, 6, 1))
    actions.create_group(city.hs_a, name="一中集团", started_on=D(2023, 9, 1))
    actions.add_group_member(city.hs_a, city.hs_b, joined_on=D(2023, 9, 1))
    data, counts = export_registers()
    assert counts["designations"] == 1 and counts["group_members"] == 1
    path = tmp_path / "all.xlsx"
    path.write_bytes(data)
    result = import_register(path)
    assert result.ok and all(c["created"] == c["updated"] == 0 for c in result.counts.values())


# -- indicators and incentives ------------------------------------------------------------------


def test_designations_are_counted_against_the_plan_targets(city):
    from eduplan.metrics.indicators import compute_indicators

    registry_actions.record_class(
        city.hs_a, school_year=2024, name="高一1", age_group="g10", boys=20, girls=20
    )
    actions.designate(city.hs_a, DesignationKind.ONLINE_CLASSROOM, designated_on=D(2024, 3, 1))
    actions.designate(
        city.hs_b, DesignationKind.ONLINE_CLASSROOM, designated_on=D(2024, 10, 1)
    )  # after census
    actions.designate_area(city.county_a, designated_on=D(2024, 1, 1))
    actions.designate_area(city.town_b, designated_on=D(2024, 1, 1), revoked_on=D(2024, 6, 1))
    recs = {
        (r["indicator"], r["division"]): r
        for r in compute_indicators(year=2024, incidents=[])
        if r["indicator"] in ("online_classrooms", "demonstration_areas")
    }
    assert recs[("online_classrooms", "530400")]["value"] == 1
    assert recs[("online_classrooms", "530400")]["target"] == 2
    assert recs[("online_classrooms", "530400")]["met"] is False
    assert recs[("demonstration_areas", "530400")]["value"] == 1
    assert recs[("demonstration_areas", "530402")]["value"] == 1
    assert recs[("demonstration_areas", "530400")]["target"] == 6


def _rec(county, met, year=2024):
    return {
        "level": "county",
        "division": county,
        "year": year,
        "target": 1,
        "met": met,
        "indicator": "x",
        "name_zh": "指标",
    }


def test_incentives_list_counties_meeting_all_targets_or_certified_first(city):
    actions.certify_county(city.county_b, kind="provincial", certified_on=D(2024, 11, 1))
    records = [_rec("530402", True), _rec("530402", True), _rec("530403", False), _rec("530402", False, 2023)]
    rows = {r["county"]: r for r in incentive_list(None, records=records)}
    assert rows["530402"]["eligible"] and rows["530402"]["all_targets_met"]
    assert not rows["530403"]["all_targets_met"] and rows["530403"]["certified_first"]
    assert rows["530403"]["eligible"]
    actions.certify_county(city.county_a, kind="provincial", certified_on=D(2024, 10, 1))
    records[0]["met"] = False
    rows = {r["county"]: r for r in incentive_list(None, records=records)}
    assert rows["530402"]["certified_first"] and not rows["530403"]["certified_first"]
    assert not rows["530403"]["eligible"]
    assert [r["county"] for r in incentive_list(city.users["b"], records=records)] == ["530403"]


# -- scoping on page, API and export ------------------------------------------------------------


@pytest.fixture
def both_counties(city):
    actions.designate(
        city.hs_a, DesignationKind.CHARACTERISTIC, designated_on=D(2023, 6, 1), document="A县文"
    )
    actions.designate(
        city.hs_b, DesignationKind.CHARACTERISTIC, designated_on=D(2023, 6, 1), document="B县文"
    )
    return city


def test_county_officer_sees_only_own_county_on_page_and_page_export(both_counties, client):
    client.force_login(both_counties.users["a"])
    page = client.get("/office/programmes/designations/").content.decode()
    assert "A县文" in page and "B县文" not in page
    resp = client.get("/office/programmes/designations/", {"format": "xlsx", "county": "530403"})
    ws = load_workbook(io.BytesIO(resp.content))[DESIGNATIONS.sheet]
    assert [r for r in ws.iter_rows(min_row=3, values_only=True) if any(r)] == []
    overview = client.get("/office/programmes/").content.decode()
    assert "特色学校" in overview and "名校网络课堂" in overview
    data = client.get("/office/programmes/export/").content
    ws = load_workbook(io.BytesIO(data))[DESIGNATIONS.sheet]
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]] == ["H1"]


def test_county_officer_sees_only_own_county_through_the_api(both_counties, client):
    token = create_token(both_counties.users["a"])[1]
    resp = client.get("/api/programmes/designations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resp.status_code == 200
    assert [i["institution_code"] for i in resp.json()["items"]] == ["H1"]
    resp = client.get(
        "/api/programmes/designations", {"county": "530403"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert resp.json()["count"] == 0
    city_token = create_token(both_counties.users["city"])[1]
    resp = client.get("/api/programmes/designations", HTTP_AUTHORIZATION=f"Bearer {city_token}")
    assert resp.json()["count"] == 2


def test_api_upsert_is_checked_like_an_import(both_counties, client):
    token = create_token(both_counties.users["a"])[1]
    resp = client.post(
        "/api/programmes/hs-projects",
        {
            "rows": [
                {
                    "institution_code": "H2",
                    "title": "t",
                    "scope": "s",
                    "budget": "1.00",
                    "starts_on": "2024-01-01",
                    "ends_on": "2025-01-01",
                }
            ]
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert resp.status_code == 403 and StandardisationProject.objects.count() == 0


def test_cli_lists_and_exports_for_a_user(both_counties, tmp_path, capsys):
    call_command("programmes", "list", "designations", "--format", "json", "--user", "p_county_b")
    out = capsys.readouterr().out
    assert "H2" in out and "H1" not in out
    call_command("programmes", "export", str(tmp_path / "x.xlsx"), "--user", "p_county_a")
    ws = load_workbook(tmp_path / "x.xlsx")[DESIGNATIONS.sheet]
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]] == ["H1"]


def test_the_monthly_notice_names_the_counties_eligible_for_incentives(city):
    import docx
    from openpyxl import load_workbook as open_xlsx

    from eduplan.supervision import notices

    actions.certify_county(city.county_b, kind="provincial", certified_on=D(2024, 11, 1))
    records = [
        {**_rec("530402", True), "division_name": "红塔区", "name_zh": "学前三年毛入园率", "value": 97.0},
        {**_rec("530403", False), "division_name": "江川区", "name_zh": "学前三年毛入园率", "value": 90.0},
    ]
    data = notices.collect_notice_data(D(2025, 3, 1), city=city.city, records=records, as_of=D(2025, 4, 12))
    assert {r["county"]: r["eligible"] for r in data.parts["incentives"]} == {"530402": True, "530403": True}
    doc = docx.Document(io.BytesIO(notices.notice_bytes(data)))
    body = "\n".join(p.text for p in doc.paragraphs)
    expected = "符合激励条件的县(市、区):江川区(率先通过普及普惠认定);红塔区(全部目标达标)"
    assert notices.zh_punct(expected) in body, body[body.find("通报批评") : body.find("工作要求")]
    assert "附表5" in body and notices.zh_punct("符合激励条件的县(市、区)") in body
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "2024-11-01" in cells
    sheet = open_xlsx(io.BytesIO(notices.build_notice_xlsx(data)))["附表5 incentives"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("county", "county_name") and {r[0] for r in rows[1:]} == {"530402", "530403"}


def test_only_the_city_records_certifications_through_any_door(city):
    """The city certifies counties (PRE-5.2): a county officer may not, by import or API either."""
    from eduplan.programmes.kinds import CERTIFICATIONS
    from eduplan.programmes.models import CountyCertification
    from eduplan.programmes.transfer import import_register_rows

    row = {"county_code": "530402", "kind": "provincial", "certified_on": "2024-11-01"}
    refused = import_register_rows(CERTIFICATIONS, [row], user=city.users["a"])
    assert not refused.ok and refused.permission_denied and CountyCertification.objects.count() == 0
    with pytest.raises(PermissionDenied):
        actions.certify_county(
            city.county_a, kind="provincial", certified_on=D(2024, 11, 1), user=city.users["a"]
        )
    accepted = import_register_rows(CERTIFICATIONS, [row], user=city.users["city"])
    assert accepted.ok and CountyCertification.objects.get().county == city.county_a


def test_a_kindergarten_code_in_a_high_school_register_is_named_as_such(city):
    from eduplan.programmes.kinds import PROJECTS
    from eduplan.programmes.transfer import import_register_rows

    row = {"institution_code": "K1", "title": "一校一案", "starts_on": "2024-01-01", "ends_on": "2025-01-01"}
    out = import_register_rows(PROJECTS, [row], user=city.users["city"])
    [p] = [p for p in out.problems if p.code == "wrong_kind"]
    assert p.column == "institution_code"
    assert p.zh.startswith("应为普通高中的代码") and "幼儿园" in p.zh
    assert StandardisationProject.objects.count() == 0
