"""The county's general high schools, secondary vocational schools and junior middle schools."""

from __future__ import annotations

import math

from eduplan.registry.choices import DivisionType, HighSchoolRating, InstitutionKind, Ownership, Sponsor

from ..vocabulary import PRIVATE_HS_WORDS, chinese_number, looks_clean, short_name
from .state import CountyState


class SchoolsStage(CountyState):
    def plan_schools(self) -> None:
        cal, rng, county, years = self.cal, self.rng, self.county, self.spec.school_years
        pop = self.pop
        # The high-school-stage gross rate's denominator: the 15–17-year-olds on the age cut-off day.
        aged = {y: pop.on_cutoff(y, *self.th.high_school_ages, self.th.cutoff_fraction) for y in years}
        self.general = {y: round(self.hs_rate[y] * aged[y] * cal.general_share) for y in years}
        self.vocational_total = {y: round(self.hs_rate[y] * aged[y] * (1 - cal.general_share)) for y in years}
        seat = next((i for i, t in enumerate(county.townships) if t.type == DivisionType.SUBDISTRICT), 0)
        county_place = county.name if looks_clean(county.name) else ""
        short = short_name(county.name) if looks_clean(short_name(county.name)) else ""
        # 县中: the public high schools of counties and county-level cities (not of districts).
        county_hs = county.type in (DivisionType.COUNTY, DivisionType.COUNTY_CITY)
        typical = min(
            cal.typical_hs_students * self.spec.institution_size_factor,
            cal.typical_share_of_cap * cal.hs_max_students,
        )

        def size() -> float:
            return float(rng.lognormal(0.0, cal.school_size_sigma))

        others = list(cal.hs_other_ratings)

        oversize = "hs_new_build_over_3000" in self.flags
        self.oversize_hs = None
        peak = max(self.general.values())
        if oversize:
            big = int(rng.integers(cal.hs_oversize_students[0], cal.hs_oversize_students[1] + 1))
            peak = max(0, peak - big)
        n_rest = max(1, math.ceil(peak / typical))
        n_private = round(n_rest * cal.private_hs_share) if n_rest >= 3 else 0
        n_public = n_rest - n_private
        self.high_schools = []
        no_first = "county_no_first_level_hs" in self.flags
        for i in range(n_public):
            if i == 1 and county.is_autonomous:
                name = f"{county_place}民族中学"
            else:
                name = f"{county_place}第{chinese_number(i + 1)}中学"
            if no_first:
                rating = HighSchoolRating.P2 if i == 0 else str(rng.choice(others[:2]))
            elif i == 0:
                rating = str(rng.choice([HighSchoolRating.P1_1, HighSchoolRating.P1_2]))
            elif rng.random() < cal.hs_first_level_share:
                rating = HighSchoolRating.P1_3
            else:
                rating = str(rng.choice(others))
            inst = self.new_inst(
                "H",
                name=self.unique(name),
                kind=InstitutionKind.HIGH_SCHOOL,
                role="hs",
                township=seat,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=self.established("hs"),
                weight=(cal.hs_first_school_weight if i == 0 else 1.0) * size(),
                cap=cal.hs_max_students,
                rating=rating,
                is_county_hs=county_hs,
                network=True,
            )
            if i > 0 and not inst.first_level and rng.random() < cal.hs_new_build_share:
                inst.is_new_build = True
                inst.established_on = cal.new_build_opened
            self.high_schools.append(inst)
        for _ in range(n_private):
            word = PRIVATE_HS_WORDS[int(rng.integers(len(PRIVATE_HS_WORDS)))]
            self.high_schools.append(
                self.new_inst(
                    "H",
                    name=self.unique(f"{short}{word}高级中学"),
                    kind=InstitutionKind.HIGH_SCHOOL,
                    role="hs",
                    township=seat,
                    ownership=Ownership.PRIVATE_NONPROFIT,
                    sponsor=Sponsor.PRIVATE,
                    established_on=self.established("private_hs"),
                    weight=size(),
                    cap=cal.hs_max_students,
                    rating=str(rng.choice(others)),
                    network=True,
                )
            )
        if oversize:
            inst = self.new_inst(
                "H",
                name=self.unique(f"{county_place}第{chinese_number(n_public + 1)}中学"),
                kind=InstitutionKind.HIGH_SCHOOL,
                role="hs",
                township=seat,
                ownership=Ownership.PUBLIC,
                sponsor=Sponsor.EDUCATION_DEPT,
                established_on=cal.new_build_opened,
                rating=HighSchoolRating.P2,
                is_county_hs=county_hs,
                is_new_build=True,
                network=True,
                fixed={
                    y: big + int(rng.integers(-cal.fixed_size_wobble, cal.fixed_size_wobble + 1))
                    for y in years
                },
            )
            self.oversize_hs = inst
            self.high_schools.append(inst)
            self.gen.manifest.add("hs_new_build_over_3000", inst.code)
        # Secondary vocational schools.
        self.vocational = []
        n_voc = max(1, round(max(self.vocational_total.values()) / cal.typical_vocational_students))
        for i in range(n_voc):
            name = (
                f"{county_place}职业高级中学"
                if i == 0
                else f"{county_place}第{chinese_number(i + 1)}职业高级中学"
            )
            self.vocational.append(
                self.new_inst(
                    "V",
                    name=self.unique(name),
                    kind=InstitutionKind.VOCATIONAL,
                    role="voc",
                    township=seat,
                    ownership=Ownership.PUBLIC,
                    sponsor=Sponsor.EDUCATION_DEPT,
                    established_on=self.established("voc"),
                    weight=size(),
                    network=True,
                )
            )
        # Junior middle schools: one per town/township, more in the subdistricts.
        self.junior = []
        number = 0
        for ti, t in enumerate(county.townships):
            if t.type == DivisionType.SUBDISTRICT:
                n = max(1, round(self.pop.township_total[ti] / cal.jms_residents_per_school))
                names = []
                for _ in range(n):
                    number += 1
                    names.append(f"{county_place}第{chinese_number(number)}初级中学")
            else:
                names = [f"{self.place(ti)}中学"]
            for name in names:
                self.junior.append(
                    self.new_inst(
                        "J",
                        name=self.unique(name),
                        kind=InstitutionKind.JUNIOR_MIDDLE,
                        role="jms",
                        township=ti,
                        ownership=Ownership.PUBLIC,
                        sponsor=Sponsor.EDUCATION_DEPT,
                        established_on=self.established("jms"),
                        network=True,
                    )
                )
        self.junior_by_township = {}
        for inst in self.junior:
            self.junior_by_township.setdefault(inst.township, []).append(inst)
