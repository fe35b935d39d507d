"""Overdue major hazards planted in the demo city (rule ``SAFETY-HAZARD-OVERDUE``, 重大隐患督办).

In each city a few kindergartens were inspected 90 days before the reference day: each inspection
fails one checklist line marked ``major_hazard`` (the finding is a 重大隐患) and the order to rectify
it, due 30 days later, is still open on the reference day. One more kindergarten of the city had a
major hazard of the same kind rectified and verified within its deadline: the clean counterpart,
which the rule must pass. Everything is written through the supervision actions, as an inspector
would; the monthly supervision demo (``eduplan report demo``) plants no major hazard of its own, so
the manifest lists every overdue one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from eduplan.registry.choices import InstitutionKind
from eduplan.registry.models import Division, Institution

from .calibration import REFERENCE_DATE
from .planting import Manifest, Quota

KIND = "kg_major_hazard_overdue"
FOUND_BEFORE = dt.timedelta(days=90)
DEADLINE_AFTER = dt.timedelta(days=30)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10))


def _major_hazard_order(inst: Institution, found_on: dt.date) -> Any:
    """An inspection of ``inst`` failing its first major-hazard line, and the order issued for it."""
    from eduplan.supervision import inspections, rectification
    from eduplan.supervision.models import CheckResult

    inspection = inspections.record_inspection(inst, inspected_on=found_on)
    line = inspection.checklist.filter(major_hazard=True).order_by("code").first()
    if line is None:  # a checklist without major-hazard lines: nothing to plant
        return None
    inspections.record_check(line, CheckResult.FAIL, note="现场检查发现重大隐患(演示)", at=_moment(found_on))
    return rectification.issue_rectification_order(
        line.findings.get(),
        responsible_person="园长",
        deadline=found_on + DEADLINE_AFTER,
        at=_moment(found_on + dt.timedelta(days=1)),
    )


def plant_city(
    seed: int,
    city: Division,
    manifest: Manifest,
    quota: Callable[[str], Quota],
    *,
    last: bool,
    reference: dt.date = REFERENCE_DATE,
) -> int:
    """Plant the city's overdue major hazards and its one rectified in time; the number of orders."""
    from eduplan.supervision import rectification

    rng = np.random.default_rng([seed, int(city.code), 13])
    found_on = reference - FOUND_BEFORE
    kindergartens = list(
        Institution.objects.filter(county__city=city, kind=InstitutionKind.KINDERGARTEN)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=reference))
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=found_on))
        .order_by("code")
    )
    overdue = quota(KIND).pick(rng, kindergartens, last=last)
    orders = 0
    for inst in overdue:
        if _major_hazard_order(inst, found_on) is not None:
            manifest.add(KIND, inst.code)
            orders += 1
    rest = [k for k in kindergartens if k not in overdue]
    if rest:
        order = _major_hazard_order(rest[int(rng.integers(0, len(rest)))], found_on)
        if order is not None:
            done = found_on + dt.timedelta(days=20)
            rectification.report_rectification(order, text="已完成整改,附照片。", at=_moment(done))
            rectification.verify_rectification(
                order, note="复查合格", at=_moment(done + dt.timedelta(days=3))
            )
            orders += 1
    return orders
