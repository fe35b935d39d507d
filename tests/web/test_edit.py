"""Edit forms for an institution's record: who may edit what (a matrix), edits through the registry
actions with a reason and a history entry, per-field errors, renames, identity numbers, and
refusal of an edit to a record changed since the form was opened."""

import datetime as dt
import re

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.common.models import RecordEdit
from eduplan.registry import actions, identity
from eduplan.registry.choices import Role
from eduplan.registry.models import DataVersion, Institution, NameChange, SchoolClass, StaffMember
from tests.factories import mini_city

pytestmark = pytest.mark.django_db

PW = "pw-123456"
ID_NUMBER = identity.make_number("530402", dt.date(1990, 5, 17), 123)


@pytest.fixture
def city():
    m = mini_city()
    m.cls = actions.record_class(
        m.kg_a, school_year=2024, name="中一班", age_group="middle", boys=10, girls=12
    )
    m.cls_b = actions.record_class(
        m.kg_b, school_year=2024, name="中一班", age_group="middle", boys=8, girls=8
    )
    create_user_with_role("cityo", PW, Role.CITY_OFFICER, division=m.city)
    create_user_with_role("ca", PW, Role.COUNTY_OFFICER, division=m.county_a)
    create_user_with_role("cb", PW, Role.COUNTY_OFFICER, division=m.county_b)
    create_user_with_role("viewer", PW, Role.VIEWER, division=m.county_a)
    create_user_with_role("sup", PW, Role.SUPERVISOR, supervised=[m.kg_a])
    create_user_with_role("pa", PW, Role.PRINCIPAL, institution=m.kg_a)
    create_user_with_role("pb", PW, Role.PRINCIPAL, institution=m.kg_b)
    return m


def login(client, username):
    assert client.login(username=username, password=PW)
    return client


