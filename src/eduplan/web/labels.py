"""The words a user reads for the codes the system keeps (issue 23, "Chinese first"): indicator
statuses, forecast methods, finding severities and kinds, rule names. Each label is written
``"中文 English"`` so the ``bilabel`` filter shows the Chinese on Chinese pages and the English on
English pages; the code itself is shown, if at all, as a secondary ``<span class="code">`` beside it
(``{{ x|with_code }}``).

The codes stay the contract of the API and the machine-readable exports; only what is rendered for
a reader passes through here."""

from __future__ import annotations

from functools import cache

from eduplan.metrics.progress import AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, PASSED
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
COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


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
