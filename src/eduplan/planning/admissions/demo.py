"""A seeded synthetic province for trying and benchmarking the admissions tools.

No real candidate data is public (and must never be in a demo), so this draws a province-like
instance: areas (prefectures/counties that admit their own candidates, 属地招生), junior middle
schools of varied size with a rural share, high schools of varied quality and size in whole classes,
a few quality schools reserving half their places as quota seats (指标到校), some private schools,
scores correlated with the junior school, and preference lists that run from "reach" to "safe"
schools around each candidate's standing in their area. Every figure below is a setting; the
defaults are scaled from the benchmark instance of the issue (1.3 M candidates, 900 schools,
3,000 junior schools, 60 quota schools, 10 choices) and are labelled synthetic wherever written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from eduplan.planning.admissions.mechanism import NONE, Instance

#: Even a small demo has two areas, so the same-area rule (属地招生) has something to show.
MIN_DEMO_AREAS = 2


@dataclass(frozen=True)
class DemoSettings:
    """Shape of the synthetic province; ``None`` counts are scaled from ``candidates``.

    Attributes:
        candidates: number of candidates (junior middle school graduates sitting the exam).
        schools: high schools; default ``candidates / candidates_per_school``.
        junior_schools: junior middle schools; default ``candidates / candidates_per_junior``.
        quota_schools: schools reserving quota seats; default ``schools × quota_school_fraction``.
        areas: admission areas; default ``candidates / candidates_per_area``.
        choices: parallel choices per candidate (k).
        quota_share: share of a quota school's places reserved for junior schools.
        seat_ratio: general high school places per candidate (roughly the national 普职比 policy).
        private_fraction: share of non-quota schools that are private (民办).
        rural_fraction: share of junior schools that are rural.
        class_size: places come in whole classes of this size (建标〔2002〕102号: 50 per class).
        max_score, score_mean, score_sd: exam total, whole points.
        tiebreak_max: range of the tie-break value (e.g. the sum of three main subjects).
        junior_effect_sd, rural_effect: how much a junior school shifts its graduates' scores.
        aspiration_spread: how far candidates' lists reach beyond their own standing (in percentiles).
        optimism: how far above their own standing candidates aim on average (in percentiles).
        quota_choice_rate: share of candidates with a quota school in their list who name one.
        short_list_rate: share of candidates who leave some choice cells empty.
        seed: the random seed; the same settings and seed give the same province.
    """

    candidates: int = 10_000
    schools: int | None = None
    junior_schools: int | None = None
    quota_schools: int | None = None
    areas: int | None = None
    choices: int = 10
    quota_share: float = 0.5
    seat_ratio: float = 0.6
    private_fraction: float = 0.15
    rural_fraction: float = 0.4
    class_size: int = 50
    max_score: int = 700
    score_mean: float = 450.0
    score_sd: float = 110.0
    tiebreak_max: int = 360
    junior_effect_sd: float = 0.3
    rural_effect: float = -0.2
    aspiration_spread: float = 0.12
    optimism: float = 0.05
    quota_choice_rate: float = 0.8
    short_list_rate: float = 0.1
    seed: int = 1
    candidates_per_school: float = 1_300_000 / 900
    candidates_per_junior: float = 1_300_000 / 3_000
    candidates_per_area: float = 1_300_000 / 16
    quota_school_fraction: float = 60 / 900

    def resolved(self) -> DemoSettings:
        """The same settings with every scaled count filled in."""
        n = self.candidates
        areas = self.areas or max(MIN_DEMO_AREAS, round(n / self.candidates_per_area))
        schools = self.schools or max(2 * areas, round(n / self.candidates_per_school))
        juniors = self.junior_schools or max(areas, round(n / self.candidates_per_junior), 1)
        quota = (
            self.quota_schools
            if self.quota_schools is not None
            else max(1, round(schools * self.quota_school_fraction))
        )
        return DemoSettings(
            **{
                **self.__dict__,
                "areas": areas,
                "schools": schools,
                "junior_schools": juniors,
                "quota_schools": min(quota, schools),
            }
        )


@dataclass
class DemoProvince:
    """The arrays of a synthetic province plus the ids the CSV files use."""

    instance: Instance
    candidate_ids: pa.Array  # of str
    school_ids: list[str]
    junior_ids: list[str]
    area_ids: list[str]
    settings: DemoSettings
    notes: dict[str, int] = field(default_factory=dict)


def _split(total: int, weights: NDArray[np.float64], minimum: int = 0) -> NDArray[np.int64]:
    """``total`` split in proportion to ``weights`` (largest remainder), each at least ``minimum``."""
    count = len(weights)
    base = np.full(count, minimum, dtype=np.int64)
    left = total - base.sum()
    if left <= 0:
        return base
    exact = left * weights / weights.sum()
    floor = np.floor(exact).astype(np.int64)
    extra = left - floor.sum()
    floor[np.argsort(-(exact - floor), kind="stable")[:extra]] += 1
    return base + floor


def _numbered_ids(prefix: str, count: int) -> pa.Array:
    """C0001 … C1300000-style ids, built in Arrow (a Python list of 1.3 M strings takes a second)."""
    digits = pc.cast(pa.array(np.arange(1, count + 1)), pa.string())
    padded = pc.utf8_lpad(digits, width=len(str(count)), padding="0")
    return pc.binary_join_element_wise(prefix, padded, "")


def generate(settings: DemoSettings | None = None) -> DemoProvince:
    """Draw a synthetic province (see :class:`DemoSettings`); deterministic for a given seed."""
    s = (settings or DemoSettings()).resolved()
    assert s.areas is not None and s.schools is not None and s.junior_schools is not None
    assert s.quota_schools is not None
    rng = np.random.default_rng(s.seed)
    n, m, n_j, n_a, k = s.candidates, s.schools, s.junior_schools, s.areas, s.choices

    area_size = rng.lognormal(0.0, 0.4, n_a)
    school_area = np.repeat(np.arange(n_a), _split(m, area_size, minimum=1))
    junior_area = np.repeat(np.arange(n_a), _split(n_j, area_size, minimum=1))

    # High schools: quality, quota schools (the best of each area first), private schools, places.
    quality = rng.random(m)
    within_rank = np.empty(m, dtype=np.int64)
    for a in range(n_a):
        idx = np.flatnonzero(school_area == a)
        within_rank[idx[np.argsort(-quality[idx])]] = np.arange(len(idx))
    quota_pick = np.lexsort((-quality, within_rank))[: s.quota_schools]
    is_quota = np.zeros(m, dtype=bool)
    is_quota[quota_pick] = True
    private = ~is_quota & (rng.random(m) < s.private_fraction)
    quota_share = np.where(is_quota, s.quota_share, 0.0)

    # Junior schools and candidates.
    junior_size = rng.lognormal(0.0, 0.5, n_j)
    rural = rng.random(n_j) < s.rural_fraction
    junior_effect = rng.normal(0.0, s.junior_effect_sd, n_j) + np.where(rural, s.rural_effect, 0.0)
    junior = rng.choice(n_j, size=n, p=junior_size / junior_size.sum())
    cand_area = junior_area[junior]
    ability = rng.normal(0.0, 1.0, n) + junior_effect[junior]
    z = (ability - ability.mean()) / ability.std()
    score = np.clip(np.rint(s.score_mean + s.score_sd * z), 0, s.max_score)
    tb_z = 0.8 * z + 0.6 * rng.normal(0.0, 1.0, n)
    tiebreak = np.clip(np.rint(s.tiebreak_max / 2 + s.tiebreak_max / 6 * tb_z), 0, s.tiebreak_max)

    # Places: seat_ratio × candidates of each area, in whole classes, bigger for better schools.
    area_cands = np.bincount(cand_area, minlength=n_a)
    capacity = np.zeros(m, dtype=np.int64)
    for a in range(n_a):
        idx = np.flatnonzero(school_area == a)
        size = (0.5 + quality[idx]) * rng.lognormal(0.0, 0.3, len(idx))
        classes = _split(round(s.seat_ratio * area_cands[a] / s.class_size), size, minimum=1)
        capacity[idx] = classes * s.class_size

    # Preferences: around each candidate's standing in their area, reach to safe.
    choices = np.full((n, k), NONE, dtype=np.int32)
    quota_choice = np.full(n, NONE, dtype=np.int32)
    for a in range(n_a):
        cands = np.flatnonzero(cand_area == a)
        sch = np.flatnonzero(school_area == a)
        if not len(cands):
            continue
        standing = np.empty(len(cands))
        standing[np.argsort(score[cands] + tiebreak[cands] / (s.tiebreak_max + 1))] = np.linspace(
            0, 1, len(cands)
        )
        level = np.empty(len(sch))
        level[np.argsort(quality[sch])] = np.linspace(0, 1, len(sch))
        level32 = level.astype(np.float32)
        take = min(k, len(sch))
        for lo in range(0, len(cands), 1 << 15):
            part = slice(lo, lo + (1 << 15))
            aim = (standing[part] + s.optimism).astype(np.float32)
            u = np.abs(aim[:, None] - level32[None, :])
            u *= np.float32(-1.0 / s.aspiration_spread)
            u += rng.standard_normal(size=u.shape, dtype=np.float32)  # taste noise
            top = (
                np.argpartition(-u, take - 1, axis=1)[:, :take]
                if take < len(sch)
                else np.tile(np.arange(len(sch)), (len(u), 1))
            )
            by_quality = np.argsort(-level[top], axis=1)
            picked = sch[np.take_along_axis(top, by_quality, axis=1)]
            choices[cands[part], :take] = picked
            first_quota = np.where(is_quota[picked], np.arange(take), take).min(axis=1)
            has = first_quota < take
            rows = np.flatnonzero(has & (rng.random(len(picked)) < s.quota_choice_rate))
            quota_choice[cands[part][rows]] = picked[rows, first_quota[rows]]
    short = np.flatnonzero(rng.random(n) < s.short_list_rate)
    if k > 1 and len(short):
        keep = rng.integers(1, k, len(short))
        cols = np.arange(k)[None, :]
        sub = choices[short]
        sub[cols >= keep[:, None]] = NONE
        choices[short] = sub

    inst = Instance(
        score=score.astype(np.float64),
        choices=choices,
        capacity=capacity,
        tiebreak=tiebreak.astype(np.float64),
        id_rank=np.arange(n, dtype=np.int64),
        junior=junior.astype(np.int64),
        quota_choice=quota_choice,
        quota_share=quota_share,
        private=private,
        school_area=school_area.astype(np.int64),
        junior_area=junior_area.astype(np.int64),
        junior_rural=rural,
        n_juniors=n_j,
    )
    return DemoProvince(
        instance=inst,
        candidate_ids=_numbered_ids("C", n),
        school_ids=[f"S{i:0{len(str(m))}d}" for i in range(1, m + 1)],
        junior_ids=[f"J{i:0{len(str(n_j))}d}" for i in range(1, n_j + 1)],
        area_ids=[f"A{i:0{len(str(n_a))}d}" for i in range(1, n_a + 1)],
        settings=s,
        notes={
            "quota_schools": int(is_quota.sum()),
            "private_schools": int(private.sum()),
            "places": int(capacity.sum()),
        },
    )


DEMO_SETTINGS_TOML = """\
# Admission settings for the synthetic demo province (eduplan admissions demo). SYNTHETIC DATA.
# Every key is optional; the values below are the defaults. See docs/admissions.md.
[admissions]
batch_order = "quota_first"     # or "general_first"
default_quota_share = 0.0       # for schools with an empty quota_share cell
rounding = "half_up"            # half_up | half_even | floor | ceil
# quota_min_line = 400          # minimum control line for quota seats (default: none)
# general_min_line = 300        # forbids a line set in advance; for comparison only
use_weights = true
rural_weight = 1.0              # e.g. 1.2 tilts quota seats towards rural junior schools
weight_decimals = 3
# max_choices = 6               # default: every choice column
private_round = "same"          # same | before | after
enforce_area = true
quota_within_area = true
return_unused_quota = true
max_examples = 100

