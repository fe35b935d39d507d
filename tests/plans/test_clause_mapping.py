"""The plan file maps clauses to checks; the code names checks only (issue 17).

``data/yuxi_before.json`` was generated from the code *before* the mapping moved into the plan file
(every rule's ``clauses=``, every ``implements()`` call, the checklist and monthly form files, the
demo's planted kinds). The Yuxi plan must cite exactly the same clauses for each of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

from eduplan.plans.checks import clauses_for, is_registered
from eduplan.plans.loader import load_plan

BEFORE = json.loads((Path(__file__).parent / "data" / "yuxi_before.json").read_text(encoding="utf-8"))
#: Two check ids of the old declarations were free text; their stable ids now.
RENAMED = {
    "planning:admissions web page (upload, run, download)": "planning:admissions_jobs",
    "planning:gaps --stage high_school": "planning:gaps_high_school",
}
SRC = Path(__file__).resolve().parents[2] / "src"
#: Demo kinds planted since the move (issue 18), with the clauses the plan file gives them.
ADDED_DEMO_KINDS = {
    "county_spending_decreased": "PRE-5.3",
    "staff_no_housing_fund": "PRE-4.3.1",
    "hs_group_inactive": "HS-2.6",
    "kg_quality_eval_overdue": "PRE-4.5.1",
    "hs_trusteeship_no_channel": "HS-2.5",
    "kg_supporting_out_of_sync": "PRE-4.1.2",
    # the duty registers (issue 18 item 4)
    "kg_no_party_organisation": "PRE-5.1",
    "kg_central_not_registered": "PRE-4.1.4",
    "kg_no_guidance": "PRE-4.2.1",
    "kg_village_not_integrated": "PRE-4.2.1",
    "kg_surplus_distributed": "PRE-4.2.2",
    "kg_fee_account_unfiled": "PRE-4.2.5",
    "kg_pay_below_public": "PRE-4.3.1",
    "county_outflow_rising": "HS-1.3",
    "hs_no_three_classrooms": "HS-2.2",
    "hs_trusteeship_brand_fee": "HS-2.5",
    # overdue major hazards (issue 18 item 1: SAFETY-HAZARD-OVERDUE reads rectification orders)
    "kg_major_hazard_overdue": "PRE-4.2.3",
    "county_task_no_responsible": "HS-3.3",
}
#: Rules whose claim the plan file narrowed since the move (issue 18: each rule claims only what
#: it checks): the clauses they cite now.
NARROWED_RULES = {"rule:STAFF-CERTIFICATES": ["PRE-4.2.4", "PRE-4.3.1"]}
#: Rules added since the move (issue 18), with the clauses the plan file gives them.
ADDED_RULES = {
    "rule:KG-HOUSING-FUND": ["PRE-4.3.1"],
    "rule:HS-TRUSTEESHIP-CHANNEL": ["HS-2.5"],
    "rule:PROG-GROUP-INACTIVE": ["HS-2.6"],
    # the duty registers (issue 18 item 4)
    "rule:KG-PARTY-COVERAGE": ["PRE-5.1"],
    "rule:KG-CENTRAL-REGISTRATION": ["PRE-4.1.4"],
    "rule:KG-GUIDANCE": ["PRE-4.2.1"],
    "rule:KG-VILLAGE-INTEGRATION": ["PRE-4.2.1"],
    "rule:KG-SURPLUS-DISTRIBUTED": ["PRE-4.2.2"],
    "rule:KG-FEE-ACCOUNT": ["PRE-4.2.5"],
    "rule:KG-PAY-PARITY": ["PRE-4.3.1"],
    "rule:HS-OUTFLOW": ["HS-1.3"],
    "rule:HS-THREE-CLASSROOMS": ["HS-2.2"],
    "rule:HS-TRUSTEESHIP-BRAND-FEE": ["HS-2.5"],
    "rule:TASK-RESPONSIBLE": ["HS-3.3"],
}
#: Rules that were "not checkable" before and now read real data (issue 18): the inspection
#: checklist lists them now, with the clauses they always cited.
LIVE_SINCE = ("rule:SAFETY-HAZARD-OVERDUE",)


def test_every_check_cites_the_same_clauses_as_before():
    plan = load_plan()
    for old_id, clauses in BEFORE["checks"].items():
        check = RENAMED.get(old_id, old_id)
        assert is_registered(check) or check.startswith("indicator:"), check
        if check.startswith(("rule:", "indicator:")):
            # Findings and indicator rows show these in order ("HS-2.7, HS-T5").
            assert list(clauses_for(check, plan)) == NARROWED_RULES.get(check, clauses), check
        else:
            assert set(clauses_for(check, plan)) == set(clauses), check


def test_rules_findings_cite_the_same_clause_text():
    from eduplan.rules.catalogue import catalogue

    for rule in catalogue().values():
        expected = NARROWED_RULES.get(rule.check_id) or ADDED_RULES.get(rule.check_id)
        assert rule.clause == ", ".join(expected or BEFORE["checks"][rule.check_id])


def test_checklist_monthly_form_and_demo_cite_the_same_clauses():
    from eduplan.demo.planting import KINDS
    from eduplan.supervision.inspections import _rule_lines, checklist_checks
    from eduplan.supervision.monthly_form import load_form

    for _kind, code, _label in checklist_checks():
        assert clauses_for(f"checklist:{code}") == (BEFORE["checklist"][code][0],)
    for group in ("preschool", "high_school", "other"):
        now = {line.code: [line.clause, str(line.category)] for line in _rule_lines(group)}
        expected = {code: list(v) for code, v in BEFORE[f"checklist_rules_{group}"].items()}
        for check, clauses in (NARROWED_RULES | ADDED_RULES).items():
            code = f"R:{check.removeprefix('rule:')}"
            if code in expected or (check in ADDED_RULES and code in now):
                expected[code] = [", ".join(clauses), now[code][1]]
        for check in LIVE_SINCE:
            code = f"R:{check.removeprefix('rule:')}"
            if code in now:
                expected[code] = [", ".join(BEFORE["checks"][check]), now[code][1]]
        assert now == expected
    form = load_form()
    assert {i.key: i.clause for i in form.items} == BEFORE["monthly_items"]
    assert [[t.clause, t.lead, list(t.cooperating)] for t in form.plan_tasks] == BEFORE["monthly_tasks"]
    assert {k: v.clause for k, v in KINDS.items()} == BEFORE["demo_kinds"] | ADDED_DEMO_KINDS


def _clause_ids() -> set[str]:
    import tomllib

    ids: set[str] = set()
    for path in Path(settings.PLAN_DIR).glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ids |= {c["id"] for c in data.get("clauses", [])}
    return ids


def test_no_clause_id_of_any_plan_appears_under_src():
    """Code, docstrings, comments, templates and data files under src/ never name a clause."""
    ids = _clause_ids()
    assert ids
    pattern = re.compile(
        r"(?<![\w.-])("
        + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r")(?![\w]|\.\d)"
    )
    found = []
    for path in SRC.rglob("*"):
        if not path.is_file() or path.suffix in {".pyc", ".mo", ".png", ".ico", ".sqlite3", ".woff2", ".gz"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            for m in pattern.finditer(line):
                found.append(f"{path.relative_to(SRC)}:{n}: {m.group(1)}")
    assert not found, f"{len(found)} clause ids under src/:\n" + "\n".join(found[:80])
