"""The county's divisions (county, townships, villages) and its people (population by age, sex
and basis; births)."""

from __future__ import annotations

from typing import Any

from eduplan.registry.choices import DivisionLevel, DivisionType, Locality, PopulationBasis, Sex
from eduplan.registry.models import Births, Division, PopulationCount

from ..gazetteer import LOCALITY_OF
from ..population import FEMALE, MALE, OPEN_AGE
from ..vocabulary import VILLAGE_FIRST, VILLAGE_SECOND
from .records import BATCH, BIRTHS_FIELDS, POPULATION_FIELDS
from .state import CountyState


class DivisionsStage(CountyState):
    def write_divisions(self) -> None:
        county, city = self.county, self.gen.city_division(self.county)
        seat = self.places.seat
        cdiv = Division(
            code=county.code,
            name=county.name,
            level=DivisionLevel.COUNTY,
            type=county.type,
            parent=city,
            latitude=seat[0],
            longitude=seat[1],
        )
        cdiv.skip_history_when_saving = True  # type: ignore[attr-defined]  # no wall-clock rows
        cdiv.save()  # save() sets county = itself and city from the parent chain
        self.cdiv = cdiv
        self.tpoints = [self.places.township(t.type) for t in county.townships]
        self.tdivs = [
            Division(
                code=t.code,
                name=t.name,
                level=DivisionLevel.TOWNSHIP,
                type=t.type,
                parent=cdiv,
                county=cdiv,
                city=city,
                locality=LOCALITY_OF.get(t.type, Locality.RURAL),
                latitude=point[0],
                longitude=point[1],
            )
            for t, point in zip(county.townships, self.tpoints, strict=True)
        ]
        Division.objects.bulk_create(self.tdivs, batch_size=BATCH)
        self.villages = []
        vdivs = []
        lo, hi = self.spec.villages_per_township
        for t, tdiv, tpoint in zip(county.townships, self.tdivs, self.tpoints, strict=True):
            names: list[str] = []
            if t.type != DivisionType.SUBDISTRICT:
                wanted = int(self.rng.integers(lo, hi + 1))
                while len(names) < wanted:
                    name = (
                        VILLAGE_FIRST[int(self.rng.integers(len(VILLAGE_FIRST)))]
                        + VILLAGE_SECOND[int(self.rng.integers(len(VILLAGE_SECOND)))]
                        + "村"
                    )
                    if name not in names:
                        names.append(name)
                for i, name in enumerate(names):
                    vpoint = self.places.village(tpoint)
                    vdivs.append(
                        Division(
                            code=f"{t.code}{200 + i + 1:03d}",
                            name=name,
                            level=DivisionLevel.VILLAGE,
                            type=DivisionType.VILLAGE,
                            parent=tdiv,
                            county=cdiv,
                            city=city,
                            locality=Locality.RURAL,
                            synthetic=True,
                            latitude=vpoint[0],
                            longitude=vpoint[1],
                        )
                    )
            self.villages.append(names)
        self.bulk(Division, vdivs)
        self.counts["Division"] = self.counts.get("Division", 0) + 1 + len(self.tdivs)

    # -- people ---------------------------------------------------------------------------------------

    def write_population(self) -> None:
        """Single-year ages 0–19 and 20+ by sex, resident and registered, per township (or per
        county at nation scale); births per township and year."""
        pop = self.pop
        rows: list[tuple[Any, ...]] = []
        if self.spec.population_level == "township":
            targets = list(enumerate(self.tdivs))
        else:
            targets = [(-1, self.cdiv)]
        for ti, div in targets:
            for basis, arr in (
                (PopulationBasis.RESIDENT, pop.resident),
                (PopulationBasis.REGISTERED, pop.registered),
            ):
                block = (arr[ti] if ti >= 0 else arr.sum(axis=0)).tolist()
                for yi, year in enumerate(pop.years):
                    for age in range(OPEN_AGE + 1):
                        age_max = None if age == OPEN_AGE else age
                        for s, sex in ((MALE, Sex.MALE), (FEMALE, Sex.FEMALE)):
                            rows.append((div.pk, year, age, age_max, sex, basis, block[yi][age][s]))
        self.insert(PopulationCount, POPULATION_FIELDS, rows)
        births = []
        for ti, div in targets:
            series = (pop.births[ti] if ti >= 0 else pop.births.sum(axis=0)).tolist()
            for bi, year in enumerate(pop.birth_years):
                births.append((div.pk, year, PopulationBasis.RESIDENT, series[bi]))
        self.insert(Births, BIRTHS_FIELDS, births)
