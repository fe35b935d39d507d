"""Support pairings of kindergartens and the county's preschool management posts."""

from __future__ import annotations

import numpy as np

from eduplan.registry.choices import InstitutionKind, LicenceStatus, ManagementPost, PairingKind, Sex
from eduplan.registry.models import ManagementAppointment, Pairing

from .. import staffing
from .records import day_between
from .state import CountyState


class PairingsStage(CountyState):
    def write_pairings_and_posts(self) -> None:
        rng, manifest = self.rng, self.gen.manifest
        kgs = [i for i in self.insts if i.is_kg]
        first = [i for i in kgs if i.first_level]
        weak = [i for i in kgs if not i.first_level and i.licence == LicenceStatus.LICENSED and i.grade]
        none = set(self.pick("kg_support_none", first))
        many = set(self.pick("kg_support_too_many", [i for i in first if i not in none]))
        pairings = []
        for inst in first:
            if inst in none:
                manifest.add("kg_support_none", inst.code)
                continue
            if inst in many:
                count = self.th.kg_support_max + 1
                manifest.add("kg_support_too_many", inst.code)
            else:
                count = int(rng.integers(self.th.kg_support_min, self.th.kg_support_max + 1))
            if not weak:
                continue
            picks = rng.choice(len(weak), size=min(count, len(weak)), replace=False)
            for j in np.sort(picks):
                pairings.append(
                    Pairing(
                        kind=PairingKind.KG_SUPPORT,
                        supporter=inst.row,
                        supported=weak[int(j)].row,
                        start_date=day_between(rng, *self.cal.kg_support_started),
                        agreement_signed=True,
                    )
                )
        self.bulk(Pairing, pairings)
        posts = []
        for post in (ManagementPost.PRESCHOOL_ADMIN, ManagementPost.PRESCHOOL_RESEARCHER):
            if post == ManagementPost.PRESCHOOL_RESEARCHER and "county_no_preschool_researcher" in self.flags:
                continue
            sex = Sex.FEMALE if rng.random() < self.cal.female_share_posts else Sex.MALE
            posts.append(
                ManagementAppointment(
                    county=self.cdiv,
                    post=post,
                    person_name=staffing.PeopleFactory(self.county.code, rng, self.cal).name(sex, set()),
                    is_dedicated=True,
                    start_date=day_between(rng, *self.cal.posts_started),
                )
            )
        self.bulk(ManagementAppointment, posts)
        # For the city-wide trusteeship pass.
        self.gen.city_high_schools.setdefault(self.county.city_code, []).extend(
            (i.code, i.row, i.is_county_hs, i.first_level)
            for i in self.insts
            if i.kind == InstitutionKind.HIGH_SCHOOL
        )
