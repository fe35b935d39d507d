"""The officers' reconciliation page: login required, the user's scope applied, the differences
shown and downloadable as xlsx."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from eduplan.accounts.actions import create_user_with_role
from eduplan.registry.choices import DivisionLevel, Role
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import load_edition
from tests.factories import make_division
from tests.returns.helpers import small_county
from tests.returns.sample import CODE, sample_workbook

pytestmark = pytest.mark.django_db
URL = "/office/returns/reconcile/"


@pytest.fixture
def filed(tmp_path):
    towns = small_county()
    other = make_division("530403", "澄江市", DivisionLevel.COUNTY, towns["city"])
    create_user_with_role("county", "pw-123456", Role.COUNTY_OFFICER, division=towns["county"])
    create_user_with_role("other", "pw-123456", Role.COUNTY_OFFICER, division=other)
    path = sample_workbook(tmp_path / "k.xlsx")
    assert import_returns([path], load_edition(2024)).problems == []

    def change(sheets):  # two children of 小班 filed as 4 instead of 3 years old (rows 01 and 03)
        for row in (5, 7):
            sheets["基础基311"][row][8] -= 2
            sheets["基础基311"][row][9] += 2

    return sample_workbook(tmp_path / "changed.xlsx", change=change)


def post(client, path, **extra):
    with path.open("rb") as fh:
        return client.post(URL, {"files": fh, "year": "2024", "edition": "2024", **extra})


def test_the_page_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_differences_are_shown_and_downloaded(client, filed):
    client.login(username="county", password="pw-123456")
    assert "核对统计报表" in client.get(URL).content.decode()
    page = post(client, filed).content.decode()
    assert "差异 1 处" in page and CODE in page and "基础基311" in page and "3岁" in page
    download = post(client, filed, xlsx="1")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(download.content)).active
    lines = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[4], r[8], r[9], r[10]) for r in lines] == [
        (CODE, "基础基311", "03", "3岁", 46, 48),
        (CODE, "基础基311", "03", "4岁", 4, 2),
    ]


def test_another_countys_officer_is_refused_the_comparison(client, filed):
    client.login(username="other", password="pw-123456")
    page = post(client, filed).content.decode()
    assert "不在您的管辖范围内" in page and "<th>登记</th>" not in page  # no figures of that county shown
