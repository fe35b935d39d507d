"""Login throttling and the password policy (issue 22, problems 6 and 9).

40 wrong passwords in 13 s, then the right one, used to work. Now failures are counted per user
name and per address; past the limit even the right password is refused until the lockout ends,
with a message that says so. Passwords follow Django's validators (length, common passwords,
similarity to the user's name); an officer changes their own password on a page of their own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db
PW = "Hongta-county-2024!"


@pytest.fixture
def officer():
    cache.clear()
    m = mini_city()
    return create_user_with_role("hongta", PW, Role.COUNTY_OFFICER, division=m.county_a).user


def _login(client, username, password, addr="10.0.0.1"):
    return client.post("/office/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_brute_force_on_one_user_is_locked_out(client, officer, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for i in range(40):
        response = _login(client, "hongta", f"guess-{i}", addr=f"10.0.{i}.9")  # spread over addresses
        assert response.status_code == 200
    response = _login(client, "hongta", PW, addr="10.9.9.9")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "登录失败次数过多" in page and "too many failed" in page


def test_one_address_trying_many_users_is_locked_out(client, officer, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 10
    for i in range(12):
        _login(client, f"user{i}", "wrong-password", addr="10.1.1.1")
    _login(client, "hongta", PW, addr="10.1.1.1")
    assert "_auth_user_id" not in client.session
    _login(client, "hongta", PW, addr="10.2.2.2")  # the officer, from their own desk
    assert "_auth_user_id" in client.session


def test_a_few_mistakes_do_not_lock_anyone_out(client, officer):
    for i in range(3):
        _login(client, "hongta", f"typo-{i}")
    _login(client, "hongta", PW)
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("weak", ["hongta2024", "password123", "12345678901", "short"])
def test_weak_passwords_are_refused_on_the_change_page(client, officer, weak):
    client.post("/office/login/", {"username": "hongta", "password": PW})
    response = client.post(
        "/office/password/", {"old_password": PW, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(PW)


def test_an_officer_changes_their_own_password(client, officer):
    client.post("/office/login/", {"username": "hongta", "password": PW})
    page = client.get("/office/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    new = "Yuxi-lake-blue-water-77"
    response = client.post(
        "/office/password/", {"old_password": PW, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert User.objects.get(username="hongta").check_password(new)
    assert "_auth_user_id" in client.session  # still signed in after the change


def test_an_administrator_resets_a_password(client, officer):
    User.objects.create_superuser("root", "root@example.gov.cn", "Root-admin-password-1")
    client.post("/office/login/", {"username": "root", "password": "Root-admin-password-1"})
    url = f"/admin/auth/user/{officer.pk}/password/"
    assert client.get(url).status_code == 200
    new = "Reset-by-admin-2024-x"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(new)
