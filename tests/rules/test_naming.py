"""Kindergarten names (PRE-4.2.4): what must be flagged, what must not (places, ordinary words,
minority scripts), public school names, the check-name command, and robustness on any Unicode."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.registry.choices import Ownership, Sponsor
from eduplan.rules.naming import (
    NameCheckError,
    PublicNameIndex,
    WordList,
    check_name,
    public_name_forms,
    short_place_name,
)

from .builders import clean_kindergarten, codes, violations


def hits(name: str, **kwargs) -> set[tuple[str, str]]:
    return {(v.category, v.word) for v in check_name(name, **kwargs).violations}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("中国幼儿园", {("banned", "中国")}),
        ("中华小天使幼儿园", {("banned", "中华")}),
        ("全国示范幼儿园", {("banned", "全国")}),
        ("明德国际幼儿园", {("banned", "国际")}),
        ("快乐世界幼儿园", {("banned", "世界")}),
        ("全球通幼儿园", {("banned", "全球")}),
        ("ABC幼儿园", {("latin_letters", "ABC")}),
        ("Ａｂｃ幼儿园", {("latin_letters", "Abc")}),  # full-width letters are letters too
        ("贝贝Baby幼儿园", {("latin_letters", "Baby")}),
        ("さくら幼儿园", {("foreign_script", "さくら")}),
        ("해님幼儿园", {("foreign_script", "해님")}),
        ("维也纳幼儿园", {("foreign_place", "维也纳")}),
        ("剑桥幼儿园", {("foreign_place", "剑桥")}),
        ("哈佛宝贝幼儿园", {("foreign_place", "哈佛")}),  # not also "religious 佛"
        ("美国小镇幼儿园", {("foreign_place", "美国")}),
        ("东京樱花幼儿园", {("foreign_place", "东京")}),
        ("蒙特梭利幼儿园", {("foreign_word", "蒙特梭利")}),
        ("迪士尼幼儿园", {("foreign_word", "迪士尼")}),
        ("双语幼儿园", {("feature", "双语")}),
        ("艺术幼儿园", {("feature", "艺术")}),
        ("国学幼儿园", {("feature", "国学")}),
        ("明德私塾", {("feature", "私塾")}),
        ("福音幼儿园", {("religious", "福音")}),
        ("菩提幼儿园", {("religious", "菩提")}),
        ("观音幼儿园", {("religious", "观音")}),
        ("白云观幼儿园", {("religious", "观")}),
        ("龙泉寺幼儿园", {("religious", "寺")}),
        ("清真幼儿园", {("religious", "清真")}),
        ("基督教堂幼儿园", {("religious", "基督"), ("religious", "教堂")}),
        ("ABC国际双语幼儿园", {("latin_letters", "ABC"), ("banned", "国际"), ("feature", "双语")}),
        ("玉溪一中国际幼儿园", {("banned", "国际")}),  # 一中 + 国际: not 中国
        ("矣六中国幼儿园", {("banned", "中国")}),  # a place (矣六) before 中国
        # Housing developments borrow the banned words: not excused as places.
        ("国际村幼儿园", {("banned", "国际")}),
        ("世界小区幼儿园", {("banned", "世界")}),
        ("全球社区幼儿园", {("banned", "全球")}),
        # A brand stays a brand before a place suffix.
        ("迪士尼桥幼儿园", {("foreign_word", "迪士尼")}),
        ("蒙特梭利路幼儿园", {("foreign_word", "蒙特梭利")}),
    ],
)
def test_flagged(name, expected):
    assert hits(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "红塔区第一幼儿园",
        "玉兴街道中心幼儿园",
        "阳光幼儿园",
        "观音山幼儿园",  # 观音山 is a mountain, a place
        "观澜幼儿园",  # 观 not at the end of the proper name
        "乐观幼儿园",  # 乐观 is an ordinary word
        "大观园幼儿园",
        "景观路幼儿园",
        "艺术路幼儿园",  # a street
        "中华路幼儿园",
        "中华街道中心幼儿园",
        "佛山路幼儿园",  # 佛山 is a Chinese city
        "寺前村幼儿园",
        "观音寺街道中心幼儿园",  # a real sub-district (GB/T 2260)
        "龙王庙镇中心幼儿园",
        "朝鲜族幼儿园",  # an ethnic group of China, not North Korea
        "彝族ꆈꌠ幼儿园",  # the Yi script is a script of China
        "完美国度幼儿园",
        "马赛克幼儿园",
        "弥勒市第一幼儿园",  # 弥勒 is a city in Yunnan
        "小天使幼儿园",
        "第1幼儿园",
        "（分园）红塔区幼儿园",
    ],
)
def test_not_flagged(name):
    assert hits(name) == set()


def test_words_the_plan_does_not_ban_are_not_flagged():
    """The plan bans six words and four feature words; 国家, 中英, 英语, 外语 are no standard's."""
    for name in ("国家级示范幼儿园", "中英文幼儿园", "英语角幼儿园", "外语幼儿园"):
        assert hits(name) == set(), name


