"""Public contact details of the demo's kindergartens (issue 23: a parent reads a kindergarten's
full address and telephone on the portal). Synthetic like every demo record, but shaped as a parent
expects:

- a telephone number: the city's long-distance area code (``data/telephone.toml``), a hyphen, a
  local number of the city's length that starts as subscriber numbers do (2–8, never 0, 1 or 9:
  those lead trunk, special-service and operator numbers);
- a street address: the village for a village kindergarten, else a numbered building on a road
  named after the township (玉兴街道 → 玉兴路18号), as Chinese town roads often are.

Each is drawn from its own generator seeded by the demo seed and the institution's code, so adding
them leaves every other draw of the demo where it was."""

from __future__ import annotations

import tomllib
import zlib
from functools import cache
from pathlib import Path

import numpy as np

from .vocabulary import short_name

AREA_CODES = Path(__file__).resolve().parent / "data" / "telephone.toml"
#: Digits a local subscriber number may start with.
FIRST_DIGITS = "2345678"
#: Digits of a local number where the city is not listed (most Chinese cities outside the largest).
DEFAULT_LOCAL_DIGITS = 7


@cache
def _cities() -> dict[str, tuple[str, int]]:
    with AREA_CODES.open("rb") as fh:
        return {code: (str(area), int(digits)) for code, (area, digits) in tomllib.load(fh)["cities"].items()}


#: House numbers of the synthetic street addresses.
HOUSE_NUMBERS = (1, 200)


def _rng(seed: int, institution_code: str, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(institution_code.encode()), stream])


def area_code(city_code: str) -> tuple[str, int]:
    """The city's area code and the length of its local numbers; for a city not listed, the
    DEMO-ONLY rule of ``data/telephone.toml`` ("0" and three digits drawn from the city code)."""
    listed = _cities().get(city_code)
    if listed is not None:
        return listed
    rng = np.random.default_rng(int(city_code))
    return f"0{int(rng.integers(310, 1000)):03d}", DEFAULT_LOCAL_DIGITS


def telephone(seed: int, institution_code: str, city_code: str) -> str:
    """A plausible public number, e.g. ``0877-2603418`` for a kindergarten in Yuxi."""
    area, digits = area_code(city_code)
    rng = _rng(seed, institution_code, 0)
    first = FIRST_DIGITS[int(rng.integers(len(FIRST_DIGITS)))]
    rest = "".join(str(int(d)) for d in rng.integers(0, 10, size=digits - 1))
    return f"{area}-{first}{rest}"


def street_address(seed: int, institution_code: str, township: str, village: str) -> str:
    """The address kept in the registry: township and village (``玉兴街道北城村``), or township,
    road and number (``玉兴街道玉兴路18号``) where the institution is not in a village."""
    if village:
        return f"{township}{village}"
    rng = _rng(seed, institution_code, 1)
    number = int(rng.integers(HOUSE_NUMBERS[0], HOUSE_NUMBERS[1] + 1))
    return f"{township}{short_name(township)}路{number}号"
