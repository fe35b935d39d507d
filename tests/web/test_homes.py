"""Role homes: a principal lands on their own institution, a county officer on a grouped to-do list."""

import datetime as dt

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import Role
from eduplan.web.home import group_todos
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    m = mini_city()
    create_user_with_role("principal", "pw-123456", Role.PRINCIPAL, institution=m.kg_b)
    return m


def test_principal_lands_on_own_kindergarten(client, m):
    client.login(username="principal", password="pw-123456")
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].endswith("/office/mine/")
    page = client.get("/office/mine/").content.decode()
    assert "我的幼儿园" in page and m.kg_b.name in page
    assert f'href="/office/institutions/{m.kg_b.code}/"' in page
    assert "整改通知" in page and "待补充的数据" in page


def test_todos_are_grouped_by_kind_with_nearest_due_date_first():
    from eduplan.supervision.reminders import Todo

    day = dt.date(2026, 12, 7)
    items = [
        Todo("monthly_report", f"报送月报 {i}", f"report {i}", day + dt.timedelta(days=10 + i), 10 + i)
        for i in range(5)
    ] + [Todo("order_due", "督促整改", "follow up", day + dt.timedelta(days=3), 3)]
    groups = group_todos(items)
    assert [g.kind for g in groups] == ["order_due", "monthly_report"]
    assert [t.due_on for t in groups[1].items] == sorted(t.due_on for t in groups[1].items)
    assert groups[0].title_zh == "整改督促" and len(groups[1].items) == 5
    tasks = group_todos([Todo("task_due", "推进计划任务:红塔区 PRE-5.1", "task", day, 0)])
    assert tasks[0].title_zh == "计划任务"  # the kind's name, not the first item's title
