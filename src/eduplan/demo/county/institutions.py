"""Writing the planned institutions (and the published renames) as registry rows."""

from __future__ import annotations

from eduplan.registry.choices import DivisionType, ServiceType
from eduplan.registry.models import Institution, NameChange

from .. import contact
from .records import Inst, day_between
from .state import CountyState


class InstitutionsStage(CountyState):
    def institution_row(self, inst: Inst) -> Institution:
        tdiv = self.tdivs[inst.township]
        preschool = inst.preschool
        lat, lon = self.places.institution(
            self.tpoints[inst.township], urban=tdiv.type == DivisionType.SUBDISTRICT
        )
        obj = Institution(
            code=inst.code,
            name=inst.name,
            kind=inst.kind,
            division=tdiv,
            county=self.cdiv,
            address=contact.street_address(self.gen.seed, inst.code, tdiv.name, inst.village),
            telephone=(
                contact.telephone(self.gen.seed, inst.code, self.county.city_code) if preschool else ""
            ),
            latitude=lat,
            longitude=lon,
            ownership=inst.ownership,
            sponsor=inst.sponsor,
            established_on=inst.established_on,
            synthetic=True,
            inclusive=inst.inclusive,
            inclusive_since=inst.inclusive_since,
            licence_status=inst.licence,
            grade=inst.grade,
            grade_year=inst.grade_year,
            service_type=ServiceType.FULL_DAY if preschool else "",
            is_central=inst.is_central,
            central=inst.central.obj if inst.central else None,
            group_lead=inst.group_lead.obj if inst.group_lead else None,
            is_residential_supporting=bool(inst.residential),
            is_demonstration=inst.is_demonstration,
            in_quality_evaluation=preschool,
            quality_evaluated_on=inst.quality_evaluated_on,
            rating=inst.rating,
            is_county_high_school=inst.is_county_hs,
            is_new_build=inst.is_new_build,
            network_connected=inst.network,
            **inst.residential,
        )
        inst.obj = obj
        return obj

    def write_institutions(self) -> None:
        # Referenced institutions (central kindergartens, the group lead) first, so the others can
        # point at them.
        first = [i for i in self.insts if i.central is None and i.group_lead is None]
        second = [i for i in self.insts if i.central is not None or i.group_lead is not None]
        self.bulk(Institution, [self.institution_row(i) for i in first])
        self.bulk(Institution, [self.institution_row(i) for i in second])
        self.renames_rows = [
            NameChange(
                institution=inst.row,
                old_name=old,
                new_name=inst.name,
                changed_on=day_between(self.rng, *self.cal.renamed),
                reason="规范幼儿园名称 name clean-up",
            )
            for inst, old in self.renames
        ]
        self.bulk(NameChange, self.renames_rows)
