"""A city officer who switched to English sees the new pages' headings in English: plan tasks,
programmes, workforce and the admissions page. Only data (division, institution and user names)
may stay Chinese. The same pages without the cookie stay Chinese (Chinese first)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings

from eduplan.planning.models import AdmissionsRun, AdmissionsRunStatus
from eduplan.registry.models import Division, Institution
from tests.supervision.helpers import PASSWORD
from tests.tasks.helpers import task_world
from tests.workforce.helpers import staff

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
HEADING_TAGS = {"h1", "h2", "h3", "th", "nav", "title", "label"}
#: The header links this part added to web/base.html.
NAV_LINKS = {
    "/office/tasks/": "Plan tasks",
    "/office/programmes/": "Programmes",
    "/office/workforce/": "Workforce",
}


class Headings(HTMLParser):
    """The text of every heading, table header, label and <nav> (innermost element wins), and the
    text of header links by their href."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[list[str]] = []
        self.tags: list[str] = []
        self.texts: list[tuple[str, str]] = []
        self.links: dict[str, str] = {}  # the first link to each address (the header's)
        self.href: str | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("option", "select", "script", "style"):
            self.skip += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.href = None if href in self.links else href
            if self.href is not None:
                self.links[href] = ""
        if tag in HEADING_TAGS:
            self.tags.append(tag)
            self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select", "script", "style"):
            self.skip -= 1
        if tag == "a":
            self.href = None
        if tag in HEADING_TAGS and self.tags and self.tags[-1] == tag:
            self.tags.pop()
            self.texts.append((tag, " ".join("".join(self.stack.pop()).split())))

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.stack:
            self.stack[-1].append(data)
        if self.href is not None:
            self.links[self.href] += data


def untranslated(html: str, data: set[str]) -> list[tuple[str, str]]:
    """Headings that still hold Chinese once the data names are taken out."""
    parser = Headings()
    parser.feed(html)
    names = sorted(data, key=len, reverse=True)
    bad = []
    for tag, text in parser.texts:
        rest = text
        for name in names:
            rest = rest.replace(name, "")
        if CJK.search(rest):
            bad.append((tag, text))
    return bad


def data_names() -> set[str]:
    names = set(Division.objects.values_list("name", flat=True))
    names |= set(Institution.objects.values_list("name", flat=True))
    return {n for n in names if n}


def test_the_check_fails_on_an_untranslated_heading():
    page = (
        "<h1>Plan task board</h1><nav><a href='/x/'>Timeline</a></nav>"
        "<table><tr><th>县(市、区)</th><th>红塔区</th></tr></table><h2>红塔区 Overdue</h2>"
    )
    assert untranslated(page, {"红塔区"}) == [("th", "县(市、区)")]
    assert untranslated("<nav><a>任务看板</a></nav>", set()) == [("nav", "任务看板")]
    assert untranslated("<label>考生文件 candidates CSV</label>", set()) == [
        ("label", "考生文件 candidates CSV")
    ]


@pytest.fixture
def officer(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tw = task_world(deadline=dt.date(2024, 6, 30))
    staff(tw.w.m.hs_a, "王老师")
    AdmissionsRun.objects.create(
        division=tw.w.m.city, directory="admissions/english-test", status=AdmissionsRunStatus.DONE
    )
    assert client.login(username=tw.w.city.get_username(), password=PASSWORD)
    return client


PAGES = {
    "/office/tasks/": ("Plan task board", "计划任务看板"),
    "/office/programmes/": ("Designations against targets", "认定数量与目标"),
    "/office/workforce/": ("Rotation training coverage (PRE-4.3.2)", "全员轮训覆盖率 (PRE-4.3.2)"),
    "/office/planning/admissions/": ("Past runs", "历次运行"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(PAGES))
def test_english_cookie_gives_english_headings(officer, url):
    english, chinese = PAGES[url]
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert untranslated(html, data_names()) == []
    parser = Headings()
    parser.feed(html)
    texts = [text for _, text in parser.texts]
    assert any(text.startswith(english) for text in texts), texts
    for href, label in NAV_LINKS.items():
        assert parser.links[href].strip() == label


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(PAGES))
def test_without_the_cookie_the_page_stays_chinese(officer, url):
    english, chinese = PAGES[url]
    html = officer.get(url).content.decode()
    parser = Headings()
    parser.feed(html)
    texts = [text for _, text in parser.texts]
    assert any(text.startswith(chinese) for text in texts), texts
    assert not any(text.startswith(english) for text in texts), texts
    assert parser.links["/office/tasks/"].strip() == "计划任务"


@pytest.mark.django_db
def test_task_titles_follow_the_language(officer):
    """Plan task titles exist in both languages: the English page shows the English title."""
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html_en = officer.get("/office/tasks/").content.decode()
    from eduplan.tasks.models import CountyTask

    task = CountyTask.objects.exclude(title_en="").first()
    assert task is not None
    assert task.title_en in html_en.replace("&#x27;", "'")
    assert task.title_zh not in html_en


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/office/tasks/timeline/",
        "/office/tasks/plans/",
        "/office/programmes/incentives/",
        "/office/programmes/designations/",
        "/office/workforce/training/",
    ],
)
def test_the_other_pages_of_these_parts_are_english_too(officer, url):
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer.get(url)
    assert response.status_code == 200
    assert untranslated(response.content.decode(), data_names()) == []


@pytest.mark.django_db
def test_task_detail_is_english(officer):
    from eduplan.tasks.models import CountyTask

    task = CountyTask.objects.exclude(title_en="").first()
    officer.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = officer.get(f"/office/tasks/{task.pk}/")
    assert response.status_code == 200
    assert untranslated(response.content.decode(), data_names()) == []