def test_lists_hold_the_plan_words_and_sourced_additions_only():
    """Every banned or feature word is the plan's own, or carries the standard that names it."""
    plan_words = {
        "banned": {"中国", "中华", "全国", "国际", "世界", "全球"},
        "feature": {"双语", "艺术", "国学", "私塾"},
    }
    for category, words in plan_words.items():
        wordlist = WordList.load(category)
        extra = (wordlist.words | wordlist.end_words) - words
        assert words <= wordlist.words
        assert all(wordlist.sources.get(w) for w in extra), (category, extra - set(wordlist.sources))


def test_a_sourced_addition_is_parsed_with_its_source():
    wl = WordList.parse("banned", "中国\n国家  # source: 某省幼儿园命名规范 第三条\n")
    assert wl.words == {"中国", "国家"}
    assert wl.sources == {"国家": "某省幼儿园命名规范 第三条"}


def test_a_development_name_is_excused_only_when_it_is_a_registered_place():
    assert hits("国际村幼儿园") == {("banned", "国际")}
    assert hits("国际村幼儿园", places=["国际村"]) == set()


def test_own_place_names_are_not_violations():
    assert hits("中华幼儿园") == {("banned", "中华")}
    # The same name in a township named 中华镇 is named after its place.
    assert hits("中华幼儿园", places=["中华镇", "某某县"]) == set()


def test_word_list_format():
    wl = WordList.parse("x", "# comment\n!全局\n佛\n!佛山\n观$\n!乐观\n\n  禅  # trailing comment\n")
    assert wl.words == {"佛", "禅"} and wl.end_words == {"观"}
    assert wl.exceptions_for("佛") == ("佛山", "全局")
    assert wl.exceptions_for("观") == ("乐观", "全局")
    assert wl.exceptions_for("禅") == ("全局",)


def test_short_place_names():
    suffixes = ["自治县", "街道", "市", "县", "区", "镇", "乡"]
    assert short_place_name("峨山彝族自治县", suffixes) == "峨山"
    assert short_place_name("元江哈尼族彝族傣族自治县", suffixes) == "元江"
    assert short_place_name("红塔区", suffixes) == "红塔"
    assert short_place_name("北城街道", suffixes) == "北城"
    assert short_place_name("澄江市", suffixes) == "澄江"


def test_public_school_name_forms():
    forms = public_name_forms("玉溪市第一中学", ["玉溪市"], ["市", "县", "区"])
    assert {"玉溪市第一中学", "玉溪第一中学", "玉溪一中"} <= forms
    forms = public_name_forms(
        "红塔区第一幼儿园", ["玉兴街道", "红塔区", "玉溪市"], ["街道", "市", "县", "区"]
    )
    assert {"红塔区第一幼儿园", "红塔一幼"} <= forms
    forms = public_name_forms("云南师范大学附属中学", ["五华区", "昆明市"], ["市", "区"])
    assert "云南师范大学附中" in forms


def _index():
    return PublicNameIndex.from_rows(
        [
            ("玉溪市第一中学", ["玉溪市"]),
            ("红塔区第一幼儿园", ["玉兴街道", "红塔区", "玉溪市"]),
            ("红塔区实验幼儿园", ["玉兴街道", "红塔区", "玉溪市"]),
        ]
    )


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("玉溪一中附属幼儿园", "玉溪一中"),
        ("玉溪市第一中学阳光幼儿园", "玉溪市第一中学"),
        ("红塔一幼分园", "红塔一幼"),
        ("红塔实验幼儿园", "红塔实验幼儿园"),
    ],
)
def test_private_names_using_public_school_names(name, word):
    verdict = check_name(name, "private", public_index=_index())
    assert [(v.category, v.word) for v in verdict.violations] == [("public_name", word)]


