"""The words a user reads for the codes the system keeps (issue 23, "Chinese first"): indicator
statuses, forecast methods, finding severities and kinds, rule names. Each label is written
``"中文 English"`` so the ``bilabel`` filter shows the Chinese on Chinese pages and the English on
English pages; the code itself is shown, if at all, as a secondary ``<span class="code">`` beside it
(``{{ x|with_code }}``).

The codes stay the contract of the API and the machine-readable exports; only what is rendered for
a reader passes through here."""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

from eduplan.metrics.progress import (
    AT_RISK,
    NO_DATA,
    NOT_ALLOCATED_ZH,
    OFF_TRACK,
    ON_TRACK,
    PASSED,
    TargetWords,
)
from eduplan.rules.findings import Severity

#: The indicator engine's statuses (eduplan.metrics.progress), as the dashboard names them.
STATUS_LABELS = {
    ON_TRACK: "达标在望 on track",
    AT_RISK: "存在风险 at risk",
    OFF_TRACK: "进度滞后 off track",
    NO_DATA: "无数据 no data",
}
#: How the forecast to the deadline was made (eduplan.metrics.progress.METHODS).
FORECAST_METHODS = {
    "flat": "持平推算 flat",
    "linear": "线性趋势 linear trend",
    "cohort": "队列推算 cohort",
    PASSED: "已到期,以实际值判断 deadline reached: the value decides",
}
FINDING_KINDS = {"violation": "违规 violation", "no_data": "无数据 no data"}
#: Where a target comes from (``target_origin`` of an indicator record or an explanation).
TARGET_ORIGINS = {
    "plan": "规划 the plan",
    "standard": "标准 a standard",
    "assumption": "假设 an assumption",
    "adopted": "市分解 allocated by the city",
    "none": "无 none",
}
COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


#: A target label's words (eduplan.metrics.progress.target_label), translated on English pages.
TARGET_ADOPTED = gettext_noop("县目标 {value}（市分解）")
TARGET_PLAN = gettext_noop("目标 {value}")


def target_words() -> TargetWords:
    """The words of a target label in the page's language."""
    return TargetWords(gettext(TARGET_ADOPTED), gettext(TARGET_PLAN), gettext(NOT_ALLOCATED_ZH))


def status_label(code: str | None) -> str:
    return STATUS_LABELS.get(code or "", code or "")


def forecast_method_label(code: str | None) -> str:
    return FORECAST_METHODS.get(code or "", code or "")


def severity_label(code: str | None) -> str:
    try:
        return Severity(code or "").label
    except ValueError:
        return code or ""


def finding_kind_label(code: str | None) -> str:
    return FINDING_KINDS.get(code or "", code or "")


@cache
def _rule_titles() -> dict[str, tuple[str, str]]:
    from eduplan.rules.catalogue import catalogue

    return {rule_id: (r.title_zh, r.title_en) for rule_id, r in catalogue().items()}


def rule_title(rule_id: str | None, *, english: bool = False) -> str:
    """The name of a catalogue rule in the page's language (an unknown id is returned as it is)."""
    zh, en = _rule_titles().get(rule_id or "", ("", ""))
    return (en if english and en else zh) or rule_id or ""


def _workflow(event: object) -> tuple[dict[str, str], dict[str, str]]:
    """(action labels, state labels) of the workflow an event log line belongs to."""
    from eduplan.supervision import rectification, reports
    from eduplan.supervision.models import OrderEvent, ReportEvent

    if isinstance(event, ReportEvent):
        return reports.ACTIONS, {str(k): str(v) for k, v in reports.STATE_LABELS.items()}
    if isinstance(event, OrderEvent):
        return rectification.ACTIONS, {str(k): str(v) for k, v in rectification.STATE_LABELS.items()}
    from eduplan.tasks import actions as tasks
    from eduplan.tasks.models import TaskEvent

    if isinstance(event, TaskEvent):
        return tasks.ACTIONS, {str(k): str(v) for k, v in tasks.STATE_LABELS.items()}
    return {}, {}


def event_action_label(event: object) -> str:
    """``escalate`` → ``升级督办 Escalate``: the action of a workflow event, in words."""
    code = str(getattr(event, "action", "") or "")
    return _workflow(event)[0].get(code, code)


def event_state_label(event: object, which: str) -> str:
    """The state an event moved from (``which="from"``) or to, in words; ``""`` for none."""
    code = str(getattr(event, f"{which}_state", "") or "")
    return _workflow(event)[1].get(code, code)


def report_state_label(code: str | None) -> str:
    from eduplan.supervision.models import ReportState

    return dict(ReportState.choices).get(code or "", REPORT_STATES_EXTRA.get(code or "", code or ""))


#: Report states of the overview that are not a stored state (no report opened yet).
REPORT_STATES_EXTRA = {"missing": "未填报 Not started", "": "未填报 Not started"}


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_HAS_CJK = re.compile(f"[{_CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: "于2024-08-02前" (by a date), a figure with its Chinese unit and the unit's English after it.
_BY_DATE = re.compile(r"于(\d{4}-\d{2}-\d{2})前")
_UNIT_PAIR = re.compile(r"(\d)\s*[天元]\s+(days|yuan)")
_UNITS = ((re.compile(r"(\d)\s*天"), r"\1 days"), (re.compile(r"(\d)\s*元"), r"\1 yuan"))
_SEGMENTS = re.compile(r"(\s*;\s*|\s+/\s+)")
_GLOSS = re.compile(rf"\s*[(（][^()（）]*[{_CJK}][^()（）]*[)）]")


def english_value(value: object) -> object:
    """A rule's measured or required value (``"46天 days"``, ``"未缴纳 none"``, ``"学位 seats 30;
    班 classes 1"``, ``"中学教师资格证"``) as an English page shows it: the English half where the
    rule wrote one, the unit in words, a certificate or term through the catalogue."""
    if not isinstance(value, str) or not _HAS_CJK.search(value):
        return value
    translated = gettext(value)
    if translated != value:
        return translated
    text = _BY_DATE.sub(r"by \1", value)
    text = _UNIT_PAIR.sub(r"\1 \2", text)
    parts = _SEGMENTS.split(text)
    return "".join(_english_segment(p) if i % 2 == 0 else p for i, p in enumerate(parts))


def _english_segment(segment: str) -> str:
    if not _HAS_CJK.search(segment):
        return segment
    tokens = segment.split(" ")
    if any(_LATIN_WORD.search(t) and not _HAS_CJK.search(t) for t in tokens):
        # "未缴纳 none", "教师 teachers 2 (持证 certified 2)": the Chinese words go, brackets stay
        kept = [t if not _HAS_CJK.search(t) else "".join(c for c in t if c in "()") for t in tokens]
        return " ".join(t for t in kept if t).replace("( ", "(")
    for pattern, words in _UNITS:
        segment = pattern.sub(words, segment)
    if "、" in segment:
        return ", ".join(gettext(part) for part in segment.split("、"))
    return gettext(segment)


def without_glosses(text: str) -> str:
    """An English name without its Chinese glosses in brackets ("High school classes of 56–65
    (大班额)" → "High school classes of 56–65"): for places that cannot mark them ``lang="zh"``,
    such as the options of a select."""
    return _GLOSS.sub("", text)
