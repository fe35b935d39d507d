"""Monthly periods (月报 periods are calendar months, given by their first day) and deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from eduplan.plans import standards

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(ValueError):
    """A month the user typed that cannot be read."""


def parse_month(text: str) -> dt.date:
    """``"2025-03"`` → 2025-03-01, or a bilingual error saying what was expected."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"月份格式应为 YYYY-MM,收到“{text}” / a month is written YYYY-MM, got {text!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(period: dt.date, n: int) -> dt.date:
    index = period.year * 12 + period.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def label(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def label_zh(period: dt.date) -> str:
    return f"{period.year}年{period.month}月"


def default_due_date(period: dt.date) -> dt.date:
    """The ``[monthly_report] deadline_day`` of the following month (capped at its last day)."""
    day = int(standards.value("monthly_report", "deadline_day"))
    following = add_months(period, 1)
    return following.replace(day=min(day, month_end(following).day))


def first_expected_period() -> dt.date:
    return parse_month(str(standards.value("monthly_report", "first_period")))


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    p = month_start(first)
    while p <= last:
        out.append(p)
        p = add_months(p, 1)
    return out


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month and day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
