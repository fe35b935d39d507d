"""The county's kindergartens and attached classes: township central and village kindergartens,
the county's numbered public ones, private ones, groups and residential supporting ones."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from eduplan.registry.choices import DivisionType, InstitutionKind, Ownership, Sponsor

from ..allocation import largest_remainder
from ..vocabulary import PRIVATE_KG_WORDS, chinese_number, looks_clean
from .records import day_between
from .state import CountyState


class PreschoolStage(CountyState):
    def typical(self, role: str) -> float:
        """Typical children of an institution of this role, kept well under its cap so that the
        county's children always fit."""
        cal = self.cal
        cap = cal.attached_max_children if role == "attached" else cal.kindergarten_max_children
        return min(
            cal.typical_children[role] * self.spec.institution_size_factor, cal.typical_share_of_cap * cap
        )

    def private_name(self, ti: int) -> str:
        stem = self.private_place(ti)
        words = PRIVATE_KG_WORDS
        start = int(self.rng.integers(len(words)))
        for i in range(len(words)):
            name = f"{stem}{words[(start + i) % len(words)]}幼儿园"
            if name not in self.names:
                self.names.add(name)
                return name
        while True:
            a, b = (words[int(i)] for i in self.rng.choice(len(words), size=2, replace=False))
            name = f"{stem}{a}{b}幼儿园"
            if name not in self.names:
                self.names.add(name)
                return name

    def plan_preschool(self) -> None:
        cal, rng, county = self.cal, self.rng, self.county
        years = self.spec.school_years
        factor = self.spec.population_factor
        towns = county.townships
        subdistricts = [i for i, t in enumerate(towns) if t.type == DivisionType.SUBDISTRICT]
        rural = [i for i, t in enumerate(towns) if t.type != DivisionType.SUBDISTRICT]
        seat = subdistricts or [0]
        peak_year = max(years, key=lambda y: self.children_total[y])
        ages = self.th.preschool_ages
        kids = np.array([self.pop.ages(peak_year, *ages, township=i) for i in range(len(towns))], dtype=float)
        kids_rel = (kids + 1.0) / (kids.mean() + 1.0)

        def scaled(bounds: tuple[int, int]) -> int:
            n = int(rng.integers(bounds[0], bounds[1] + 1)) * factor
            return math.floor(n + rng.random())

        def size_weight(role: str, ti: int) -> float:
            return (
                self.typical(role)
                * float(rng.lognormal(0.0, cal.institution_size_sigma))
                * kids_rel[ti] ** cal.township_size_elasticity
            )

        def slack() -> tuple[int, int, int, int]:
            return tuple(int(x) for x in rng.integers(0, cal.class_slack_max + 1, size=4))  # type: ignore[return-value]

        kg_cap = cal.kindergarten_max_children
        # Township central kindergartens, village kindergartens and attached classes.
        self.centrals = {}
        rural_capacity = 0.0
        for ti in rural:
            villages = self.villages[ti]
            central = self.new_inst(
                "K",
                name=self.unique(f"{self.place(ti)}中心幼儿园"),
                kind=InstitutionKind.KINDERGARTEN,
                role="central",
                township=ti,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=self.established("central"),
                weight=size_weight("central", ti),
                cap=kg_cap,
                is_central=True,
                slack=slack(),
            )
            self.centrals[ti] = central
            rural_capacity += self.typical("central")
            n_village = min(scaled(cal.village_kgs_per_township), len(villages))
            n_attached = min(scaled(cal.attached_per_township), len(villages) - n_village)
            order = [int(i) for i in rng.permutation(len(villages))]
            for j in range(n_village):
                village = villages[order[j]]
                self.new_inst(
                    "K",
                    name=self.unique(f"{self.place(ti)}{village}幼儿园"),
                    kind=InstitutionKind.KINDERGARTEN,
                    role="village",
                    township=ti,
                    village=village,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.COLLECTIVE
                    if rng.random() < cal.village_collective_share
                    else Sponsor.EDUCATION_DEPT,
                    established_on=self.established("village"),
                    weight=size_weight("village", ti),
                    cap=kg_cap,
                    central=central,
                    slack=slack(),
                )
                rural_capacity += self.typical("village")
            for j in range(n_village, n_village + n_attached):
                village = villages[order[j]]
                self.new_inst(
                    "A",
                    name=self.unique(f"{self.place(ti)}{village}小学附设幼儿班"),
                    kind=InstitutionKind.ATTACHED_CLASS,
                    role="attached",
                    township=ti,
                    village=village,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT,
                    established_on=self.established("attached"),
                    weight=size_weight("attached", ti),
                    cap=cal.attached_max_children,
                    slack=slack(),
                )
                rural_capacity += self.typical("attached")
        # County-level public kindergartens (第N幼儿园) in the subdistricts or the county seat.
        peak = {
            cat: max(self.category_total[y][cat] for y in years) for cat in ("public", "inclusive", "other")
        }
        n_urban = max(1, math.ceil(max(0.0, peak["public"] - rural_capacity) / self.typical("urban_public")))
        seat_kids = kids[seat] + 1.0
        per_seat = largest_remainder(n_urban, seat_kids)
        county_place = self.county.name if looks_clean(self.county.name) else ""
        self.first_kg = None
        number = 0
        for ti, count in zip(seat, per_seat, strict=True):
            for _ in range(int(count)):
                number += 1
                sponsors = list(cal.urban_public_sponsors)
                shares = np.array(list(cal.urban_public_sponsors.values()))
                sponsor = sponsors[int(rng.choice(len(sponsors), p=shares / shares.sum()))]
                inst = self.new_inst(
                    "K",
                    name=self.unique(f"{county_place}第{chinese_number(number)}幼儿园"),
                    kind=InstitutionKind.KINDERGARTEN,
                    role="urban_public",
                    township=ti,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT if number == 1 else sponsor,
                    established_on=self.established("urban_public"),
                    weight=size_weight("urban_public", ti),
                    cap=kg_cap,
                    has_nursery=True,
                    slack=slack(),
                )
                if number == 1:
                    self.first_kg = inst
        # Private kindergartens, more of them where towns are.
        urban_factor = np.array([cal.private_location_weight[t.weight_key] for t in towns])
        p_town = (kids + 1.0) * urban_factor
        p_town = p_town / p_town.sum()
        for role, cat in (("private_inclusive", "inclusive"), ("private_other", "other")):
            n = max(1, math.ceil(peak[cat] / self.typical(role)))
            where = np.sort(rng.choice(len(towns), size=n, p=p_town))
            for ti in where:
                ti = int(ti)
                inclusive = role == "private_inclusive"
                ownership = (
                    Ownership.PRIVATE_NONPROFIT
                    if inclusive or rng.random() >= cal.forprofit_share
                    else Ownership.PRIVATE_FORPROFIT
                )
                self.new_inst(
                    "K",
                    name=self.private_name(ti),
                    kind=InstitutionKind.KINDERGARTEN,
                    role=role,
                    township=ti,
                    ownership=ownership,
                    sponsor=Sponsor.PRIVATE,
                    established_on=self.established("private"),
                    weight=size_weight(role, ti),
                    cap=kg_cap,
                    inclusive=inclusive,
                    inclusive_since=day_between(rng, *cal.inclusive_recognised) if inclusive else None,
                    has_nursery=rng.random() < cal.private_nursery_share,
                    slack=slack(),
                )
        # Group members (1+N) led by the county's first kindergarten; residential supporting ones.
        for inst in self.insts:
            if inst.role == "village" and self.first_kg is not None and rng.random() < cal.group_member_share:
                inst.group_lead = self.first_kg
            if (
                inst.is_kg
                and towns[inst.township].type == DivisionType.SUBDISTRICT
                and inst.role in ("urban_public", "private_inclusive", "private_other")
                and inst is not self.first_kg
                and rng.random() < cal.residential_supporting_share
            ):
                first, last = cal.housing_delivered_years
                housing = day_between(rng, dt.date(first, 1, 1), dt.date(last, 6, 30))

                def before(days: tuple[int, int], housing: dt.date = housing) -> dt.date:
                    return housing - dt.timedelta(days=int(rng.integers(days[0], days[1] + 1)))

                # Planned, approved, built and delivered with the housing (四同步).
                delivered = before(cal.supporting_lead_days["delivered"])
                inst.residential = {
                    "supporting_planned_on": before(cal.supporting_lead_days["planned"]),
                    "supporting_approved_on": before(cal.supporting_lead_days["approved"]),
                    "supporting_built_on": before(cal.supporting_lead_days["built"]),
                    "supporting_delivered_on": delivered,
                    "housing_delivered_on": housing,
                }
                inst.established_on = delivered
