"""Fee standards and safety records, with the late fee filings and missing safety items planted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from eduplan.plans import standards
from eduplan.registry.models import FeeStandard, SafetyRecord

from .records import FEE_FIELDS, SAFETY_FIELDS, SAFETY_ITEMS, Inst
from .state import CountyState


class FeesAndSafetyStage(CountyState):
    def write_fees_and_safety(self) -> None:
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        fees: list[list[Any]] = []
        current: list[tuple[Inst, list[Any]]] = []
        lo, hi = cal.clean_fee_days_before
        for inst in self.insts:
            if not inst.preschool:
                continue
            if inst.public:
                bounds = cal.fee_public[inst.grade[:1]]
            elif inst.inclusive:
                bounds = cal.fee_private_inclusive
            else:
                bounds = cal.fee_private_other
            fee = int(rng.integers(bounds[0], bounds[1] + 1))
            for i, effective in enumerate(cal.fee_effective_dates):
                amount = Decimal(round(fee * (1 + cal.fee_increase * i))).quantize(Decimal("0.01"))
                filed = effective - dt.timedelta(days=int(rng.integers(lo, hi + 1)))
                # Inclusive private kindergartens stand for the 政—企—园 co-run ones whose fee
                # ceiling is contracted; only those fees are pre-filed (FEE-FILING).
                contracted = inst.inclusive and not inst.public
                row = [inst.row.pk, amount, filed, effective, contracted]
                fees.append(row)
                if i == len(cal.fee_effective_dates) - 1 and contracted:
                    current.append((inst, row))
        lo, hi = cal.late_fee_days_before
        for inst, row in self.pick("fee_filed_late", current):
            row[2] = row[3] - dt.timedelta(days=int(rng.integers(lo, hi + 1)))
            manifest.add("fee_filed_late", f"{inst.code}/{row[3].isoformat()}", inst.code)
        self.insert(FeeStandard, FEE_FIELDS, [tuple(r) for r in fees])
        records: list[list[Any]] = []
        latest: list[tuple[Inst, list[Any]]] = []
        in_plan = set(standards.value("plan_scope", "institution_kinds"))  # safety items judged here
        years = self.spec.school_years
        for inst in self.insts:
            for y in years:
                checked = dt.date(y, cal.safety_check_month, int(rng.integers(1, 29)))
                row = [inst.row.pk, checked, *([True] * len(SAFETY_ITEMS))]
                records.append(row)
                if y == years[-1] and inst.kind in in_plan:
                    latest.append((inst, row))
        for inst, row in self.pick("safety_item_missing", latest):
            few, many = cal.safety_items_missing
            for item in rng.choice(len(SAFETY_ITEMS), size=int(rng.integers(few, many + 1)), replace=False):
                row[2 + int(item)] = False
            manifest.add("safety_item_missing", inst.code)
        self.insert(SafetyRecord, SAFETY_FIELDS, [tuple(r) for r in records])
