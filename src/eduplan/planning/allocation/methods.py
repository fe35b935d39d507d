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
    #: The same explanation in plain Chinese, for the planners who use the page (issue 23).
    description_zh: str = ""


METHODS: dict[str, MethodInfo] = {
    info.name: info
    for info in (
        MethodInfo(
            "uniform",
            "统一目标",
            "Every county gets the same target rate, limited by its bounds; the common level is "
            "raised or lowered until the city target is met.",
            "各县统一定一个目标入园率(不超过各县上下限),整体上调或下调,直到全市达到目标。",
        ),
        MethodInfo(
            "proportional_gap",
            "差距等比例缩小",
            "Every county closes the same share of the gap between last year's rate and its ceiling "
            "(default 100%, or last year's rate if already above): counties furthest behind rise most.",
            "各县按相同比例缩小“上年入园率”与上限(默认 100%,已超过则为上年入园率)之间的差距:差距越大的县提高越多。",
        ),
        MethodInfo(
            "equal_points",
            "等百分点提高",
            "Every county's rate rises by the same number of percentage points over last year's, "
            "limited by its bounds.",
            "各县入园率在上年基础上提高相同的百分点(不超过各县上下限)。",
        ),
        MethodInfo(
            "floor_share",
            "保底后按空余学位分摊",
            "Counties below the floor rate (default 85%, the county assessment threshold) are lifted "
            "to it; the remaining children go to counties in proportion to their free seats "
            "(existing + planned − children); beyond free seats, remaining gaps close in proportion.",
            "先把低于保底线(默认 85%,即县域评估门槛)的县提到保底线;其余需要新增入园的幼儿按各县空余学位(现有+计划新增−在园幼儿)分摊,空余学位用完后按差距比例分摊。",
        ),
        MethodInfo(
            "least_cost",
            "最低成本(线性规划)",
            "Fewest new seats (or least cost with a cost per seat) beyond existing and planned seats, "
            "then the smallest largest change from last year's rate; a linear program solved by HiGHS.",
            "在现有和计划新增学位之外,新增学位最少(给出每个学位成本时为成本最低),其次使各县与上年入园率相比的最大变动最小;用线性规划(HiGHS)求解。",
        ),
    )
}
