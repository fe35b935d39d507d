"""Bans are compliance, not trajectories (issue 16, item 5): HS-T5, HS-T6 and HS-T7 are marked
``kind = "ban"`` in the plan; a ban is on track only with no breach, off track with any — even a
shrinking one — and has no forecast."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from eduplan.metrics import progress as pg
from eduplan.plans.loader import PlanError, Target, load_plan

BANS = {"hs_big_classes", "hs_new_intake_over_limit", "new_build_hs_over_limit"}


def test_the_plan_marks_its_prohibitions_as_bans():
    plan = load_plan()
    kinds = {i.id: i.target.kind for i in plan.indicators if i.target is not None}
    assert {k for k, v in kinds.items() if v == "ban"} == BANS
    assert kinds["preschool_ger"] == "target"


def test_a_shrinking_breach_is_off_track_and_none_is_on_track():
    ban = Target(0.0, "<=", dt.date(2025, 12, 31), "county", ("county",), kind="ban")
    values = np.array([[5.0, 3.0, 1.0], [2.0, 0.0, 0.0], [np.nan, 0.0, 4.0]])
    codes = pg.ban_status_array(values, ban)
    names = [[pg.STATUSES[c] for c in row] for row in codes]
    assert names == [
        ["off_track", "off_track", "off_track"],
        ["off_track", "on_track", "on_track"],
        ["no_data", "on_track", "off_track"],
    ]


def test_a_ban_must_count_breaches(tmp_path):
    from eduplan.plans.loader import plan_path

    text = plan_path().read_text(encoding="utf-8")
    bad = text.replace(
        'formula = "hs_classes_56_plus"\nkind = "ban"\n', 'formula = "hs_classes_56_plus"\nkind = "bann"\n'
    )
    path = tmp_path / "plan.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(PlanError, match="kind"):
        load_plan(path)
