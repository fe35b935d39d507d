"""One county of the demo: its townships and villages, people, institutions, classes, staff, fees,
safety records, pairings and management posts, with the imperfections planted at known rates.

A county is generated and written on its own (one transaction), from a random generator seeded by
(seed, county code): memory stays bounded at any scale and a county's rows do not depend on which
other counties are generated, except for the planting quotas, which run over counties in code
order so the totals are exact.
"""

from __future__ import annotations

from django.db import transaction

from ..population import synthesize
from .classes import ClassesStage
from .divisions import DivisionsStage
from .fees import FeesAndSafetyStage
from .institutions import InstitutionsStage
from .pairings import PairingsStage
from .planting import PlantingStage
from .preschool import PreschoolStage
from .schools import SchoolsStage
from .staff import StaffStage
from .targets import TargetsStage


class CountyBuilder(
    DivisionsStage,
    TargetsStage,
    PreschoolStage,
    SchoolsStage,
    PlantingStage,
    InstitutionsStage,
    ClassesStage,
    StaffStage,
    FeesAndSafetyStage,
    PairingsStage,
):
    """One county, built stage by stage in one transaction (the order matters: each stage reads
    what the earlier ones set, see :class:`.state.CountyState`)."""

    def build(self) -> dict[str, int]:
        with transaction.atomic():
            self.write_divisions()
            self.pop = synthesize(
                self.county,
                int(self.population_total * self.spec.population_factor),
                self.gen.birth_rate(self.county),
                self.spec,
                self.cal,
                self.rng,
            )
            self.write_population()
            self.set_targets()
            self.plan_preschool()
            self.plan_schools()
            self.plant_institutions()
            self.write_institutions()
            self.write_years_and_classes()
            self.write_staff()
            self.write_fees_and_safety()
            self.write_pairings_and_posts()
            for model, n in self.gen.registers.fill_county(self.cdiv, last=self.last).items():
                self.gen.register_counts[model] = self.gen.register_counts.get(model, 0) + n
            self.gen.count_registers(self.gen.duties.fill_county(self.cdiv, last=self.last))
        return self.counts
