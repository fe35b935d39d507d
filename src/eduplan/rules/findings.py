"""Findings: what a rule reports about one institution or county.

A finding carries everything an inspector needs to act and to defend the act: which entity, what is
wrong (in Chinese and English), the measured value and what is required, the clause of the plan it
comes from (``CLAUSES.md``) and the standard behind the number (``plan/standards.toml``).

A rule that cannot check something because the registry holds no data for it says so with a
finding of kind ``no_data`` at ``info`` severity: a missing safety record is never a silent pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models


class Severity(models.TextChoices):
    """How urgent a finding is — the one severity of rule findings and of the inspectors' findings
    (``supervision.models.Finding.severity`` takes its choices from here, so an automatic finding
    copies over as it is). Ordered: ``high`` is the most urgent."""

    HIGH = "high", "严重 high"
    MEDIUM = "medium", "较重 medium"
    LOW = "low", "一般 low"
    INFO = "info", "提示 info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


SEVERITY_LABELS = {
    Severity.HIGH: "严重 high",
    Severity.MEDIUM: "较重 medium",
    Severity.LOW: "一般 low",
    Severity.INFO: "提示 info",
}


class FindingKind(StrEnum):
    """A violation, or a statement that the registry holds no data to check against."""

    VIOLATION = "violation"
    NO_DATA = "no_data"


class EntityType(StrEnum):
    INSTITUTION = "institution"
    COUNTY = "county"


class SeverityError(ValueError):
    """A ``--severity`` value the user can correct."""


def parse_severities(spec: str | None) -> set[Severity] | None:
    """``"high,medium"`` → those levels; ``"medium+"`` → medium and everything more urgent.

    ``None`` or an empty string selects every level.
    """
    if not spec:
        return None
    chosen: set[Severity] = set()
    for part in (p.strip().lower() for p in spec.split(",")):
        if not part:
            continue
        at_least = part.endswith("+")
        name = part.rstrip("+")
        try:
            level = Severity(name)
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            raise SeverityError(
                f"未知严重程度 {name!r},可选 {choices}(加 + 表示及以上) / "
                f"unknown severity {name!r}: choose from {choices} (append + for 'and above')"
            ) from None
        chosen |= {s for s in Severity if s.rank <= level.rank} if at_least else {level}
    return chosen or None


@dataclass(frozen=True)
class RuleFinding:
    """One thing wrong (or not checkable) with one institution or county.

    ``entity_code`` is the institution code or the county's division code; ``division`` and
    ``division_name`` are always the county, so findings sort and filter by county. ``subject``
    narrows the entity down (a class, a staff member, a safety item, a word of a name).
    """

    rule: str
    clause: str
    severity: str
    entity_type: str
    entity_code: str
    entity_name: str
    division: str
    division_name: str
    message_zh: str
    message_en: str
    measured: Any = None
    required: Any = None
    standard: str = ""
    subject: str = ""
    school_year: int | None = None
    kind: str = FindingKind.VIOLATION.value
    details: dict[str, Any] = field(default_factory=dict)
    #: What record or value would clear the finding (``rules/data/remedies.toml``, or the rule's own).
    remedy_zh: str = ""
    remedy_en: str = ""
    #: The deadline the plan or a confirmed assumption gives for clearing it, else ``None``.
    due: dt.date | None = None

    @property
    def is_violation(self) -> bool:
        return self.kind == FindingKind.VIOLATION

    @property
    def severity_rank(self) -> int:
        return Severity(self.severity).rank

    def sort_key(self) -> tuple[Any, ...]:
        return (self.severity_rank, self.division, self.rule, self.entity_code, self.subject)

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract: field names here are what users' scripts rely on."""
        return asdict(self)


#: Column order and labels for tables and spreadsheets.
COLUMNS = (
    "severity",
    "rule",
    "clause",
    "division_name",
    "entity_code",
    "entity_name",
    "subject",
    "message_zh",
    "measured",
    "required",
    "remedy_zh",
    "due",
)
HEADERS = {
    "severity": "严重程度 severity",
    "rule": "规则 rule",
    "clause": "条款 clause",
    "division": "县代码 county code",
    "division_name": "县 county",
    "entity_type": "对象类型 entity type",
    "entity_code": "代码 code",
    "entity_name": "名称 name",
    "subject": "具体对象 subject",
    "message_zh": "问题 finding",
    "message_en": "finding (English)",
    "measured": "实测 measured",
    "required": "要求 required",
    "standard": "标准依据 standard",
    "school_year": "学年 school year",
    "kind": "类型 kind",
    "details": "明细 details",
    "remedy_zh": "整改办法 how to fix",
    "remedy_en": "how to fix (English)",
    "due": "整改期限 due",
}