@pytest.mark.parametrize("name", ["红塔区阳光幼儿园", "红塔区第一民办幼儿园", "通海县第一幼儿园", "玉溪实验"])
def test_private_names_not_using_public_names(name):
    assert check_name(name, "private", public_index=_index()).ok


def test_public_names_are_only_compared_for_private_kindergartens():
    assert check_name("红塔一幼分园", "public", public_index=_index()).ok


def test_unknown_ownership_is_refused():
    with pytest.raises(NameCheckError):
        check_name("阳光幼儿园", "state")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.sampled_from([None, "public"]))
def test_name_check_never_crashes_and_is_stable(name, ownership):
    first = check_name(name, ownership)
    again = check_name(name, ownership)
    assert first == again
    assert first.ok == (not first.violations)
    json.dumps(first.as_dict(), ensure_ascii=False)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), st.text(max_size=12))
def test_a_flagged_word_stays_flagged_around_any_text(prefix, suffix):
    name = prefix + "迪士尼" + suffix
    found = check_name(name).violations
    assert any(v.word == "迪士尼" for v in found)


@pytest.mark.django_db
def test_rule_flags_kindergartens_and_says_which_word_and_category(city):
    clean_kindergarten(city, "K-X", "维也纳艺术幼儿园")
    clean_kindergarten(city, "K-Y", "观音山幼儿园", town=city.town_b)
    found = violations("KG-NAME")
    assert codes(found) == {"K-X"}
    assert {(f.details["category"], f.details["word"]) for f in found} == {
        ("foreign_place", "维也纳"),
        ("feature", "艺术"),
    }
    assert all(f.clause == "PRE-4.2.4" for f in found)


@pytest.mark.django_db
def test_rule_ignores_the_address_and_closed_kindergartens(city):
    import datetime as dt

    clean_kindergarten(city, "K-X", "阳光幼儿园", address="艺术路国际广场1号")
    clean_kindergarten(
        city, "K-Y", "国际幼儿园", closed_on=dt.date(2020, 7, 1), established_on=dt.date(2010, 9, 1)
    )
    assert violations("KG-NAME") == []


@pytest.mark.django_db
def test_rule_finds_private_kindergartens_using_a_public_schools_name(city):
    clean_kindergarten(
        city, "K-P", "玉溪一中附属幼儿园", ownership=Ownership.PRIVATE_FORPROFIT, sponsor=Sponsor.PRIVATE
    )
    clean_kindergarten(
        city,
        "K-Q",
        "红塔区第一幼儿园实验分园",
        ownership=Ownership.PRIVATE_NONPROFIT,
        sponsor=Sponsor.PRIVATE,
    )
    clean_kindergarten(city, "K-R", "红塔一幼分园")  # public: not flagged
    found = violations("KG-NAME")
    assert {(f.entity_code, f.details["matches"]) for f in found} == {
        ("K-P", "玉溪第一中学"),
        ("K-Q", "红塔区第一幼儿园"),
    }


@pytest.mark.django_db
def test_check_name_command_prints_a_json_verdict(city):
    out = StringIO()
    call_command("check-name", "玉溪一中国际幼儿园", "--ownership", "private", stdout=out)
    verdict = json.loads(out.getvalue())
    assert verdict["ok"] is False
    assert {(v["category"], v["word"], v["clause"]) for v in verdict["violations"]} == {
        ("banned", "国际", "PRE-4.2.4"),
        ("public_name", "玉溪一中", "PRE-4.2.4"),
    }
    out = StringIO()
    call_command("check-name", "观音山幼儿园", stdout=out)
    assert json.loads(out.getvalue()) == {"name": "观音山幼儿园", "ok": True, "violations": []}


@pytest.mark.django_db
def test_check_name_command_knows_the_divisions_place_names(city):
    from eduplan.registry import actions
    from eduplan.registry.choices import DivisionLevel

    actions.create_division(
        code="530402100", name="中华镇", level=DivisionLevel.TOWNSHIP, parent=city.county_a
    )
    out = StringIO()
    call_command("check-name", "中华幼儿园", "--division", "530402100", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