def _form(client, url):
    """GET a form and return its fields' current values (as a browser would post them back)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    data = {}
    for m in re.finditer(r"<input([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                data[name] = "on"
        else:
            data[name] = attrs.get("value", "")
    for m in re.finditer(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(2))
        data[m.group(1)] = selected.group(1) if selected else ""
    return data


# ------------------------------------------------------------------------------ permission matrix

# who → (institution own fields, K1 class edit) as HTTP status of the GET of the form
MATRIX = [
    ("cityo", 200, 200),
    ("ca", 200, 200),
    ("cb", 404, 404),  # another county: the institution is not even visible
    ("viewer", 403, 403),
    ("sup", 403, 403),
    ("pa", 403, 200),  # a principal writes classes, staff, safety, fees of own school, not its fields
    ("pb", 404, 404),  # another school
]


@pytest.mark.parametrize(("username", "own_fields", "class_edit"), MATRIX)
def test_who_may_open_which_form(client, city, username, own_fields, class_edit):
    login(client, username)
    assert client.get("/office/institutions/K1/edit/").status_code == own_fields
    assert client.get("/office/institutions/K1/rename/").status_code == own_fields
    assert client.get(f"/office/institutions/K1/classes/{city.cls.pk}/edit/").status_code == class_edit
    assert client.get("/office/institutions/K1/staff/add/").status_code == class_edit


@pytest.mark.parametrize(("username", "own_fields", "class_edit"), MATRIX)
def test_refused_posts_change_nothing(client, city, username, own_fields, class_edit):
    login(client, username)
    before = DataVersion.objects.values_list("version", flat=True).first()
    data = {"seats": "999", "reason": "试图修改", "version": "x"}
    response = client.post("/office/institutions/K1/edit/", data)
    # Those who may edit get the form back (fields missing, stale version); the others are refused.
    assert response.status_code == (400 if own_fields == 200 else own_fields)
    assert Institution.objects.get(code="K1").seats == 180
    assert DataVersion.objects.values_list("version", flat=True).first() == before


@pytest.mark.parametrize(
    ("username", "buttons"),
    [("ca", True), ("cityo", True), ("viewer", False), ("sup", False), ("pa", False)],
)
def test_edit_buttons_only_for_those_who_may_edit(client, city, username, buttons):
    login(client, username)
    page = client.get("/office/institutions/K1/").content.decode()
    assert ("/office/institutions/K1/edit/" in page) is buttons
    assert ("/office/institutions/K1/rename/" in page) is buttons
    class_link = f"/office/institutions/K1/classes/{city.cls.pk}/edit/" in page
    assert class_link is (username in ("ca", "cityo", "pa"))


def test_another_schools_class_is_not_reachable_through_own_school(client, city):
    login(client, "pa")
    assert client.get(f"/office/institutions/K1/classes/{city.cls_b.pk}/edit/").status_code == 404


# ------------------------------------------------------------------------------ edits and history


def test_county_officer_edits_capacity_with_reason_and_sees_it_in_history(client, city):
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/edit/")
    data.update(seats="240", reason="新建教学楼投入使用")
    response = client.post("/office/institutions/K1/edit/", data)
    assert response.status_code == 302 and response["Location"].endswith("/office/institutions/K1/#history")
    inst = Institution.objects.get(code="K1")
    assert inst.seats == 240
    latest = inst.history.first()
    assert latest.history_user.username == "ca" and latest.history_change_reason == "新建教学楼投入使用"
    page = client.get("/office/institutions/K1/").content.decode()
    history = page.split('id="history"')[1]
    assert "新建教学楼投入使用" in history and "180 → 240" in history and "ca" in history


def test_reason_is_required_and_errors_are_shown_per_field(client, city):
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/edit/")
    data.update(seats="-5", reason="")
    response = client.post("/office/institutions/K1/edit/", data)
    assert response.status_code == 400
    html = response.content.decode()
    seats = html.split('id="field-seats"')[1].split("</div>")[0]
    reason = html.split('id="field-reason"')[1].split("</div>")[0]
    assert 'class="error"' in seats and "0" in seats  # 确保该值大于或等于 0
    assert "这个字段是必填项" in reason
    assert Institution.objects.get(code="K1").seats == 180


def test_model_validation_errors_land_on_their_field(client, city):
    """A public kindergarten cannot be recognised inclusive (that is for private ones)."""
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/edit/")
    data.update(inclusive="on", inclusive_since="2024-01-01", reason="认定普惠")
    response = client.post("/office/institutions/K1/edit/", data)
    assert response.status_code == 400
    field = response.content.decode().split('id="field-inclusive"')[1].split("</div>")[0]
    assert "普惠认定只适用于民办园" in field


def test_edit_refused_when_the_record_changed_since_the_form_was_opened(client, city):
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/edit/")
    # Meanwhile somebody else changes the address.
    actions.update_fields(city.kg_a, {"address": "玉兴路 8 号"}, reason="另一位干部修改")
    data.update(seats="300", reason="扩班")
    response = client.post("/office/institutions/K1/edit/", data)
    assert response.status_code == 409
    assert "已被修改" in response.content.decode()
    inst = Institution.objects.get(code="K1")
    assert inst.seats == 180 and inst.address == "玉兴路 8 号"


def test_rename_goes_through_the_rename_action(client, city):
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/rename/")
    data.update(new_name="玉溪市红塔区玉兴街道中心幼儿园", changed_on="2024-06-01", reason="规范园名")
    assert client.post("/office/institutions/K1/rename/", data).status_code == 302
    change = NameChange.objects.get(institution__code="K1")
    assert (change.old_name, change.new_name, change.reason) == (
        "玉兴街道中心幼儿园",
        "玉溪市红塔区玉兴街道中心幼儿园",
        "规范园名",
    )
    page = client.get("/office/institutions/K1/").content.decode()
    assert "玉兴街道中心幼儿园 → 玉溪市红塔区玉兴街道中心幼儿园" in page


def test_the_own_fields_form_has_no_name_field(client, city):
    login(client, "ca")
    assert 'name="name"' not in client.get("/office/institutions/K1/edit/").content.decode()


def test_principal_edits_a_class_of_own_school_and_the_edit_is_logged(client, city):
    login(client, "pa")
    url = f"/office/institutions/K1/classes/{city.cls.pk}/edit/"
    data = _form(client, url)
    assert data["boys"] == "10"
    data.update(boys="11", reason="转入一名幼儿")
    assert client.post(url, data).status_code == 302
    assert SchoolClass.objects.get(pk=city.cls.pk).boys == 11
    # The class's creation by the fixture (no user: like an import) is logged too, as an "add".
    assert RecordEdit.objects.get(institution=city.kg_a, action="add").user is None
    log = RecordEdit.objects.get(institution=city.kg_a, action="change")
    assert log.user.username == "pa" and log.reason == "转入一名幼儿"
    assert ["男 boys", "10", "11"] in log.changes
    page = client.get("/office/institutions/K1/").content.decode().split('id="history"')[1]
    assert "转入一名幼儿" in page and "10 → 11" in page


def test_class_validation_error_is_shown_on_its_field(client, city):
    login(client, "pa")
    url = f"/office/institutions/K1/classes/{city.cls.pk}/edit/"
    data = _form(client, url)
    data.update(age_group="g10", reason="改年级")
    response = client.post(url, data)
    assert response.status_code == 400
    field = response.content.decode().split('id="field-age_group"')[1].split("</div>")[0]
    assert "不符" in field


def test_principal_adds_a_class_with_a_reason(client, city):
    login(client, "pa")
    data = {
        "school_year": "2024",
        "name": "小一班",
        "age_group": "small",
        "boys": "9",
        "girls": "9",
        "minority": "0",
        "age_under3": "0",
        "age_3": "0",
        "age_4": "0",
        "age_5": "0",
        "age_over5": "0",
        "reason": "新开班",
    }
    assert client.post("/office/institutions/K1/classes/add/", data).status_code == 302
    new = SchoolClass.objects.get(institution=city.kg_a, name="小一班")
    assert new.headcount == 18
    assert RecordEdit.objects.get(object_id=new.pk, model="SchoolClass").action == "add"


STAFF = {
    "name": "李老师",
    "sex": "F",
    "role": "teacher",
    "certificate": "kg_teacher",
    "employment": "contract",
    "training_hours": "0",
    "start_date": "2024-09-01",
    "reason": "新聘教师",
}


def test_staff_identity_number_is_hashed_and_never_shown_back(client, city):
    login(client, "pa")
    response = client.post("/office/institutions/K1/staff/add/", {**STAFF, "identity_number": ID_NUMBER})
    assert response.status_code == 302
    member = StaffMember.objects.get(institution=city.kg_a)
    assert member.id_hash == identity.hash_number(ID_NUMBER) and member.id_last4 == ID_NUMBER[-4:]
    page = client.get("/office/institutions/K1/").content.decode()
    assert ID_NUMBER not in page and identity.mask(ID_NUMBER) in page
    assert member.history.first().history_change_reason == "新聘教师"
    edit_form = client.get(f"/office/institutions/K1/staff/{member.pk}/edit/").content.decode()
    assert ID_NUMBER not in edit_form and "identity_number" not in edit_form


def test_a_wrong_identity_number_is_refused_and_not_echoed(client, city):
    login(client, "pa")
    wrong = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    response = client.post("/office/institutions/K1/staff/add/", {**STAFF, "identity_number": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    field = html.split('id="field-identity_number"')[1].split("</div>")[0]
    assert "校验位错误" in field
    assert wrong not in html
    assert not StaffMember.objects.exists()


def test_fee_and_safety_records_added_and_edited_with_history(client, city):
    login(client, "ca")
    fee = {
        "monthly_fee": "680",
        "effective_on": "2024-09-01",
        "filed_on": "2024-07-20",
        "reason": "新学期收费",
    }
    assert client.post("/office/institutions/K1/fees/add/", fee).status_code == 302
    fee_row = city.kg_a.fees.get()
    url = f"/office/institutions/K1/fees/{fee_row.pk}/edit/"
    data = _form(client, url)
    data.update(monthly_fee="650", reason="物价局核定")
    assert client.post(url, data).status_code == 302
    safety = {
        "checked_on": "2024-10-08",
        "full_time_guard": "on",
        "one_key_alarm": "on",
        "reason": "秋季检查",
    }
    assert client.post("/office/institutions/K1/safety/add/", safety).status_code == 302
    page = client.get("/office/institutions/K1/").content.decode().split('id="history"')[1]
    assert "物价局核定" in page and "680.00 → 650.00" in page and "秋季检查" in page


def test_nothing_changed_is_not_saved(client, city):
    login(client, "ca")
    data = _form(client, "/office/institutions/K1/edit/")
    count = Institution.history.filter(id=city.kg_a.pk).count()
    data["reason"] = "无修改"
    assert client.post("/office/institutions/K1/edit/", data).status_code == 400
    assert Institution.history.filter(id=city.kg_a.pk).count() == count


def test_english_switch_shows_english_labels(client, city):
    login(client, "ca")
    client.cookies["django_language"] = "en"
    data = _form(client, "/office/institutions/K1/edit/")
    data.update(seats="abc", reason="x")
    html = client.post("/office/institutions/K1/edit/", data).content.decode()
    assert "Enter a whole number" in html
