"""Load synthetic canonical tables (eduplan.metrics.synthetic) into the registry's Django models, so
the same city can be computed on the app's database and on DuckDB. Columns the measures do not
read get neutral values."""

from __future__ import annotations

import pyarrow as pa

from eduplan.registry.models import (
    Births,
    Division,
    Institution,
    InstitutionState,
    Pairing,
    PopulationCount,
    SchoolClass,
    StaffMember,
)

BATCH = 2000


def _rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


def load(tables: dict[str, pa.Table]) -> None:
    divisions = _rows(tables["registry_division"])
    # Parents before children: ids ascend from provinces to townships in the generator.
    Division.objects.bulk_create(
        [
            Division(
                id=d["id"],
                code=d["code"],
                name=d["name"],
                level=d["level"],
                parent_id=d["parent_id"],
                county_id=d["county_id"],
                city_id=d["city_id"],
                valid_from=d["valid_from"],
                valid_to=d["valid_to"],
                synthetic=True,
            )
            for d in divisions
        ],
        batch_size=BATCH,
    )
    PopulationCount.objects.bulk_create(
        [PopulationCount(**r) for r in _rows(tables["registry_populationcount"])], batch_size=BATCH
    )
    Births.objects.bulk_create([Births(**r) for r in _rows(tables["registry_births"])], batch_size=BATCH)
    Institution.objects.bulk_create(
        [
            Institution(
                **r,
                name=f"合成机构{r['id']}",
                sponsor="education" if r["ownership"] == "public" else "private",
                synthetic=True,
            )
            for r in _rows(tables["registry_institution"])
        ],
        batch_size=BATCH,
    )
    InstitutionState.objects.bulk_create(
        [
            InstitutionState(**r, sponsor="education" if r["ownership"] == "public" else "private")
            for r in _rows(tables["registry_institutionstate"])
        ],
        batch_size=BATCH,
    )
    SchoolClass.objects.bulk_create(
        [SchoolClass(**r, name=f"班{i}") for i, r in enumerate(_rows(tables["registry_schoolclass"]))],
        batch_size=BATCH,
    )
    StaffMember.objects.bulk_create(
        [
            StaffMember(
                **r,
                name=f"职工{i}",
                sex="F",
                employment="establishment",
                id_hash=f"synthetic-{i}",
                id_last4="0000",
            )
            for i, r in enumerate(_rows(tables["registry_staffmember"]))
        ],
        batch_size=BATCH,
    )
    Pairing.objects.bulk_create(
        [Pairing(**r, supporter_name="合成帮扶校") for r in _rows(tables["registry_pairing"])],
        batch_size=BATCH,
    )
