"""The county's trajectories: enrolment rate, inclusive coverage, public share and
high-school-stage rate over the school years, ending above or below the plan's targets."""

from __future__ import annotations

from .state import CountyState


class TargetsStage(CountyState):
    def set_targets(self) -> None:
        """Trajectories of the county's enrollment rate, inclusive coverage, public share and
        high-school-stage rate over the school years, ending above the plan's targets unless the
        county was chosen to lag."""
        cal, rng, years = self.cal, self.rng, self.spec.school_years

        def path(end: tuple[float, float], drop: tuple[float, float]) -> dict[int, float]:
            last = rng.uniform(*end)
            first = last - rng.uniform(*drop)
            if len(years) == 1:
                return {years[0]: last}
            return {y: first + (last - first) * i / (len(years) - 1) for i, y in enumerate(years)}

        lag = self.flags
        self.ger = path(
            cal.enrollment_rate_lagging_end
            if "county_below_enrollment_target" in lag
            else cal.enrollment_rate_clean_end,
            cal.enrollment_rate_start_drop,
        )
        q = path(
            cal.inclusive_lagging_end if "county_below_inclusive_target" in lag else cal.inclusive_clean_end,
            cal.inclusive_start_drop,
        )
        p = path(
            cal.public_lagging_end if "county_below_public_share_target" in lag else cal.public_clean_end,
            cal.public_start_drop,
        )
        self.public_share = {y: min(p[y], q[y] - cal.min_inclusive_private_share) for y in years}
        self.inclusive_share = q
        first_hs, last_hs = rng.uniform(*cal.hs_enrollment_start), rng.uniform(*cal.hs_enrollment_end)
        steps = max(1, len(years) - 1)
        self.hs_rate = {
            y: last_hs - (last_hs - first_hs) * (len(years) - 1 - i) / steps for i, y in enumerate(years)
        }
        self.children_total = {
            y: round(self.ger[y] * self.pop.ages(y, *self.th.preschool_ages)) for y in years
        }
        self.category_total = {}
        for y in years:
            c = self.children_total[y]
            pub = round(c * self.public_share[y])
            inc = round(c * (self.inclusive_share[y] - self.public_share[y]))
            self.category_total[y] = {"public": pub, "inclusive": inc, "other": c - pub - inc}
        if self.county.is_autonomous:
            self.minority_share = cal.minority_share["autonomous"]
        elif self.county.province_code == cal.home_province:
            self.minority_share = cal.minority_share["yunnan"]
        else:
            self.minority_share = cal.minority_share["other"]
