"""The complaint workflow (PRE-4.2.2): filing with a tracking code, following it, answering by the
right county's officers, converting into a supervision finding, escalation of overdue complaints,
deletion of old contacts, the public statistics and the officers' pages."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from eduplan.common.workflow import TransitionError
from eduplan.complaints import actions, queries
from eduplan.complaints.models import Complaint, ComplaintContact, ComplaintStatus
from eduplan.portal.directory import directory
from eduplan.supervision.models import FindingCategory, InspectionKind
from tests.portal.helpers import PASSWORD, complaint_post, portal_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return portal_city()


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00"))


def file(city, **kw):
    fields = {"category": "fees", "description": "收取了未公示的费用,每月两百元。"}
    fields.update(kw)
    return actions.file_complaint(city.m.kg_a, **fields)


def test_filing_gives_an_unguessable_code_and_a_deadline(city, portal_settings):
    portal_settings(complaint_response_days=5)
    c = file(city, contact="13800001111", at=at("2025-03-03"))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", c.tracking_code)
    assert c.deadline == dt.date(2025, 3, 8) and c.status == ComplaintStatus.RECEIVED
    assert ComplaintContact.objects.get(complaint=c).contact == "13800001111"
    assert len({file(city).tracking_code for _ in range(20)}) == 20
    # Typed back with dashes, spaces, lower case and O for 0: still found.
    typed = actions.format_code(c.tracking_code).lower().replace("0", "o").replace("-", " - ")
    assert queries.find_by_code(typed) == c
    assert queries.find_by_code("AAAA-BBBB-CCCC") is None and queries.find_by_code("") is None


def test_filing_refuses_bad_input_with_bilingual_messages(city):
    with pytest.raises(ValidationError, match=r"匿名投诉不留联系方式.*anonymous"):
        file(city, anonymous=True, contact="13800001111")
    with pytest.raises(ValidationError, match="至少"):
        file(city, description="太贵")
    with pytest.raises(ValidationError, match="category"):
        file(city, category="politics")
    with pytest.raises(ValidationError, match="directory"):
        actions.file_complaint(city.kg_unlicensed, category="fees", description="这是一个足够长的投诉内容。")
    assert not ComplaintContact.objects.exists()


def test_answer_by_the_kindergartens_county_only(city):
    c = file(city)
    for user in (city.officer_b, city.principal):
        with pytest.raises(PermissionDenied):
            actions.answer_complaint(c, "已核实", user=user)
    actions.answer_complaint(c, "经核实,已责令退费。", user=city.officer_a, at=at("2025-03-04"))
    c.refresh_from_db()
    assert c.status == ComplaintStatus.ANSWERED and c.answered_by == city.officer_a
    with pytest.raises(TransitionError):
        actions.answer_complaint(c, "再次答复", user=city.city)
    view = queries.public_view(c)
    assert view["response"] == "经核实,已责令退费。" and view["unit"] == "红塔区教育体育局"


def test_convert_into_a_supervision_finding_without_the_contact(city):
    c = actions.file_complaint(
        city.m.kg_a, category="abuse", description="老师体罚孩子,罚站一小时。", contact="13800002222"
    )
    with pytest.raises(PermissionDenied):
        actions.convert_complaint_to_finding(c, user=city.officer_b)
    actions.convert_complaint_to_finding(c, user=city.officer_a, severity="high")
    c.refresh_from_db()
    finding = c.finding
    assert finding.category == FindingCategory.ABUSE and finding.severity == "high"
    assert finding.clause == "PRE-4.2.2" and finding.institution == city.m.kg_a
    assert finding.inspection.kind == InspectionKind.SPECIAL
    assert "体罚" in finding.message_zh and "13800002222" not in finding.message_zh + finding.subject
    with pytest.raises(TransitionError):
        actions.convert_complaint_to_finding(c, user=city.officer_a)
    assert c.status == ComplaintStatus.RECEIVED  # converting is not answering


def test_overdue_complaints_escalate_once_and_old_contacts_are_deleted(city, portal_settings):
    portal_settings(complaint_response_days=5, contact_retention_days=30)
    late = file(city, contact="13800003333", at=at("2025-03-01"))  # due 03-06
    fresh = file(city, at=at("2025-03-05"))
    assert actions.escalate_overdue_complaints(dt.date(2025, 3, 6)) == []
    assert actions.escalate_overdue_complaints(dt.date(2025, 3, 7), at=at("2025-03-07", 7)) == [late]
    assert actions.escalate_overdue_complaints(dt.date(2025, 3, 8)) == []  # once
    late.refresh_from_db()
    assert late.escalated and not Complaint.objects.get(pk=fresh.pk).escalated
    assert queries.public_view(late, dt.date(2025, 3, 8))["overdue"]
    actions.answer_complaint(late, "已处理", user=city.officer_a, at=at("2025-03-09"))
    assert actions.purge_expired_contacts(dt.date(2025, 4, 8)) == 0
    assert actions.purge_expired_contacts(dt.date(2025, 4, 9), at=at("2025-04-09", 7)) == 1
    assert not ComplaintContact.objects.exists()
    assert [e.action for e in late.events.all()] == ["received", "escalated", "answered", "contact_purged"]


def test_daily_command(city, portal_settings, capsys):
    portal_settings(complaint_response_days=5)
    file(city, at=at("2025-03-01"))
    call_command("complaints", "daily", "--today", "2025-03-10")
    assert "escalated to the city: 1" in capsys.readouterr().out
    call_command("complaints", "overdue", "--today", "2025-03-10", "--format", "json")
    assert '"days_overdue": 4' in capsys.readouterr().out


def test_statistics_per_county(city, portal_settings):
    portal_settings(complaint_response_days=5)
    a1 = file(city, at=at("2025-03-01"))
    a2 = file(city, at=at("2025-03-02"))
    file(city, at=at("2025-03-03"))
    b1 = actions.file_complaint(
        city.m.kg_b, category="safety", description="大门无人值守,孩子可随意进出。", at=at("2025-03-01")
    )
    actions.answer_complaint(a1, "已处理", user=city.officer_a, at=at("2025-03-03"))  # 2 days, on time
    actions.answer_complaint(a2, "已处理", user=city.officer_a, at=at("2025-03-12"))  # 10 days, late
    stats = queries.complaint_statistics(directory().counties, today=dt.date(2025, 3, 20))
    rows = {r["code"]: r for r in stats["rows"]}
    a, b = rows["530402"], rows["530403"]
    assert (a["received"], a["answered"], a["on_time"], a["on_time_share"], a["average_days"]) == (
        3,
        2,
        1,
        50.0,
        6.0,
    )
    assert (a["open"], a["overdue"]) == (1, 1)
    assert (b["received"], b["answered"], b["overdue"]) == (1, 0, 1) and b["average_days"] is None
    assert stats["total"]["received"] == 4 and stats["years"] == [2025]
    assert b1.kindergarten == city.m.kg_b
    assert queries.complaint_statistics(directory().counties, year=2024)["total"]["received"] == 0


def test_public_pages_file_and_follow_a_complaint(client, city):
    response = client.post("/complaints/new/", complaint_post(client, "K1", contact="13800004444"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', response.content.decode()).group(1)
    page = client.post("/complaints/track/", {"code": code})
    text = page.content.decode()
    assert page.status_code == 200 and "已受理" in text and "兴趣班" in text
    assert "13800004444" not in text  # the code shows the complaint, never the contact
    assert client.post("/complaints/track/", {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 404
    get = client.get("/complaints/track/", {"code": code})  # a code in a URL is never looked up
    assert get.status_code == 200 and "兴趣班" not in get.content.decode()


def test_complaint_form_keeps_input_and_explains_errors(client, city):
    data = complaint_post(client, "K1", description="短", contact="13800005555")
    response = client.post("/complaints/new/", data)
    text = response.content.decode()
    assert response.status_code == 400 and "至少" in text and "13800005555" in text
    assert not Complaint.objects.exists()
    # The picker finds the kindergarten when the form is opened without one.
    assert "春蕾幼儿园" in client.get("/complaints/new/", {"q": "cl"}).content.decode()


def test_officer_pages_are_scoped_and_show_the_contact_to_officers_only(client, city):
    c = file(city, contact="13800006666")
    client.login(username="cb", password=PASSWORD)
    assert c.reference not in client.get("/office/complaints/").content.decode()
    assert client.get(f"/office/complaints/{c.pk}/").status_code == 404
    client.login(username="pa", password=PASSWORD)  # the kindergarten's own principal
    assert client.get("/office/complaints/").status_code == 403
    assert client.get(f"/office/complaints/{c.pk}/").status_code == 403
    client.login(username="ca", password=PASSWORD)
    assert c.reference in client.get("/office/complaints/").content.decode()
    assert "13800006666" in client.get(f"/office/complaints/{c.pk}/").content.decode()
    response = client.post(f"/office/complaints/{c.pk}/", {"action": "answer", "response": "已核实并处理。"})
    assert response.status_code == 302
    assert Complaint.objects.get(pk=c.pk).status == ComplaintStatus.ANSWERED
    response = client.post(
        f"/office/complaints/{c.pk}/", {"action": "answer", "response": "again"}, follow=True
    )
    assert "已答复,不能再次答复" in response.content.decode()
    response = client.post(
        f"/office/complaints/{c.pk}/", {"action": "convert", "message_zh": "收费未公示", "severity": "medium"}
    )
    assert response.status_code == 302 and Complaint.objects.get(pk=c.pk).finding is not None
    assert client.get("/office/complaints/", {"status": "answered"}).status_code == 200


def test_todos_for_county_and_city(city, portal_settings):
    portal_settings(complaint_response_days=5)
    c = file(city, at=at("2025-03-01"))
    todo = queries.complaint_todos(city.officer_a, dt.date(2025, 3, 4))
    assert [t.days_left for t in todo] == [2] and todo[0].url == f"/office/complaints/{c.pk}/"
    assert queries.complaint_todos(city.officer_b, dt.date(2025, 3, 4)) == []
    assert queries.complaint_todos(city.city, dt.date(2025, 3, 4)) == []  # not escalated yet
    actions.escalate_overdue_complaints(dt.date(2025, 3, 7))
    assert len(queries.complaint_todos(city.city, dt.date(2025, 3, 7))) == 1
    assert queries.complaint_todos(city.principal) == []


def test_admin_shows_complaints_read_only_without_contacts(client, city, django_user_model):
    c = file(city, contact="13800008888")
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    assert c.reference in client.get("/admin/complaints/complaint/").content.decode()
    # the address from before complaints had their own app still leads there
    moved = client.get("/admin/portal/complaint/", follow=True)
    assert (
        moved.redirect_chain == [("/admin/complaints/complaint/", 301)]
        and c.reference in moved.content.decode()
    )
    page = client.get(f"/admin/portal/complaint/{c.pk}/change/", follow=True).content.decode()
    assert "收取了未公示的费用" in page and "13800008888" not in page and c.tracking_code not in page
