"""Planning pages speak to planners: named fields, methods explained in Chinese, errors without
command-line words, and admissions templates to download."""

import csv
import io
import zipfile

import pytest

from eduplan.accounts.actions import create_user_with_role
from eduplan.planning.pages import plain_error
from eduplan.registry.choices import Role
from tests.factories import mini_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    m = mini_city()
    create_user_with_role("cityo", "pw-123456", Role.CITY_OFFICER, division=m.city)
    client.login(username="cityo", password="pw-123456")
    return m


def test_errors_name_the_form_field_not_the_command_option():
    message = plain_error("模型 pmedian 需要 --p / the pmedian model needs --p N (sites to open)")
    assert "--p" not in message and "「开设幼儿园数」" in message
    assert "--" not in plain_error("登记库模式需要 --year / the registry mode needs --year Y")


def test_siting_form_asks_for_kindergartens_to_open_and_allocation_explains_methods(client, officer):
    siting = client.get("/office/planning/siting/").content.decode()
    assert "开设幼儿园数" in siting and 'placeholder="pmedian' not in siting
    allocation = client.get("/office/planning/allocation/").content.decode()
    assert "各县统一定一个目标入园率" in allocation  # the uniform method, explained in Chinese
    assert ">统一目标 uniform<" not in allocation


def test_admissions_offers_templates_and_an_example(client, officer):
    page = client.get("/office/planning/admissions/").content.decode()
    assert "eduplan admissions run" not in page and "docs/admissions.md" not in page
    assert "/office/planning/admissions/template/candidates.csv" in page
    response = client.get("/office/planning/admissions/template/candidates.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["candidate_id", "junior_school", "score"] and len(rows) > 1
    example = zipfile.ZipFile(io.BytesIO(client.get("/office/planning/admissions/example.zip").content))
    assert {"candidates.csv", "schools.csv", "说明.txt"} <= set(example.namelist())
    assert client.get("/office/planning/admissions/template/passwords.txt").status_code == 404
