"""Every choice of the admissions mechanism as a setting with a documented default.

The plan fixes the principles (same round, own area, quota-to-school, no early score line, everyone
admissible admitted) but not the numbers; STANDARDS.md notes that Yunnan/Yuxi's exact quota share
and score rules were not found. So share, tilt, rounding, floor line and batch order are settings,
and ``docs/admissions.md`` shows each one's effect on a small worked example.

A settings file is TOML, either flat or under an ``[admissions]`` table::

    [admissions]
    batch_order = "quota_first"
    rounding = "half_up"
    quota_min_line = 400
    rural_weight = 1.2

    [admissions.quota_share]      # per-school overrides of the schools CSV
    S001 = 0.6
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from eduplan.planning.admissions.errors import AdmissionsInputError

BatchOrder = Literal["quota_first", "general_first"]
Rounding = Literal["half_up", "half_even", "floor", "ceil"]
PrivateRound = Literal["same", "before", "after"]


@dataclass(frozen=True)
class AdmissionSettings:
    """The mechanism's settings; the defaults are the mechanism describes.

    Attributes:
        batch_order: ``"quota_first"`` runs the quota batch (指标到校) before the general batch
            (平行志愿); ``"general_first"`` runs the general batch on the non-quota seats first and
            offers quota seats only to candidates it left unplaced. The order of reserved and open
            seats changes who benefits from the reservation (Dur, Kominers, Pathak & Sönmez on
            Boston's walk-zone seats), so both are available and their effect is documented.
        default_quota_share: quota share used where the schools CSV leaves ``quota_share`` empty
            or has no such column. Default 0: a school reserves no quota seats unless told to.
        quota_share: per-school quota shares (school id → share in [0, 1]) overriding the CSV.
        rounding: how ``capacity × quota_share`` becomes a whole number of quota seats:
            ``half_up`` (四舍五入, default), ``half_even``, ``floor`` or ``ceil``.
        quota_min_line: minimum control line (最低控制线) for the quota batch; candidates scoring
            below it are not admitted on a quota seat. ``None`` (default): no line.
        general_min_line: a minimum line for the general batch. forbids setting a line in
            advance (不得提前设置最低分数线), so the default is ``None``; it exists to show the effect.
        use_weights: multiply each junior school's graduates by its ``weight`` column (e.g. a
            rural tilt) when dividing quota seats. Default true.
        rural_weight: extra multiplier for junior schools flagged ``rural`` in the junior-schools
            CSV (向农村学校倾斜). Default 1 (no tilt).
        weight_decimals: weights are used to this many decimal places, so the division of seats is
            done in exact integer arithmetic. Default 3.
        max_choices: use only the first this many general choices (``None``: all columns given).
            Fewer parallel choices move the mechanism towards immediate acceptance (Chen & Kesten 2017).
        private_round: ``"same"`` (default, 公民办同步招生): private and public schools admit in
            one dispatch; ``"before"``/``"after"``: private schools admit in a dispatch of their
            own before/after the public one. ``"before"`` is what forbids; it is here so the
            check that catches it can be shown to work.
        enforce_area: ignore choices of schools outside the candidate's area (属地招生), so no school
            admits across areas. Schools with an empty area admit from everywhere. Default true.
        quota_within_area: divide a school's quota seats only among the junior schools of its own
            area (junior schools with an unknown area take part everywhere). Default true.
        return_unused_quota: quota seats left unused return to the school's general capacity
            (in ``general_first`` order: to one further general dispatch among those still
            unplaced). False leaves them empty. Default true.
        max_examples: how many example rows each check lists in the summary.
    """

    batch_order: BatchOrder = "quota_first"
    default_quota_share: float = 0.0
    quota_share: Mapping[str, float] = field(default_factory=dict)
    rounding: Rounding = "half_up"
    quota_min_line: float | None = None
    general_min_line: float | None = None
    use_weights: bool = True
    rural_weight: float = 1.0
    weight_decimals: int = 3
    max_choices: int | None = None
    private_round: PrivateRound = "same"
    enforce_area: bool = True
    quota_within_area: bool = True
    return_unused_quota: bool = True
    max_examples: int = 100

    def __post_init__(self) -> None:
        problems = _validate(self)
        if problems:
            raise AdmissionsInputError(problems)

    def replace(self, **changes: Any) -> AdmissionSettings:
        """A copy with some settings changed (validated like the original)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for the summary JSON: a result always records the settings that made it."""
        data = dataclasses.asdict(self)
        data["quota_share"] = dict(self.quota_share)
        return data


_CHOICES: dict[str, tuple[str, ...]] = {
    "batch_order": get_args(BatchOrder),
    "rounding": get_args(Rounding),
    "private_round": get_args(PrivateRound),
}


def _share_ok(value: Any) -> bool:
    return _is_number(value) and 0.0 <= float(value) <= 1.0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _problem(key: str, zh: str, en: str) -> str:
    return f"设置 {key}: {zh} / setting {key}: {en}"


def _validate(s: AdmissionSettings) -> list[str]:
    problems: list[str] = []
    for key, allowed in _CHOICES.items():
        value = getattr(s, key)
        if value not in allowed:
            problems.append(
                _problem(
                    key,
                    f"应为 {' / '.join(allowed)} 之一, 实为 {value!r}",
                    f"expected one of {allowed}, got {value!r}",
                )
            )
    if not _share_ok(s.default_quota_share):
        problems.append(_problem("default_quota_share", "应在 0 到 1 之间", "must be a number in [0, 1]"))
    if not isinstance(s.quota_share, Mapping):
        problems.append(
            _problem("quota_share", "应为 学校代码 = 比例 的表", "must be a table school_id = share")
        )
    else:
        for school, share in s.quota_share.items():
            if not _share_ok(share):
                problems.append(
                    _problem(
                        f"quota_share.{school}",
                        f"应在 0 到 1 之间, 实为 {share!r}",
                        f"must be in [0, 1], got {share!r}",
                    )
                )
    for key in ("quota_min_line", "general_min_line"):
        value = getattr(s, key)
        if value is not None and not _is_number(value):
            problems.append(_problem(key, "应为数字或不设", "must be a number or absent"))
    if not _is_number(s.rural_weight) or s.rural_weight < 0:
        problems.append(_problem("rural_weight", "应为非负数", "must be a non-negative number"))
    if (
        not isinstance(s.weight_decimals, int)
        or isinstance(s.weight_decimals, bool)
        or not 0 <= s.weight_decimals <= 6
    ):
        problems.append(_problem("weight_decimals", "应为 0 到 6 的整数", "must be an integer from 0 to 6"))
    if s.max_choices is not None and (
        not isinstance(s.max_choices, int) or isinstance(s.max_choices, bool) or s.max_choices < 0
    ):
        problems.append(
            _problem("max_choices", "应为非负整数或不设", "must be a non-negative integer or absent")
        )
    for key in ("use_weights", "enforce_area", "quota_within_area", "return_unused_quota"):
        if not isinstance(getattr(s, key), bool):
            problems.append(_problem(key, "应为 true 或 false", "must be true or false"))
    if not isinstance(s.max_examples, int) or isinstance(s.max_examples, bool) or s.max_examples < 0:
        problems.append(_problem("max_examples", "应为非负整数", "must be a non-negative integer"))
    return problems


def settings_from_mapping(data: Mapping[str, Any], source: str = "settings") -> AdmissionSettings:
    """Settings from a mapping (a parsed TOML file); unknown keys are refused, not ignored."""
    if "admissions" in data and isinstance(data["admissions"], Mapping):
        data = data["admissions"]
    known = {f.name for f in dataclasses.fields(AdmissionSettings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise AdmissionsInputError(
            [
                f"{source}: 未知设置 {key!r}, 可用: {', '.join(sorted(known))} / "
                f"{source}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
                for key in unknown
            ]
        )
    try:
        return AdmissionSettings(**dict(data))
    except AdmissionsInputError as exc:
        raise AdmissionsInputError([f"{source}: {p}" for p in exc.problems]) from None


def load_settings(path: str | Path | None) -> AdmissionSettings:
    """Settings from a TOML file, or the defaults when ``path`` is None."""
    if path is None:
        return AdmissionSettings()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise AdmissionsInputError(f"{path}: 文件不存在 / file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AdmissionsInputError(f"{path}: 不是有效的 TOML ({exc}) / not valid TOML ({exc})") from None
    return settings_from_mapping(data, source=str(path))