# [admissions.quota_share]      # per-school overrides of schools.csv
# S001 = 0.6
"""


def write_province(province: DemoProvince, out_dir: str | Path) -> dict[str, Path]:
    """Write candidates.csv, schools.csv, junior_schools.csv and settings.toml into ``out_dir``."""
    import pyarrow.csv as pacsv

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inst = province.instance
    school_ids = np.array([*province.school_ids, ""], dtype=object)
    junior_ids = np.array(province.junior_ids, dtype=object)
    area_ids = np.array(province.area_ids, dtype=object)

    def names(idx: NDArray[np.integer]) -> pa.Array:
        return pa.array(school_ids[idx], type=pa.string())  # -1 picks the trailing "" (empty cell)

    assert inst.junior is not None and inst.quota_choice is not None and inst.tiebreak is not None
    columns = {
        "candidate_id": province.candidate_ids,
        "junior_school": pa.array(junior_ids[inst.junior], type=pa.string()),
        "score": pa.array(inst.score.astype(np.int64)),
        "tiebreak": pa.array(inst.tiebreak.astype(np.int64)),
        "quota_choice": names(inst.quota_choice),
    }
    for c in range(inst.k):
        columns[f"choice_{c + 1}"] = names(inst.choices[:, c])
    paths = {"candidates": out / "candidates.csv"}
    pacsv.write_csv(pa.table(columns), paths["candidates"], pacsv.WriteOptions(quoting_style="none"))

    assert inst.school_area is not None and inst.private is not None and inst.quota_share is not None
    schools = pa.table(
        {
            "school_id": pa.array(province.school_ids, type=pa.string()),
            "capacity": pa.array(inst.capacity),
            "quota_share": pa.array(inst.quota_share),
            "area": pa.array(area_ids[inst.school_area], type=pa.string()),
            "ownership": pa.array(np.where(inst.private, "private", "public"), type=pa.string()),
        }
    )
    paths["schools"] = out / "schools.csv"
    pacsv.write_csv(schools, paths["schools"], pacsv.WriteOptions(quoting_style="none"))

    assert inst.junior_area is not None and inst.junior_rural is not None
    juniors = pa.table(
        {
            "junior_school": pa.array(province.junior_ids, type=pa.string()),
            "area": pa.array(area_ids[inst.junior_area], type=pa.string()),
            "rural": pa.array(inst.junior_rural.astype(np.int64)),
            "weight": pa.array(np.ones(len(province.junior_ids))),
        }
    )
    paths["junior_schools"] = out / "junior_schools.csv"
    pacsv.write_csv(juniors, paths["junior_schools"], pacsv.WriteOptions(quoting_style="none"))

    paths["settings"] = out / "settings.toml"
    paths["settings"].write_text(DEMO_SETTINGS_TOML, encoding="utf-8")
    return paths
