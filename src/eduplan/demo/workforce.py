"""``eduplan workforce demo [--seed 1] [--today 2025-06-30]``: the workforce registers of the demo
(training, performance pay, evaluation schemes, ethics records, publicity) for a registry that has
none.

``eduplan demo`` fills these registers itself (with its planted imperfections listed in the
manifest); this command fills them, with the same code (``eduplan.demo.registers``), into a database
whose registry came from elsewhere. It refuses when they hold rows.
"""

from __future__ import annotations

import datetime as dt

from eduplan.demo.calibration import REFERENCE_DATE
from eduplan.demo.registers import WORKFORCE, fill_existing

DEFAULT_TODAY = REFERENCE_DATE


def populate(seed: int = 1, *, today: dt.date = DEFAULT_TODAY) -> dict[str, int]:
    """Fill every workforce register for every county as of ``today``; row counts by model.
    Raises ``ValueError`` (with a message to show) when there is nothing to fill."""
    return fill_existing(seed, parts=[WORKFORCE], reference=today)
