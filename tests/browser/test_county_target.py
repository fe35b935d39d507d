"""In a real browser (issue 16): a county judged against the target the city adopted for it — the
county dashboard names "县目标 …（市分解）" beside its status — and the monthly notice the city officer
downloads names that target where it lists the county's slow indicators."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning.allocation import adopt
from eduplan.planning.allocation.adopted_models import AdoptionOrigin
from eduplan.registry.choices import Role
from tests.browser.conftest import login
from tests.planning.conftest import registry_city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-123456"


def test_a_county_is_judged_against_its_adopted_target_on_the_dashboard_and_in_the_notice(
    page,
    live_server,
    registry_city,  # noqa: F811
):
    from docx import Document

    city = create_user_with_role("cityo", PASSWORD, Role.CITY_OFFICER, division=registry_city.city).user
    adopt.adopt(
        "preschool_ger",
        2025,
        {"530402": 99.5, "530403": 60.0},
        user=city,
        reason="2025年县目标(市分解)",
        origin=AdoptionOrigin.FILE,
        file_name="县目标.xlsx",
    )

    # The build machine is shared: give a loaded server time to answer.
    page.set_default_navigation_timeout(300_000)
    page.set_default_timeout(300_000)
    login(page, live_server, "cityo", PASSWORD)
    page.goto(f"{live_server.url}/office/county/530402/?year=2024")
    card = page.locator('.card[data-indicator="preschool_ger"]')
    assert "县目标 99.5%（市分解）" in card.locator(".target-label").inner_text()
    assert card.locator(".status").inner_text().strip()  # judged: a status against that target
    # The other county is judged against its own, lower target.
    page.goto(f"{live_server.url}/office/county/530403/?year=2024")
    other = page.locator('.card[data-indicator="preschool_ger"] .target-label').inner_text()
    assert "县目标 60%（市分解）" in other  # as the notice prints it (metrics.figures)

    page.goto(f"{live_server.url}/office/supervision/notices/")
    with page.expect_download() as dl:
        page.click("button[name=format][value=docx]")
    text = "\n".join(p.text for p in Document(io.BytesIO(Path(dl.value.path()).read_bytes())).paragraphs)
    assert "红塔区" in text and "县目标 99.5%（市分解）" in text
