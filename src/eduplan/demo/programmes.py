"""``eduplan programmes demo``: the programme registers of the demo for a registry that has none.

``eduplan demo`` fills these registers itself (with its planted imperfections listed in the
manifest); this command fills them, with the same code (``eduplan.demo.registers``), into a database
whose registry came from elsewhere (an import, an older demo). It refuses when they hold rows.
"""

from __future__ import annotations

from eduplan.demo.registers import PROGRAMMES, RegistersExist, fill_existing


class DemoError(ValueError):
    pass


def populate(seed: int = 1) -> dict[str, int]:
    """Fill every programme register for every county; row counts by model."""
    try:
        return fill_existing(seed, parts=[PROGRAMMES])
    except (RegistersExist, ValueError) as exc:
        raise DemoError(str(exc)) from exc
