"""The standards file (``plan/standards.toml``): national numbers the plan relies on, each with
its source. Code reads thresholds from here, never from literals."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings


class StandardsError(KeyError):
    """A missing section or key, named with the file it was looked for in."""

    def __str__(self) -> str:  # KeyError quotes its argument; show the message plainly
        return str(self.args[0])


@cache
def _load(path: str) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def standards_path() -> Path:
    return Path(settings.PLAN_DIR) / "standards.toml"


def standards() -> dict[str, Any]:
    return _load(str(standards_path()))


def section(name: str) -> dict[str, Any]:
    data = standards()
    if name not in data:
        raise StandardsError(f"{standards_path()}: 缺少 [{name}] 节 / section [{name}] is missing")
    return data[name]


def value(section_name: str, key: str) -> Any:
    """The value in force: the city's own (a confirmed assumption, see
    :mod:`eduplan.plans.assumptions`) when it set one, else the file's."""
    from eduplan.plans.assumptions import override

    found, own = override(section_name, key)
    if found:
        return own
    return file_value(section_name, key)


def file_value(section_name: str, key: str) -> Any:
    sec = section(section_name)
    if key not in sec:
        raise StandardsError(f"{standards_path()}: [{section_name}] 缺少 {key} / key {key!r} is missing")
    return sec[key]


def source_of(section_name: str, key: str | None = None) -> str:
    """The citation behind a value: the key's own ``<key>_source`` or the section's ``source``."""
    sec = section(section_name)
    ref = sec.get(f"{key}_source") if key else None
    ref = ref or sec.get("source", "")
    return str(standards().get("sources", {}).get(ref, ref))


def is_verified(section_name: str, key: str | None = None) -> bool:
    sec = section(section_name)
    if key and f"{key}_verified" in sec:
        return bool(sec[f"{key}_verified"])
    return bool(sec.get("verified", True))
