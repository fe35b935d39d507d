"""Entry forms on the programme register pages: scoped choices, writes through the actions with
history, field errors, 403 for users who may not write, city-only certifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.programmes import actions
from eduplan.programmes.models import CountyCertification, Designation, SubsidyDisbursement
from eduplan.registry.choices import Role
from eduplan.rules.catalogue import run_rules
from tests.factories import make_kindergarten
from tests.programmes.test_programmes import city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
D = dt.date
SUBSIDIES = "/office/programmes/subsidies/"


def _payment(inst, **over):
    data = {
        "institution": str(inst.pk),
        "school_year": "2024",
        "children": "100",
        "due_on": "2024-12-31",
        "paid_amount": "60000",
        "paid_on": "2025-01-20",
    }
    return data | over


def test_county_officer_records_a_subsidy_payment_for_own_county(city, client):  # noqa: F811
    actions.set_subsidy_standard(city.county_b, 2024, "600")
    actions.record_disbursement(city.kg_private, 2024, children=100, due_on=D(2024, 12, 31))
    row = SubsidyDisbursement.objects.get()
    client.force_login(city.users["b"])
    page = client.get(SUBSIDIES).content.decode()
    assert "新增记录" in page and 'name="paid_amount"' in page and f"?edit={row.pk}" in page
    # the kindergarten to pick is the county's own inclusive private one only
    assert "K9 江城镇普惠民办园" in page and city.kg_a.name not in page
    edit = client.get(SUBSIDIES, {"edit": row.pk}).content.decode()
    assert 'name="paid_on"' in edit and "disabled" in edit
    resp = client.post(
        SUBSIDIES,
        {
            "edit": row.pk,
            "children": "100",
            "due_on": "2024-12-31",
            "paid_amount": "50000",
            "paid_on": "2025-01-20",
        },
    )
    assert resp.status_code == 302 and resp["Location"].endswith("?saved=1")
    row.refresh_from_db()
    assert row.paid_amount == Decimal("50000") and row.paid_on == D(2025, 1, 20)
    assert row.history.first().history_user == city.users["b"]
    listed = client.get(resp["Location"]).content.decode()
    # due 60000, shortfall 10000, paid 20 days late: on the list and in the rules
    assert "已保存" in listed and "50000" in listed and "10000.00" in listed and ">20<" in listed
    short = run_rules(year=2024, rule_ids=["PROG-SUBSIDY-SHORTFALL"], as_of=D(2025, 3, 1))
    assert [f.entity_code for f in short] == ["K9"] and "10000.00" in short[0].message_zh
    late = run_rules(year=2024, rule_ids=["PROG-SUBSIDY-LATE"], as_of=D(2025, 3, 1))
    assert [f.entity_code for f in late] == ["K9"] and "20天" in late[0].message_zh


def test_a_new_payment_through_the_add_form_and_none_for_another_county(city, client):  # noqa: F811
    client.force_login(city.users["b"])
    resp = client.post(SUBSIDIES, _payment(city.kg_private))
    assert resp.status_code == 302
    assert SubsidyDisbursement.objects.get().paid_amount == Decimal("60000")
    make_kindergarten(
        "K8",
        "玉兴普惠民办园",
        city.town_a,
        ownership="private_nonprofit",
        sponsor="private",
        inclusive=True,
        inclusive_since=D(2020, 1, 1),
    )
    client.force_login(city.users["a"])
    page = client.get(SUBSIDIES).content.decode()
    assert "K8 玉兴普惠民办园" in page and "江城镇普惠民办园" not in page
    assert client.post(SUBSIDIES, _payment(city.kg_private, paid_amount="1")).status_code == 403
    assert SubsidyDisbursement.objects.get().paid_amount == Decimal("60000")
    row = SubsidyDisbursement.objects.get()
    assert client.get(SUBSIDIES, {"edit": row.pk}).status_code == 404
    edit = {
        "edit": row.pk,
        "children": "1",
        "due_on": "2024-12-31",
        "paid_amount": "1",
        "paid_on": "2025-01-01",
    }
    assert client.post(SUBSIDIES, edit).status_code == 404
    row.refresh_from_db()
    assert row.children == 100 and row.history.count() == 1


def test_viewer_gets_no_form_and_403_on_post(city, client):  # noqa: F811
    viewer = create_user_with_role("p_view", "pw-123456", Role.VIEWER, division=city.city).user
    client.force_login(viewer)
    page = client.get(SUBSIDIES).content.decode()
    assert "新增记录" not in page and 'name="paid_amount"' not in page
    assert client.post(SUBSIDIES, _payment(city.kg_private)).status_code == 403
    assert not SubsidyDisbursement.objects.exists()


def test_revoked_before_designated_shows_on_the_field_and_writes_nothing(city, client):  # noqa: F811
    client.force_login(city.users["a"])
    resp = client.post(
        "/office/programmes/designations/",
        {
            "institution": str(city.hs_a.pk),
            "kind": "characteristic",
            "subject": "",
            "level": "city",
            "designated_on": "2024-06-01",
            "revoked_on": "2024-01-01",
            "document": "",
        },
    )
    assert resp.status_code == 200
    form = resp.context["form"]
    assert list(form.errors) == ["revoked_on"]
    assert "撤销日期早于认定日期" in form.errors["revoked_on"][0]
    html = resp.content.decode()
    field = html[html.index('id="field-revoked_on"') :]
    assert field.index("撤销日期早于认定日期") < field.index("</p>")
    assert not Designation.objects.exists()
    # a required field left empty: Django's message, in Chinese, on that field
    resp = client.post(
        "/office/programmes/designations/", {"institution": str(city.hs_a.pk), "kind": "characteristic"}
    )
    assert "这个字段是必填项" in resp.context["form"].errors["designated_on"][0]
    assert not Designation.objects.exists()


def test_only_a_city_officer_records_a_certification(city, client):  # noqa: F811
    url = "/office/programmes/certifications/"
    data = {
        "county": str(city.county_b.pk),
        "kind": "provincial",
        "certified_on": "2024-11-01",
        "document": "",
    }
    client.force_login(city.users["b"])
    assert 'name="certified_on"' not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403
    assert not CountyCertification.objects.exists()
    client.force_login(city.users["city"])
    assert 'name="certified_on"' in client.get(url).content.decode()
    assert client.post(url, data).status_code == 302
    cert = CountyCertification.objects.get()
    assert cert.county == city.county_b and cert.history.first().history_user == city.users["city"]


def test_every_register_page_offers_its_form_to_a_city_officer(city, client):  # noqa: F811
    from eduplan.programmes.forms import FORMS

    client.force_login(city.users["city"])
    for key in FORMS:
        page = client.get(f"/office/programmes/{key}/").content.decode()
        assert "新增记录" in page and "csrfmiddlewaretoken" in page, key
