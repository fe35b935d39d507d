"""Abuse protection of the public portal: CSRF, rate limits per address, the challenge and the
honeypot, size limits, and malicious input (script tags, SQL-looking strings, 1 MB bodies, invalid
UTF-8, NUL bytes) — each refused cleanly, with a status code and a message, never a traceback."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from eduplan.common import protection
from eduplan.complaints.models import Complaint
from tests.portal.helpers import complaint_post, portal_city

pytestmark = pytest.mark.django_db

SQLISH = "'; DROP TABLE portal_complaint; -- OR 1=1"


@pytest.fixture
def city():
    return portal_city()


def test_csrf_is_required_for_posts(city):
    strict = Client(enforce_csrf_checks=True)
    data = complaint_post(strict, "K1")
    assert strict.post("/complaints/new/", data).status_code == 403
    assert strict.post("/complaints/track/", {"code": "AAAA"}).status_code == 403
    # With the form's token (as a browser sends it) the same post goes through.
    page = strict.get("/complaints/new/", {"kindergarten": "K1"}).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = complaint_post(strict, "K1")
    assert strict.post("/complaints/new/", {**data, "csrfmiddlewaretoken": token}).status_code == 200
    assert Complaint.objects.count() == 1
    # With CSRF enforced the middleware reads the form first: a 1 MB body still gets the portal's
    # 413, one beyond Django's DATA_UPLOAD_MAX_MEMORY_SIZE a plain 400 — neither is a server error.
    big = {**complaint_post(strict, "K1"), "csrfmiddlewaretoken": token, "description": "a" * 1_048_576}
    assert strict.post("/complaints/new/", big).status_code == 413
    huge = {**big, "description": "a" * 3_000_000}
    assert strict.post("/complaints/new/", huge).status_code == 400
    assert Complaint.objects.count() == 1


def test_rate_limit_per_address(city, portal_settings):
    portal_settings(track_rate_limit=3, complaint_rate_limit=2)
    for _ in range(3):
        assert Client().post("/complaints/track/", {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    refused = Client().post("/complaints/track/", {"code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "过于频繁" in refused.content.decode() and "too many" in refused.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address has its own allowance
    assert other.post("/complaints/track/", {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    client = Client()
    assert client.post("/complaints/new/", complaint_post(client, "K1")).status_code == 200
    assert client.post("/complaints/new/", complaint_post(client, "K1")).status_code == 200
    assert client.post("/complaints/new/", complaint_post(client, "K1")).status_code == 429
    assert Complaint.objects.count() == 2


def test_challenge_wrong_forged_reused_or_too_fast(client, city, portal_settings):
    wrong = complaint_post(client, "K1")
    wrong["answer"] = str(int(wrong["answer"]) + 1)
    response = client.post("/complaints/new/", wrong)
    assert response.status_code == 400 and "验证题答案不正确" in response.content.decode()
    forged = complaint_post(client, "K1", token="eyJuIjoiYSJ9:forged:sig")
    assert "表单已失效" in client.post("/complaints/new/", forged).content.decode()
    good = complaint_post(client, "K1")
    assert client.post("/complaints/new/", good).status_code == 200
    again = client.post("/complaints/new/", good)  # the same form sent twice (a reload)
    assert again.status_code == 400 and "已提交过" in again.content.decode()
    assert Complaint.objects.count() == 1
    portal_settings(challenge_min_seconds=30)
    fast = client.post("/complaints/new/", complaint_post(client, "K1"))
    assert fast.status_code == 400 and "提交过快" in fast.content.decode()


def test_challenge_token_expires(city, portal_settings):
    challenge = protection.new_challenge()
    with pytest.raises(ValidationError, match="过期"):
        protection.check_challenge(challenge.token, "0", now=time.time() + 10**6)


def test_honeypot_refuses_robots(client, city):
    response = client.post("/complaints/new/", complaint_post(client, "K1", website="http://spam.example"))
    assert response.status_code == 400 and not Complaint.objects.exists()


def test_script_tags_are_refused_and_sql_looking_text_is_just_text(client, city):
    attack = complaint_post(client, "K1", description="<script>alert('x')</script> 收费不合理,请核查。")
    response = client.post("/complaints/new/", attack)
    text = response.content.decode()
    assert response.status_code == 400 and "HTML" in text and "<script>alert" not in text
    contact = complaint_post(client, "K1", contact='<img src=x onerror="alert(1)">')
    assert client.post("/complaints/new/", contact).status_code == 400
    assert not Complaint.objects.exists()
    sql = complaint_post(client, "K1", description=f"{SQL_ISH_PREFIX}{SQLISH}")
    assert client.post("/complaints/new/", sql).status_code == 200
    stored = Complaint.objects.get()
    assert stored.description.endswith(SQLISH)  # stored as typed, the table is still there
    for q in (SQLISH, "' OR '1'='1", "%", "_", "\\"):
        assert client.get("/", {"q": q}).status_code == 200
    assert client.get("/", {"county": SQLISH, "township": SQLISH, "grade": SQLISH}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_complaint")
        assert cursor.fetchone()[0] == 1


SQL_ISH_PREFIX = "收费问题说明如下:"


def test_oversized_bodies_and_fields_are_refused(client, city, portal_settings):
    big = complaint_post(client, "K1", description="费" * 1_000_000)  # a 1 MB+ body
    response = client.post("/complaints/new/", big)
    assert response.status_code == 413 and "过大" in response.content.decode()
    assert client.post("/complaints/track/", {"code": "A" * 1_048_576}).status_code == 413
    portal_settings(description_max_chars=50)
    long = client.post("/complaints/new/", complaint_post(client, "K1", description="费" * 51))
    assert long.status_code == 400 and "最多50个字" in long.content.decode()
    long_query = client.get("/", {"q": "园" * 5000})
    assert long_query.status_code == 200
    assert not Complaint.objects.exists()


def test_invalid_utf8_and_control_characters_are_refused(client, city):
    data = complaint_post(client, "K1")
    body = "&".join(f"{k}={v}" for k, v in data.items() if k != "description").encode()
    body += b"&description=%FF%FE%E6%94%B6%E8%B4%B9abcdefghijk"
    response = client.generic(
        "POST", "/complaints/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    nul = complaint_post(client, "K1", description="收费问题\x00说明如下,请核查处理。")
    assert client.post("/complaints/new/", nul).status_code == 400
    assert client.get("/", {"q": "幼\x00儿园"}).status_code == 200  # dropped from searches
    assert client.get("/?q=%FF%FE%FD").status_code == 200
    assert client.get("/kindergartens/%FF/").status_code == 404
    assert not Complaint.objects.exists()


def test_clean_text_rules():
    ok = protection.clean_text(
        " 您好\n第二行 ", label_zh="内容", label_en="text", max_chars=20, multiline=True
    )
    assert ok == "您好\n第二行"
    for bad in ("a\x07b", "<a href=x>", "</b>", "a\u202eb"):
        with pytest.raises(ValidationError):
            protection.clean_text(bad, label_zh="内容", label_en="text", max_chars=20, multiline=True)
    assert (
        protection.clean_text("1 < 2 and 3 > 2", label_zh="内容", label_en="text", max_chars=40)
        == "1 < 2 and 3 > 2"
    )
    assert protection.clean_query("ｙｘ\x00 \t 园", 10) == "yx 园"
