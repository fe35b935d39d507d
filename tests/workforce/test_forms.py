"""Entry forms on the workforce register pages: who gets a form, who gets 403, what is written."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from eduplan.workforce.models import (
    EthicsAssessment,
    EvaluationScheme,
    NegativeListEntry,
    PerformancePay,
    TrainingRecord,
)

from .helpers import PASSWORD, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def client_for(user) -> Client:
    c = Client(enforce_csrf_checks=False)
    c.login(username=user.get_username(), password=PASSWORD)
    return c


def training_post(inst, member, **kw):
    data = {
        "institution": inst.pk,
        "staff": member.pk,
        "level": "county",
        "course": "县级班主任培训",
        "hours": "24",
        "start_date": "2024-03-01",
        "end_date": "2024-03-05",
        "provider": "红塔区教师进修学校",
    }
    data.update(kw)
    return data


def test_county_officer_adds_training_for_own_county(w):
    officer = w.users["county_own"]
    c = client_for(officer)
    page = c.get("/office/workforce/training/")
    assert 'name="course"' in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    # picking the institution lists its staff, by name and masked identity number only
    page = c.get(f"/office/workforce/training/?institution={w.m.hs_a.pk}").content.decode()
    assert f"王老师 ({w.teacher.masked_id})" in page
    assert w.teacher.id_hash not in page

    response = c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher))
    assert response.status_code == 302
    assert response["Location"] == "/office/workforce/training/?saved=1"
    record = TrainingRecord.objects.get()
    assert (record.staff, record.hours, record.year) == (w.teacher, 24, 2024)
    assert record.history.get().history_user == officer
    listing = c.get(response["Location"]).content.decode()
    assert "县级班主任培训" in listing and "已保存" in listing

    # the same course and start date again is an edit, kept in the history
    c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher, hours="30"))
    record.refresh_from_db()
    assert record.hours == 30
    assert record.history.count() == 2
    assert record.history.first().history_change_reason.startswith("修改")


def test_county_officer_cannot_add_for_another_countys_staff(w):
    c = client_for(w.users["county_own"])
    response = c.post("/office/workforce/training/", training_post(w.teacher_b.institution, w.teacher_b))
    assert response.status_code in (403, 404)
    # another county's staff under an own-county institution is refused too
    response = c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher_b))
    assert response.status_code in (403, 404)
    assert not TrainingRecord.objects.exists()
    # and not even offered
    page = c.get(f"/office/workforce/training/?institution={w.teacher_b.institution_id}").content.decode()
    assert "赵老师" not in page


@pytest.mark.parametrize("role", ["supervisor_own", "viewer_city", "viewer_county"])
@pytest.mark.parametrize("key", ["training", "pay", "schemes", "publicity"])
def test_viewer_and_supervisor_get_no_form_and_403(w, role, key):
    c = client_for(w.users[role])
    page = c.get(f"/office/workforce/{key}/")
    assert page.status_code == 200
    assert 'id="entry"' not in page.content.decode()
    response = c.post(f"/office/workforce/{key}/", training_post(w.m.hs_a, w.teacher))
    assert response.status_code == 403
    assert not TrainingRecord.objects.exists()


def ethics_post(w, **kw):
    data = {"institution": w.m.hs_a.pk, "staff": w.teacher.pk, "year": "2024", "result": "excellent"}
    data.update(kw)
    return data


def negative_post(w):
    return {
        "institution": w.m.hs_a.pk,
        "staff": w.teacher.pk,
        "category": "paid_tutoring",
        "occurred_on": "2024-04-01",
        "decided_on": "2024-05-01",
        "consequence": "warning",
        "ban_years": "0",
    }


def test_principal_assesses_own_teacher_but_does_not_write_negative_list(w):
    c = client_for(w.users["principal_own"])
    assert 'name="result"' in c.get("/office/workforce/ethics/").content.decode()
    assert c.post("/office/workforce/ethics/", ethics_post(w)).status_code == 302
    assessment = EthicsAssessment.objects.get()
    assert assessment.result == "excellent"
    assert assessment.history.get().history_user == w.users["principal_own"]

    # the negative list: the page is readable, but bureaus decide — no form, 403 on POST
    page = c.get("/office/workforce/negative/")
    assert page.status_code == 200 and 'name="consequence"' not in page.content.decode()
    assert c.post("/office/workforce/negative/", negative_post(w)).status_code == 403
    assert not NegativeListEntry.objects.exists()


def test_principal_of_another_school_cannot_assess(w):
    c = client_for(w.users["principal_same_county"])
    assert c.post("/office/workforce/ethics/", ethics_post(w)).status_code == 403
    assert not EthicsAssessment.objects.exists()


def test_county_officer_writes_negative_list_supervisor_gets_403(w):
    c = client_for(w.users["county_own"])
    assert 'name="consequence"' in c.get("/office/workforce/negative/").content.decode()
    assert c.post("/office/workforce/negative/", negative_post(w)).status_code == 302
    assert NegativeListEntry.objects.get().consequence == "warning"
    sup = client_for(w.users["supervisor_own"])
    assert sup.post("/office/workforce/ethics/", ethics_post(w)).status_code == 403
    assert EthicsAssessment.objects.count() == 0


def test_validation_error_shown_on_field_and_nothing_written(w):
    c = client_for(w.users["county_own"])
    response = c.post(
        "/office/workforce/training/",
        training_post(w.m.hs_a, w.teacher, start_date="2024-03-05", end_date="2024-03-01", hours="abc"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "结束日期不能早于开始日期" in page.split('id="field-end_date"')[1].split("</p>")[0]
    assert "输入一个数字" in page.split('id="field-hours"')[1].split("</p>")[0]
    assert not TrainingRecord.objects.exists()


def test_model_error_from_the_action_lands_on_its_field(w):
    # a negative-list "no promotion" needs the years barred: the model says so, the form shows it
    c = client_for(w.users["county_own"])
    data = negative_post(w) | {"consequence": "no_promotion"}
    page = c.post("/office/workforce/negative/", data).content.decode()
    assert "取消评优评先须填写影响期年限" in page.split('id="field-ban_years"')[1].split("</p>")[0]
    assert not NegativeListEntry.objects.exists()


def test_english_labels_and_errors(w):
    c = client_for(w.users["county_own"])
    c.cookies["django_language"] = "en"
    page = c.post(
        "/office/workforce/training/",
        training_post(w.m.hs_a, w.teacher, start_date="2024-03-05", end_date="2024-03-01"),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "the end date cannot be before the start date" in page
    assert "Training programme" in page and "List this institution's staff" in page


def test_pay_and_scheme_forms(w):
    c = client_for(w.users["county_own"])
    pay = {
        "institution": w.m.hs_a.pk,
        "year": "2024",
        "frontline_amount": "600000",
        "frontline_count": "50",
        "class_teacher_amount": "300000",
        "class_teacher_count": "20",
        "other_amount": "100000",
        "other_count": "10",
        "total": "999999",
    }
    page = c.post("/office/workforce/pay/", pay).content.decode()
    assert "总额应等于三类人员金额之和" in page.split('id="field-total"')[1].split("</p>")[0]
    assert not PerformancePay.objects.exists()
    assert c.post("/office/workforce/pay/", pay | {"total": ""}).status_code == 302
    assert PerformancePay.objects.get().total == 1_000_000

    scheme = {
        "county": w.m.county_a.pk,
        "year": "2024",
        "title": "红塔区高中办学质量评价方案",
        "target": "schools",
        "criteria": "立德树人|moral|30\n教育教学过程|teaching|40\n升学率|admission_rate|150",
    }
    page = c.post("/office/workforce/schemes/", scheme).content.decode()
    assert "第 3 行:权重应大于0且不超过100" in page.split('id="field-criteria"')[1].split("</p>")[0]
    assert not EvaluationScheme.objects.exists()
    scheme["criteria"] = "立德树人|moral|30\n教育教学过程|教育教学过程|40\n升学率|admission_rate|30"
    assert c.post("/office/workforce/schemes/", scheme).status_code == 302
    saved = EvaluationScheme.objects.get()
    assert sorted(saved.criteria.values_list("category", flat=True)) == [
        "admission_rate",
        "moral",
        "teaching",
    ]
    # a principal may not write schemes (bureaus only)
    p = client_for(w.users["principal_own"])
    assert 'id="entry"' not in p.get("/office/workforce/schemes/").content.decode()


def test_csrf_is_enforced(w):
    c = Client(enforce_csrf_checks=True)
    c.login(username="ca", password=PASSWORD)
    assert c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher)).status_code == 403
    assert not TrainingRecord.objects.exists()


# -- editing an existing row: "修改" links, prefilled forms ----------------------------------------


def _edit_link(page: str, pk: int) -> bool:
    return f'href="?edit={pk}#entry"' in page


def test_county_officer_edits_training_via_its_link(w):
    c = client_for(w.users["county_own"])
    assert c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher)).status_code == 302
    record = TrainingRecord.objects.get()
    listing = c.get("/office/workforce/training/").content.decode()
    assert _edit_link(listing, record.pk)

    page = c.get(f"/office/workforce/training/?edit={record.pk}").content.decode()
    form = page.split('id="entry"')[1]
    assert f'name="edit" value="{record.pk}"' in form
    assert 'value="县级班主任培训"' in form and 'value="24.0"' in form and 'value="2024-03-05"' in form
    assert f'<option value="{w.teacher.pk}" selected>王老师 ({w.teacher.masked_id})</option>' in form
    # the key (staff, course, start date) is locked; identity numbers never appear
    for locked in ("staff", "course", "start_date"):
        assert "disabled" in form.split(f'id="field-{locked}"')[1].split("</p>")[0]
    assert "列出该机构教职工" not in form
    assert "disabled" not in form.split('id="field-hours"')[1].split("</p>")[0]
    assert w.teacher.id_hash not in page

    # the browser posts only the enabled fields (disabled ones are not submitted)
    data = training_post(w.m.hs_a, w.teacher, hours="30")
    for locked in ("institution", "staff", "course", "start_date"):
        data.pop(locked)
    response = c.post("/office/workforce/training/", data | {"edit": record.pk})
    assert response.status_code == 302
    assert TrainingRecord.objects.count() == 1
    record.refresh_from_db()
    assert record.hours == 30
    assert record.history.count() == 2
    assert record.history.first().history_change_reason == "修改 changed: hours"
    assert record.history.first().history_user == w.users["county_own"]

    # posting another key under edit cannot move the row: locked fields keep the row's values
    c.post("/office/workforce/training/", data | {"edit": record.pk, "course": "别的课程"})
    assert list(TrainingRecord.objects.values_list("course", flat=True)) == ["县级班主任培训"]


def test_scheme_edit_prefills_its_criteria(w):
    c = client_for(w.users["county_own"])
    scheme = {
        "county": w.m.county_a.pk,
        "year": "2024",
        "title": "红塔区高中办学质量评价方案",
        "target": "schools",
        "criteria": "立德树人|moral|30\n教育教学过程|teaching|40.5\n升学率|admission_rate|29.5",
    }
    assert c.post("/office/workforce/schemes/", scheme).status_code == 302
    saved = EvaluationScheme.objects.get()
    listing = c.get("/office/workforce/schemes/").content.decode()
    # one table row per criterion, each with the scheme's link
    assert listing.count(f'href="?edit={saved.pk}#entry"') == 3
    page = c.get(f"/office/workforce/schemes/?edit={saved.pk}").content.decode()
    criteria = page.split('id="field-criteria"')[1].split("</p>")[0]
    assert "教育教学过程|teaching|40.5" in criteria
    assert "立德树人|moral|30\n" in criteria and "升学率|admission_rate|29.5" in criteria
    # change the weights, resubmit the prefilled lines: same scheme, criteria replaced
    edited = {"target": "schools", "criteria": "立德树人|moral|40\n教育教学过程|teaching|60"}
    assert c.post("/office/workforce/schemes/", edited | {"edit": saved.pk}).status_code == 302
    assert EvaluationScheme.objects.get().pk == saved.pk
    assert dict(saved.criteria.values_list("name", "weight")) == {"立德树人": 40, "教育教学过程": 60}


@pytest.mark.parametrize("role", ["viewer_county", "supervisor_own"])
def test_read_only_user_gets_no_edit_link_and_403(w, role):
    c = client_for(w.users["county_own"])
    c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher))
    record = TrainingRecord.objects.get()
    reader = client_for(w.users[role])
    page = reader.get("/office/workforce/training/").content.decode()
    assert "县级班主任培训" in page  # the row is shown …
    assert "?edit=" not in page  # … without a link
    assert reader.get(f"/office/workforce/training/?edit={record.pk}").status_code == 403
    assert reader.post("/office/workforce/training/", {"edit": record.pk, "hours": "99"}).status_code == 403
    record.refresh_from_db()
    assert record.hours == 24


def test_principal_edits_own_school_but_not_the_negative_list(w):
    c = client_for(w.users["county_own"])
    c.post("/office/workforce/negative/", negative_post(w))
    c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher))
    entry, record = NegativeListEntry.objects.get(), TrainingRecord.objects.get()
    p = client_for(w.users["principal_own"])
    assert _edit_link(p.get("/office/workforce/training/").content.decode(), record.pk)
    assert "?edit=" not in p.get("/office/workforce/negative/").content.decode()
    assert p.get(f"/office/workforce/negative/?edit={entry.pk}").status_code == 403


def test_another_countys_row_is_404(w):
    other = client_for(w.users["county_other"])
    other.post("/office/workforce/training/", training_post(w.teacher_b.institution, w.teacher_b))
    record = TrainingRecord.objects.get()
    c = client_for(w.users["county_own"])
    assert not _edit_link(c.get("/office/workforce/training/").content.decode(), record.pk)
    assert c.get(f"/office/workforce/training/?edit={record.pk}").status_code == 404
    assert c.post("/office/workforce/training/", {"edit": record.pk, "hours": "99"}).status_code == 404
    assert c.get("/office/workforce/training/?edit=abc").status_code == 404
    record.refresh_from_db()
    assert record.hours == 24


def test_edit_form_in_english(w):
    c = client_for(w.users["county_own"])
    c.post("/office/workforce/training/", training_post(w.m.hs_a, w.teacher))
    record = TrainingRecord.objects.get()
    c.cookies["django_language"] = "en"
    page = c.get(f"/office/workforce/training/?edit={record.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # the record's own words are marked lang="zh" inside the heading: read the heading's text
    text = " ".join(lxml.html.fromstring(page).xpath("string(//*[@id='entry-title'])").split())
    assert text == "Edit: 王老师 县级班主任培训 (24.0)" and "Save changes" in page and "Cancel" in page
