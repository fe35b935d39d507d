"""The demo's kindergartens carry a public telephone under their city's area code and a street
address a parent can find (issue 23: the portal's kindergarten page shows both)."""

from __future__ import annotations

import re

import pytest

from eduplan.demo.contact import area_code, street_address, telephone
from eduplan.registry.choices import InstitutionKind
from eduplan.registry.models import Institution

YUXI_NUMBER = re.compile(r"^0877-[2-8]\d{6}$")


def test_a_yuxi_number_has_the_area_code_0877_and_seven_local_digits():
    number = telephone(1, "530402K0001", "5304")
    assert YUXI_NUMBER.match(number), number
    assert telephone(1, "530402K0001", "5304") == number  # stable for a seed
    assert telephone(2, "530402K0001", "5304") != number


def test_kunming_numbers_have_eight_local_digits():
    assert re.match(r"^0871-[2-8]\d{7}$", telephone(1, "530102K0001", "5301"))


def test_a_city_not_listed_gets_a_stable_demo_only_code():
    code, digits = area_code("4401")
    assert re.match(r"^0\d{3}$", code) and digits == 7
    assert area_code("4401") == (code, digits)


def test_street_addresses_name_the_village_or_a_numbered_road():
    assert street_address(1, "X", "江城镇", "大营村") == "江城镇大营村"
    assert re.match(r"^玉兴街道玉兴路\d{1,3}号$", street_address(1, "Y", "玉兴街道", ""))


@pytest.mark.django_db
def test_every_demo_kindergarten_has_a_valid_telephone_and_an_address_beyond_its_township():
    from eduplan.demo.generator import generate

    generate("tiny", 1)
    kindergartens = list(
        Institution.objects.filter(kind=InstitutionKind.KINDERGARTEN).select_related("division")
    )
    assert kindergartens
    for kg in kindergartens:
        assert YUXI_NUMBER.match(kg.telephone), (kg.code, kg.telephone)
        kg.full_clean()  # the registry's own telephone validator accepts it
        assert kg.address.startswith(kg.division.name) and kg.address != kg.division.name, kg.address
    assert len({kg.telephone for kg in kindergartens}) == len(kindergartens)
