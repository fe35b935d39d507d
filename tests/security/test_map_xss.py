"""Script in a kindergarten's name never runs on the public portal (issue 22, problem 2).

An officer's rename to ``…<img src=x onerror=alert(2)>幼儿园`` is stored as typed; every page must
show it as text. The map popups are built in the browser, so this is checked in a real browser
(Debian's chromium): open the page, click the marker, and no dialog may open and no ``<img>`` may
appear in the popup."""

from __future__ import annotations

import pytest

from eduplan.registry import actions
from tests.portal.helpers import portal_city

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = "玉兴街道<img src=x onerror=alert(2)>幼儿园"


def _watch(page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_kindergarten_page_map_popup_shows_the_name_as_text(live_server, page):
    city = portal_city()
    actions.update_fields(city.m.kg_a, {"name": PAYLOAD})
    dialogs = _watch(page)
    page.goto(f"{live_server.url}/kindergartens/K1/")
    page.wait_for_selector("#map .leaflet-interactive")
    page.click("#map .leaflet-interactive", force=True)
    popup = page.wait_for_selector(".leaflet-popup-content")
    page.wait_for_timeout(500)
    assert popup.inner_text() == PAYLOAD
    assert page.query_selector(".leaflet-popup-content img") is None
    assert dialogs == []


def test_directory_map_popup_shows_the_name_as_text(live_server, page):
    city = portal_city()
    actions.update_fields(city.m.kg_a, {"name": PAYLOAD})
    dialogs = _watch(page)
    page.goto(f"{live_server.url}/?public=1")
    # The kindergartens' markers (the map also draws county outlines); no wait_for_function: its
    # string evaluation is refused by the page's Content-Security-Policy (no unsafe-eval).
    page.locator("#map .kg-marker").nth(1).wait_for()
    markers = page.query_selector_all("#map .kg-marker")
    assert len(markers) == 2
    for marker in markers:
        # The click is dispatched on the marker itself: a pointer click at its centre could land on
        # the popup the previous marker opened (or on the map, which closes it) and open nothing.
        marker.dispatch_event("click")
        page.wait_for_selector(".leaflet-popup-content", state="visible")
        page.wait_for_timeout(300)
        assert page.query_selector(".leaflet-popup-content img") is None
    assert dialogs == []
