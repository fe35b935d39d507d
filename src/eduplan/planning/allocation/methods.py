"""The allocation methods by name, with their labels: what the model, the forms and the command
offer, kept free of numpy and scipy so that loading the models does not load the solver."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["uniform", "proportional_gap", "equal_points", "floor_share", "least_cost"]


@dataclass(frozen=True)
class MethodInfo:
    name: str
    label_zh: str
    description: str


METHODS: dict[str, MethodInfo] = {
    info.name: info
    for info in (
        MethodInfo(
            "uniform",
            "统一目标",
            "Every county gets the same target rate, limited by its bounds; the common level is "
            "raised or lowered until the city target is met.",
        ),
        MethodInfo(
            "proportional_gap",
            "差距等比例缩小",
            "Every county closes the same share of the gap between last year's rate and its ceiling "
            "(default 100%, or last year's rate if already above): counties furthest behind rise most.",
        ),
        MethodInfo(
            "equal_points",
            "等百分点提高",
            "Every county's rate rises by the same number of percentage points over last year's, "
            "limited by its bounds.",
        ),
        MethodInfo(
            "floor_share",
            "保底后按空余学位分摊",
            "Counties below the floor rate (default 85%, the county assessment threshold) are lifted "
            "to it; the remaining children go to counties in proportion to their free seats "
            "(existing + planned − children); beyond free seats, remaining gaps close in proportion.",
        ),
        MethodInfo(
            "least_cost",
            "最低成本(线性规划)",
            "Fewest new seats (or least cost with a cost per seat) beyond existing and planned seats, "
            "then the smallest largest change from last year's rate; a linear program solved by HiGHS.",
        ),
    )
}
