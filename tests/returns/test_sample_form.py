"""A return built by hand from the published sample form's layout (tests/returns/sample.py cites
it) is read tolerantly, written into the registry and the aggregates, and counted by the measures;
an institution's individual records take precedence over its return."""

from __future__ import annotations

import pytest

from eduplan.intake.models import BatchStatus
from eduplan.metrics.indicators import compute_indicators
from eduplan.registry import actions
from eduplan.registry.choices import AgeGroup
from eduplan.registry.models import Institution
from eduplan.returns.importing import import_returns
from eduplan.returns.layout import load_edition, match_line, norm
from eduplan.returns.models import ReturnAggregate
from eduplan.returns.reconcile import reconcile
from tests.factories import make_kindergarten
from tests.returns.helpers import small_county
from tests.returns.sample import CHILDREN_TOTAL, CODE, sample_workbook

pytestmark = pytest.mark.django_db


def test_labels_are_found_through_full_width_characters_and_trailing_notes():
    table = load_edition(2024).form("kindergarten").table("kg_children")
    assert norm("学校（机构）标识码") == "学校(机构)标识码"
    assert match_line("６岁及以上（注）", table.columns).key == "age_over5"
    assert match_line("3岁以下(人)", table.columns).key == "age_under3"
    assert match_line("３岁", table.columns).key == "age_3"
    assert match_line("其中：女", table.columns).key == "girls"


def value(indicator: str, division: str, year: int = 2024) -> dict:
    rows = [
        r for r in compute_indicators(year=year) if r["indicator"] == indicator and r["division"] == division
    ]
    assert rows, indicator
    return rows[0]


def test_hand_built_return_is_imported_and_counted(tmp_path):
    small_county()
    path = sample_workbook(tmp_path / "幼儿园2024年报.xlsx")
    result = import_returns([path], load_edition(2024))
    assert result.problems == []
    assert result.batch.status == BatchStatus.SUCCEEDED
    inst = Institution.objects.get(code=CODE)
    assert (inst.name, inst.kind, inst.sponsor, inst.ownership) == (
        "江川区第二幼儿园",
        "kindergarten",
        "education",
        "public",
    )
    assert inst.division.code == "530402100"
    cells = ReturnAggregate.objects.filter(institution=inst, school_year=2024)
    assert cells.get(table_key="kg_children", row_key="all", column_key="children").value == CHILDREN_TOTAL
    assert cells.get(table="基础基311", row_code="03", column_code="6").value == 48  # 小班, 3岁
    assert cells.get(table_key="staff", row_key="teacher", column_key="cert_kg_teacher").value == 12
    # The measures count a kindergarten known only by its return.
    share = value("public_share", "530402")
    assert share["numerator"] == CHILDREN_TOTAL and share["denominator"] == CHILDREN_TOTAL
    ratio = value("assess_children_per_teacher", "530402")
    assert ratio["numerator"] == CHILDREN_TOTAL and ratio["denominator"] == 14


def test_individual_records_take_precedence_over_the_return(tmp_path):
    towns = small_county()
    kg = make_kindergarten(CODE, "江川区第二幼儿园", towns["town"])
    actions.record_class(
        kg, school_year=2024, name="小一班", age_group=AgeGroup.SMALL, boys=10, girls=10, age_3=20
    )
    result = import_returns([sample_workbook(tmp_path / "k.xlsx")], load_edition(2024))
    assert result.problems == []
    share = value("public_share", "530402")
    assert share["denominator"] == 20  # the class held, not the 185 children of the return
    # and the reconciliation says where the return and the registry disagree
    found = reconcile([(tmp_path / "k.xlsx", "k.xlsx")], 2024, load_edition(2024))
    small = [d for d in found.differences if d.table == "基础基311" and d.row == "03"]
    assert small and {c.label for c in small[0].cells} >= {"班数", "3岁"}


def test_dry_run_writes_nothing(tmp_path):
    small_county()
    result = import_returns([sample_workbook(tmp_path / "k.xlsx")], load_edition(2024), dry_run=True)
    assert result.problems == [] and result.batch.status == BatchStatus.DRY_RUN
    assert not Institution.objects.filter(code=CODE).exists()
    assert not ReturnAggregate.objects.exists()


def test_a_rule_needing_classes_or_staff_says_so_for_an_institution_known_only_by_its_return(tmp_path):
    from eduplan.rules.catalogue import run_rules

    small_county()
    assert import_returns([sample_workbook(tmp_path / "k.xlsx")], load_edition(2024)).problems == []
    found = [f for f in run_rules(year=2024) if f.rule == "RETURNS-ONLY"]
    assert {(f.entity_code, f.subject, f.kind) for f in found} == {
        (CODE, "classes", "no_data"),
        (CODE, "staff", "no_data"),
    }
    assert all("KG-CLASS-SIZE" in f.message_zh or "KG-STAFF-RATIO" in f.message_zh for f in found)


def test_a_return_updates_what_it_says_and_keeps_what_it_leaves_out(tmp_path):
    towns = small_county()
    kg = make_kindergarten(CODE, "江川区二幼", towns["town"], address="旧地址")

    def no_address(sheets):
        for row in sheets["基础基111"][2:4]:
            del row[8]  # the 地址 column

    assert (
        import_returns([sample_workbook(tmp_path / "k.xlsx", change=no_address)], load_edition(2024)).problems
        == []
    )
    kg.refresh_from_db()
    assert (kg.name, kg.address) == ("江川区第二幼儿园", "旧地址")
    assert kg.history.first().history_change_reason.startswith("统计报表导入")
