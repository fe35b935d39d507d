"""Imperfections planted on institutions before they are written: names, licences, grades,
very large kindergartens, late supporting kindergartens, high schools off the network."""

from __future__ import annotations

import datetime as dt

from eduplan.registry.choices import FIRST_LEVEL_KG_GRADES, InstitutionKind, KindergartenGrade, LicenceStatus

from ..vocabulary import (
    BANNED_WORDS,
    FEATURE_WORDS,
    FOREIGN_PLACES,
    FOREIGN_WORDS,
    LATIN_WORDS,
    PRIVATE_KG_WORDS,
    RELIGIOUS_WORDS,
)
from .records import Inst, day_between
from .state import CountyState


class PlantingStage(CountyState):
    def plant_institutions(self) -> None:
        cal, rng, manifest = self.cal, self.rng, self.gen.manifest
        kgs = [i for i in self.insts if i.is_kg]
        private = [i for i in kgs if not i.public]
        # Names: each planted name breaks exactly one naming rule.
        public_models = [
            i
            for i in self.insts
            if i.public and i.kind in (InstitutionKind.KINDERGARTEN, InstitutionKind.HIGH_SCHOOL)
        ]
        renamed: set[Inst] = set()
        for inst in self.pick("kg_name_uses_public_name", private):
            model = public_models[int(rng.integers(len(public_models)))]
            word = PRIVATE_KG_WORDS[int(rng.integers(len(PRIVATE_KG_WORDS)))]
            inst.name = self.unique(
                f"{model.name}附属幼儿园"
                if model.kind == InstitutionKind.HIGH_SCHOOL
                else f"{model.name}{word}分园"
            )
            renamed.add(inst)
            manifest.add("kg_name_uses_public_name", inst.code)
        for kind, words in (
            ("kg_name_banned_word", BANNED_WORDS),
            ("kg_name_feature_word", FEATURE_WORDS),
            ("kg_name_latin", LATIN_WORDS),
            ("kg_name_foreign_place", FOREIGN_PLACES),
            ("kg_name_foreign_word", FOREIGN_WORDS),
            ("kg_name_religious", RELIGIOUS_WORDS),
        ):
            pool = [i for i in private if i not in renamed]
            for inst in self.pick(kind, pool):
                word = words[int(rng.integers(len(words)))]
                inst.name = self.unique(f"{self.private_place(inst.township)}{word}幼儿园")
                renamed.add(inst)
                manifest.add(kind, inst.code)
        # Kindergartens renamed in the clean-up (published old → new, not imperfections).
        self.renames = []
        for inst in self.pick("renamed_kindergartens", [i for i in private if i not in renamed]):
            word = (BANNED_WORDS + FEATURE_WORDS)[int(rng.integers(len(BANNED_WORDS) + len(FEATURE_WORDS)))]
            old = f"{self.private_place(inst.township)}{word}幼儿园"
            self.renames.append((inst, old))
            self.gen.manifest.renamed.append(inst.code)
        # Licences.
        others = [i for i in kgs if i.role == "private_other"]
        for inst in self.pick("kg_unlicensed", others):
            inst.licence = LicenceStatus.UNLICENSED
            manifest.add("kg_unlicensed", inst.code)
            manifest.add("kg_unrated", inst.code)
        for inst in self.pick("kg_teaching_point", [i for i in kgs if i.role == "village"]):
            inst.licence = LicenceStatus.TEACHING_POINT
            manifest.add("kg_teaching_point", inst.code)
        # Grades (every kindergarten rated before 2023), first level by role.
        rated = [i for i in kgs if i.licence != LicenceStatus.UNLICENSED]
        unrated = set(self.pick("kg_unrated", rated))
        for inst in unrated:
            manifest.add("kg_unrated", inst.code)
        first_level = [g.value for g in FIRST_LEVEL_KG_GRADES]
        lower = [g.value for g in KindergartenGrade if g.value and g.value not in first_level]
        lowest = [g for g in lower if g.startswith("3-")]  # 三级: teaching points and village sites
        for inst in kgs:
            if inst.licence == LicenceStatus.UNLICENSED or inst in unrated:
                continue
            inst.grade_year = int(rng.integers(cal.grade_years[0], cal.grade_years[1] + 1))
            if (
                inst.licence == LicenceStatus.LICENSED
                and rng.random() < cal.first_level_probability[inst.role]
            ):
                inst.grade = str(rng.choice(first_level))
                inst.is_demonstration = rng.random() < cal.demonstration_share_of_first_level
            elif inst.licence == LicenceStatus.TEACHING_POINT or inst.role == "village":
                inst.grade = str(rng.choice(lowest))
            else:
                inst.grade = str(rng.choice(lower))
        for inst in self.insts:
            if inst.preschool:
                inst.quality_evaluated_on = day_between(rng, *cal.quality_evaluated)
        # Very large kindergartens (more than [kindergarten_class_size] max_children).
        lo, hi = cal.kg_over_max_children
        for inst in self.pick("kg_over_360", [i for i in kgs if i.role == "urban_public"]):
            inst.fixed = {y: int(rng.integers(lo, hi + 1)) for y in self.spec.school_years}
            inst.has_nursery = False
            manifest.add("kg_over_360", inst.code)
        # Residential supporting kindergartens delivered after their housing (四同步 broken).
        supporting = [i for i in kgs if i.residential]
        for inst in self.pick("kg_supporting_delivered_late", supporting):
            days = int(rng.integers(cal.supporting_late_days[0], cal.supporting_late_days[1] + 1))
            late = inst.residential["housing_delivered_on"] + dt.timedelta(days=days)
            inst.residential["supporting_delivered_on"] = late
            inst.established_on = late
            manifest.add("kg_supporting_delivered_late", inst.code)
        # High schools off the education network.
        general = [i for i in self.insts if i.kind == InstitutionKind.HIGH_SCHOOL]
        for inst in self.pick("hs_not_on_network", general):
            inst.network = False
            manifest.add("hs_not_on_network", inst.code)
