"""No personal data reaches a public page or download: on the demo city (the generator's ``tiny``
scale: Yuxi's 9 counties, ~140 kindergartens, thousands of named staff) with published annual
results and complaints that carry contacts, every public page and file is rendered and scanned for
staff names, identity numbers (masked or not), officers' names and complainants' contacts."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from eduplan.accounts.actions import create_user_with_role
from eduplan.complaints import actions
from eduplan.registry.choices import Role
from eduplan.registry.models import Division, Institution, ManagementAppointment, NameChange, StaffMember
from eduplan.supervision import annual

pytestmark = pytest.mark.django_db

generator = pytest.importorskip("eduplan.demo.generator")
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CONTACTS = ["13912345678", "parent.wang@example.com", "王女士 13700001111", "微信 li_mama_2024"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            generator.generate("tiny", 1, users=False)
            county = Division.objects.get(code="530402")
            officer = create_user_with_role(
                "privacy-officer", "pw-123456", Role.COUNTY_OFFICER, division=county, full_name="欧阳办理员"
            ).user
            kgs = list(
                Institution.objects.filter(county=county, kind="kindergarten", licence_status="licensed")[:12]
            )
            for inst in kgs:
                annual.record_annual_result(inst, 2024, "pass", reasons="合格")
            annual.publish_annual_results(2024)
            complaints = []
            for inst, contact in zip(kgs, CONTACTS, strict=False):
                complaints.append(
                    actions.file_complaint(
                        inst, category="fees", description="收费不透明,请核查收费项目。", contact=contact
                    )
                )
            actions.answer_complaint(complaints[0], "已核查,收费符合标准。", user=officer)
            actions.convert_complaint_to_finding(complaints[1], user=officer)
            yield complaints
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def forbidden_strings() -> tuple[list[str], int]:
    """Personal strings that must never be public, except staff names that are also part of a
    public text (a kindergarten, township or former name) and so cannot be told apart."""
    public = " ".join(
        [
            *Institution.objects.values_list("name", flat=True),
            *Institution.objects.values_list("address", flat=True),
            *Division.objects.values_list("name", flat=True),
            *NameChange.objects.values_list("old_name", flat=True),
        ]
    )
    names = set(StaffMember.objects.values_list("name", flat=True))
    names |= set(ManagementAppointment.objects.values_list("person_name", flat=True))
    ambiguous = {n for n in names if n in public}
    strings = sorted(names - ambiguous)
    strings += [f"{'*' * 14}{last4}" for last4 in StaffMember.objects.values_list("id_last4", flat=True)]
    strings += list(StaffMember.objects.values_list("id_hash", flat=True))
    strings += [u.first_name for u in get_user_model().objects.exclude(first_name="")]
    strings += ["privacy-officer", *CONTACTS]
    return strings, len(ambiguous)


def public_documents(demo) -> dict[str, str]:
    client = Client()
    docs: dict[str, str] = {}

    def get(url: str, **params: str) -> str:
        response = client.get(url, params)
        assert response.status_code == 200, url
        return response.content.decode("utf-8")

    first = get("/")
    pages = int(re.search(r"第 1/(\d+) 页", first).group(1))
    for n in range(1, pages + 1):
        docs[f"/?page={n}"] = get("/", page=str(n))
    docs["/?public"] = get("/", public="1", inclusive="1", seats="1")
    docs["/points.json"] = get("/points.json")
    for code in Institution.objects.filter(kind="kindergarten").values_list("code", flat=True):
        response = client.get(f"/kindergartens/{code}/")
        if response.status_code == 200:
            docs[f"/kindergartens/{code}/"] = response.content.decode()
    docs["/lists/"] = get("/lists/")
    counties = list(Division.objects.filter(level="county").values_list("code", flat=True))
    for code in counties:
        docs[f"/lists/{code}/"] = get(f"/lists/{code}/")
    for which in ("public", "inclusive"):
        docs[f"{which}.csv"] = client.get(f"/lists/all/{which}.csv").content.decode("utf-8-sig")
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"/lists/all/{which}.xlsx").content))
        docs[f"{which}.xlsx"] = "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    docs["/stats/"] = get("/stats/")
    docs["/complaints/"] = get("/complaints/")
    for complaint in demo:
        response = client.post("/complaints/track/", {"code": complaint.tracking_code})
        assert response.status_code == 200
        docs[f"track {complaint.reference}"] = response.content.decode()
    return docs


def test_no_personal_data_on_public_pages_or_downloads(demo):
    strings, ambiguous = forbidden_strings()
    assert len(strings) > 1000 and ambiguous < 50
    docs = public_documents(demo)
    kindergartens = [k for k in docs if k.startswith("/kindergartens/")]
    assert len(kindergartens) > 100
    assert sum(1 for row in csv.reader(io.StringIO(docs["inclusive.csv"]))) > 100
    # The pages do carry what they should (so the scan is looking at real content).
    assert any("教职工概况" in docs[k] and "持证率" in docs[k] for k in kindergartens)
    assert any("已核查,收费符合标准" in v for k, v in docs.items() if k.startswith("track"))
    leaks = [(where, s) for where, text in docs.items() for s in strings if s and s in text]
    assert leaks == [], leaks[:10]


def test_the_scan_finds_personal_data_where_it_is_shown(demo):
    """The same scan on an officers' page (which shows staff by name, masked identity numbers and
    the complainant's contact) finds them: the strings scanned for are the real ones."""
    strings, _ = forbidden_strings()
    officer = Client()
    officer.force_login(get_user_model().objects.get(username="privacy-officer"))
    inst = demo[0].kindergarten
    pages = officer.get(f"/office/institutions/{inst.code}/").content.decode()
    pages += officer.get(f"/office/complaints/{demo[0].pk}/").content.decode()
    found = {s for s in strings if s in pages}
    assert CONTACTS[0] in found
    assert any(s.startswith("*" * 14) for s in found) and len(found) > 5
