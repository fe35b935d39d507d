"""A principal signs in and lands on their own kindergarten, with a way into its record."""

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from tests.browser.conftest import login
from tests.factories import mini_city

pytestmark = pytest.mark.django_db(transaction=True)


def test_principal_lands_on_my_kindergarten_and_opens_its_record(page, live_server):
    m = mini_city()
    create_user_with_role("principal", "pw-123456", Role.PRINCIPAL, institution=m.kg_b)
    login(page, live_server, "principal")
    page.wait_for_url("**/office/mine/")
    assert "我的幼儿园" in page.inner_text("h1") and m.kg_b.name in page.inner_text("h1")
    main = page.inner_text("main")
    for section in ("待办事项", "整改通知", "规则检查发现的问题", "待补充的数据", "年检结论"):
        assert section in main
    page.click("text=查看和修改本单位信息")
    page.wait_for_url(f"**/office/institutions/{m.kg_b.code}/")
    assert m.kg_b.name in page.inner_text("h1")
