"""Monthly reports (月报制; 跟踪督导): each county reports every month on the plan's
numbers and tasks; the city approves (and so locks) or returns with a reason. Completeness and
timeliness by county and month are indicators of their own.

State machine (docs/supervision.md)::

    draft ──submit──▶ submitted ──approve──▶ approved (locked)
      ▲ edit            │  ▲                    │
      └─────────────────┘  └──submit── returned ◀┘unlock (reason)
                    return (reason) ──▶ returned ──edit

- Only the county bureau (county officer of that county) fills and submits its report.
- Only the city bureau approves, returns or unlocks, never the person who submitted it.
- A report is editable only as a draft or after being returned; approved reports are locked and an
  unlock is recorded with who and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User, scope
from eduplan.common.workflow import (
    actor,
    local_day,
    next_state,
    now_or,
    record_transition,
    refuse,
    require_reason,
    require_scope,
    role_of,
    save_with_history,
)
from eduplan.plans.checks import clause_text
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from . import periods
from .models import MonthlyReport, ReportingDeadline, ReportState, TaskProgress, TaskStatus
from .monthly_form import Form, load_form, parse_values, validate_submission

TRANSITIONS: dict[tuple[str, str], str] = {
    (ReportState.DRAFT, "edit"): ReportState.DRAFT,
    (ReportState.RETURNED, "edit"): ReportState.RETURNED,
    (ReportState.DRAFT, "submit"): ReportState.SUBMITTED,
    (ReportState.RETURNED, "submit"): ReportState.SUBMITTED,
    (ReportState.SUBMITTED, "approve"): ReportState.APPROVED,
    (ReportState.SUBMITTED, "return"): ReportState.RETURNED,
    (ReportState.APPROVED, "unlock"): ReportState.RETURNED,
}
ACTIONS = {
    "create": "新建 Create",
    "edit": "修改 Edit",
    "submit": "报送 Submit",
    "approve": "审核通过 Approve",
    "return": "退回 Return",
    "unlock": "解锁 Unlock",
}
STATE_LABELS = dict(ReportState.choices)
REPORTED_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


def _next(report: MonthlyReport, action: str) -> str:
    return next_state(TRANSITIONS, report.state, action, STATE_LABELS, ACTIONS)


def _record(
    report: MonthlyReport, action: str, before: str, user: User | None, at: dt.datetime, reason: str = ""
) -> None:
    record_transition(report, action, before, user, at, reason=reason)


def _county_bureau(user: User | None) -> None:
    permissions.require(
        user,
        "may_submit_reports",
        "月报由县(市、区)教育体育局填报和报送",
        "the county bureau (a county officer) fills and submits its monthly report",
    )


def _city_bureau(user: User | None) -> None:
    permissions.require(
        user,
        "may_approve_reports",
        "月报由市教育体育局审核、退回或解锁",
        "only the city bureau (a city officer) approves, returns or unlocks monthly reports",
    )


def current_plan_id() -> str:
    """The plan in use (``plans.loader``), or the form's id when no plan file is installed."""
    try:
        from eduplan.plans.loader import PlanError, load_plan
    except ImportError:  # pragma: no cover - the loader ships with the plans app
        return load_form().id
    try:
        return load_plan().id
    except PlanError:
        return load_form().id


def clause_titles() -> dict[str, str]:
    """Clause id → Chinese title from the plan file (empty when no plan file is installed)."""
    try:
        from eduplan.plans.loader import PlanError, load_plan

        return {c.id: c.title_zh for c in load_plan().clauses}
    except (ImportError, PlanError):
        return {}


# -- deadlines ----------------------------------------------------------------------------------


def due_date(county: Division, period: dt.date) -> dt.date:
    """When ``county``'s report for ``period`` is due: the month's own deadline set by the city, or
    the default day of the following month (``[monthly_report] deadline_day``)."""
    period = periods.month_start(period)
    return due_dates(county, [period])[period]


def due_dates(county: Division, months: Iterable[dt.date]) -> dict[dt.date, dt.date]:
    """:func:`due_date` for many months at once, in one query (the to-do list asks for a year)."""
    months = [periods.month_start(m) for m in months]
    overrides = dict(
        ReportingDeadline.objects.filter(city_id=county.city_id, period__in=months).values_list(
            "period", "due_on"
        )
    )
    return {m: overrides.get(m) or periods.default_due_date(m) for m in months}


@transaction.atomic
def set_reporting_deadline(
    city: Division, period: dt.date, due_on: dt.date, *, reason: str = "", user: User | None = None
) -> ReportingDeadline:
    """The city sets another due date for one month (e.g. after the Spring Festival)."""
    _city_bureau(user)
    if city.level != DivisionLevel.CITY:
        raise ValidationError({"city": f"{city} 不是市级区划 / is not a city"})
    require_scope(user, city)
    row = ReportingDeadline.objects.filter(city=city, period=periods.month_start(period)).first()
    row = row or ReportingDeadline(city=city, period=periods.month_start(period))
    row.due_on, row.reason, row.set_by = due_on, reason, actor(user)
    save_with_history(row, user=user)
    return row


# -- actions ------------------------------------------------------------------------------------


@transaction.atomic
def open_monthly_report(
    county: Division,
    period: dt.date,
    *,
    user: User | None = None,
    plan: str | None = None,
    at: dt.datetime | None = None,
) -> MonthlyReport:
    """The county's report for ``period`` (created as a draft, with one task line per task of the
    form, if it does not exist yet)."""
    period = periods.month_start(period)
    plan = plan or current_plan_id()
    existing = MonthlyReport.objects.filter(county=county, plan=plan, period=period).first()
    if existing is not None:
        require_scope(user, existing)
        return existing
    _county_bureau(user)
    if user is not None and not scope(user, Division.objects.filter(pk=county.pk), write=True).exists():
        raise refuse("只能填报本县(市、区)的月报", "you can only report for your own county")
    form = load_form()
    report = MonthlyReport(county=county, plan=plan, period=period, created_by=actor(user))
    save_with_history(report, user=user, reason="新建 created")
    for task in form.plan_tasks:
        TaskProgress.objects.create(
            report=report, clause=task.clause, lead=task.lead, cooperating="、".join(task.cooperating)
        )
    _record(report, "create", "", user, now_or(at))
    return report


@transaction.atomic
def save_monthly_report(
    report: MonthlyReport,
    *,
    values: Mapping[str, Any] | None = None,
    comments: Mapping[str, str] | None = None,
    note: str | None = None,
    tasks: Mapping[str, Mapping[str, str]] | None = None,
    user: User | None = None,
) -> MonthlyReport:
    """Fill in a draft or returned report. Values are checked for type and plausible range now
    (refused with the item named); the cross-item checks run on submission."""
    _next(report, "edit")
    _county_bureau(user)
    require_scope(user, report, write=True)
    form = load_form()
    if values is not None:
        parsed, problems = parse_values(form, values)
        if problems:
            raise ValidationError(by_item(problems))
        report.values = {**report.values, **parsed}
    if comments is not None:
        unknown = [k for k in comments if form.item(k) is None]
        if unknown:
            raise ValidationError([f"未知填报项目 {k} / unknown item {k!r}" for k in unknown])
        report.comments = {
            **report.comments,
            **{k: str(v).strip() for k, v in comments.items() if str(v).strip()},
        }
        for k, v in comments.items():
            if not str(v).strip():
                report.comments.pop(k, None)
    if note is not None:
        report.note = note
    if tasks:
        rows = {t.clause: t for t in report.tasks.all()}
        for clause, change in tasks.items():
            row = rows.get(clause)
            if row is None:
                raise ValidationError([f"月报中没有任务 {clause} / no task {clause} in this report"])
            status = change.get("status", row.status)
            if status not in TaskStatus.values:
                raise ValidationError(
                    [f"任务 {clause} 的进度“{status}”无效 / task {clause}: unknown status {status!r}"]
                )
            row.status = status
            row.progress = change.get("progress", row.progress)
            save_with_history(row, user=user)
    return save_with_history(report, user=user, reason="填报 edited")


def by_item(problems: Iterable[Any]) -> dict[str, list[str]]:
    """Problems grouped by the item they concern (``__all__`` for none), so that a page can show
    each message at its field (``ValidationError(by_item(...)).message_dict``)."""
    grouped: dict[str, list[str]] = {}
    for p in problems:
        grouped.setdefault(p.key or NON_FIELD_ERRORS, []).append(p.message)
    return grouped


def previous_approved(report: MonthlyReport) -> MonthlyReport | None:
    return (
        MonthlyReport.objects.filter(
            county_id=report.county_id, plan=report.plan, period__lt=report.period, state=ReportState.APPROVED
        )
        .order_by("-period")
        .first()
    )


def check_monthly_report(report: MonthlyReport, form: Form | None = None) -> list[Any]:
    """The validation results the report would get if submitted now (errors and warnings)."""
    prev = previous_approved(report)
    return validate_submission(
        form or load_form(), report.values, report.comments, prev.values if prev else None
    )


@transaction.atomic
def submit_monthly_report(
    report: MonthlyReport, *, user: User | None = None, at: dt.datetime | None = None
) -> MonthlyReport:
    """Submit for approval. Refused, with every problem listed, unless the form's checks pass;
    warnings are kept on the report for the approver."""
    before = report.state
    target = _next(report, "submit")
    _county_bureau(user)
    require_scope(user, report, write=True)
    problems = check_monthly_report(report)
    errors = [p for p in problems if p.importance == "error"]
    if errors:
        raise ValidationError(by_item(errors))
    moment = now_or(at)
    report.warnings = [p.as_dict() for p in problems if p.importance == "warning"]
    report.state = target
    report.submitted_at = moment
    report.submitted_by = actor(user)
    report.first_submitted_at = report.first_submitted_at or moment
    report.return_reason = ""
    save_with_history(report, user=user, reason="报送 submitted")
    _record(report, "submit", before, user, moment)
    return report


@transaction.atomic
def approve_monthly_report(
    report: MonthlyReport, *, user: User | None = None, at: dt.datetime | None = None
) -> MonthlyReport:
    """Approve and lock. Never by the person who submitted it (segregation of duties)."""
    before = report.state
    target = _next(report, "approve")
    _city_bureau(user)
    require_scope(user, report, write=True)
    if user is not None and report.submitted_by_id is not None and report.submitted_by_id == user.pk:
        raise refuse("不能审核自己报送的月报", "you cannot approve a report you submitted yourself")
    moment = now_or(at)
    report.state = target
    report.approved_at = moment
    report.approved_by = actor(user)
    save_with_history(report, user=user, reason="审核通过 approved")
    _record(report, "approve", before, user, moment)
    return report


@transaction.atomic
def return_monthly_report(
    report: MonthlyReport, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> MonthlyReport:
    """Send a submitted report back to the county for correction, saying why."""
    before = report.state
    target = _next(report, "return")
    _city_bureau(user)
    require_scope(user, report, write=True)
    reason = require_reason(reason)
    moment = now_or(at)
    report.state = target
    report.return_reason = reason
    save_with_history(report, user=user, reason="退回 returned")
    _record(report, "return", before, user, moment, reason)
    return report


@transaction.atomic
def unlock_monthly_report(
    report: MonthlyReport, reason: str, *, user: User | None = None, at: dt.datetime | None = None
) -> MonthlyReport:
    """Unlock an approved report for correction (it goes back to the county as returned); who and
    why are recorded."""
    before = report.state
    target = _next(report, "unlock")
    _city_bureau(user)
    require_scope(user, report, write=True)
    reason = require_reason(reason)
    moment = now_or(at)
    report.state = target
    report.approved_at = None
    report.approved_by = None
    report.return_reason = reason
    save_with_history(report, user=user, reason="解锁 unlocked")
    _record(report, "unlock", before, user, moment, reason)
    return report


def allowed_actions(report: MonthlyReport, user: User | None) -> list[str]:
    """The actions this user may take on this report now (for buttons; the actions re-check)."""
    out = []
    for (state, action), _ in TRANSITIONS.items():
        if state != report.state:
            continue
        if action in ("edit", "submit") and permissions.may_submit_reports(user):
            out.append(action)
        if action in ("approve", "return", "unlock") and permissions.may_approve_reports(user):
            if (
                action == "approve"
                and user is not None
                and report.submitted_by_id == getattr(user, "pk", None)
            ):
                continue
            out.append(action)
    return out


# -- queries: completeness and timeliness -------------------------------------------------------


def reports_for(user: User | None) -> QuerySet[MonthlyReport]:
    return scope(user, MonthlyReport.objects.select_related("county"))


def counties_in_scope(
    user: User | None, *, city: str | None = None, on: dt.date | None = None
) -> list[Division]:
    """Counties the user sees (all of them for the system), valid during the month of ``on``."""
    qs = Division.objects.counties() if user is None else scope(user, Division.objects.counties())
    if city:
        qs = qs.filter(Q(city__code=city) | Q(code=city))
    if on is not None:
        start, end = periods.month_start(on), periods.month_end(on)
        qs = qs.filter(valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
    return list(qs.select_related("city").order_by("code"))


def report_status(report: MonthlyReport | None, due_on: dt.date, as_of: dt.date) -> dict[str, Any]:
    """How one county-month stands: reported (submitted or approved), on time (first submission
    on or before the due day), expected (due date passed, or already reported)."""
    state = report.state if report else "missing"
    reported = report is not None and report.state in REPORTED_STATES
    first = local_day(report.first_submitted_at) if report and report.first_submitted_at else None
    on_time = bool(reported and first is not None and first <= due_on)
    expected = as_of > due_on or reported
    if reported:
        timeliness = "on_time" if on_time else "late"
    elif as_of > due_on:
        timeliness = "overdue"
    else:
        timeliness = "pending"
    return {
        "state": state,
        "reported": reported,
        "on_time": on_time,
        "expected": expected,
        "first_submitted_on": first,
        "days_late": (first - due_on).days
        if first and first > due_on
        else (max(0, (as_of - due_on).days) if not reported else 0),
        "timeliness": timeliness,
    }


TIMELINESS_LABELS = {
    "on_time": "按时报送 on time",
    "late": "逾期报送 late",
    "overdue": "逾期未报 missing",
    "pending": "未到期 not yet due",
}


def reporting_status(
    period: dt.date,
    *,
    user: User | None = None,
    city: str | None = None,
    plan: str | None = None,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """One row per county in scope for ``period``: state, due date, first submission, on time."""
    period = periods.month_start(period)
    plan = plan or current_plan_id()
    as_of = as_of or dt.date.today()
    counties = counties_in_scope(user, city=city, on=period)
    reports = {
        r.county_id: r
        for r in MonthlyReport.objects.filter(plan=plan, period=period, county__in=[c.pk for c in counties])
    }
    rows = []
    for c in counties:
        due = due_date(c, period)
        report = reports.get(c.pk)
        rows.append(
            {
                "county": c.code,
                "county_name": c.name,
                "period": periods.label(period),
                "due_on": due,
                "report_id": report.pk if report else None,
                **report_status(report, due, as_of),
            }
        )
    return rows


def completeness(
    months: Iterable[dt.date],
    *,
    user: User | None = None,
    city: str | None = None,
    plan: str | None = None,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Reporting rate and on-time rate by county over ``months`` (DHIS2's completeness): expected
    county-months, reported ones, on-time ones; plus one row per city when the user sees a city."""
    as_of = as_of or dt.date.today()
    per_county: dict[str, dict[str, Any]] = {}
    first = periods.first_expected_period()
    for period in months:
        if period < first:
            continue
        for row in reporting_status(period, user=user, city=city, plan=plan, as_of=as_of):
            acc = per_county.setdefault(
                row["county"],
                {
                    "division": row["county"],
                    "division_name": row["county_name"],
                    "expected": 0,
                    "reported": 0,
                    "on_time": 0,
                },
            )
            acc["expected"] += int(row["expected"])
            acc["reported"] += int(row["reported"])
            acc["on_time"] += int(row["on_time"])
    rows = list(per_county.values())
    if _sees_city(user) and rows:
        cities: dict[str, dict[str, Any]] = {}
        parents = {
            d.code: d.city
            for d in Division.objects.filter(code__in=per_county).select_related("city")
            if d.city
        }
        for r in rows:
            c = parents.get(r["division"])
            if c is None:
                continue
            acc = cities.setdefault(
                c.code,
                {"division": c.code, "division_name": c.name, "expected": 0, "reported": 0, "on_time": 0},
            )
            for k in ("expected", "reported", "on_time"):
                acc[k] += r[k]
        rows.extend(cities.values())
    for r in rows:
        r["reporting_rate"] = _pct(r["reported"], r["expected"])
        r["on_time_rate"] = _pct(r["on_time"], r["expected"])
    return rows


def _sees_city(user: User | None) -> bool:
    role = role_of(user)
    if role in ("system", "superuser"):
        return True
    profile = getattr(user, "profile", None)
    return (
        profile is not None and profile.division is not None and profile.division.level == DivisionLevel.CITY
    )


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 2) if d else None


def reporting_indicators(
    year: int | None = None,
    *,
    period: dt.date | None = None,
    user: User | None = None,
    city: str | None = None,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Completeness and timeliness as indicator records (the metrics engine's record shape), for
    one month (``period``) or the months of a calendar ``year`` due so far. Target: 100%."""
    as_of = as_of or dt.date.today()
    if period is not None:
        months = [periods.month_start(period)]
        year = period.year
    else:
        year = year or as_of.year
        last = min(dt.date(year, 12, 1), periods.month_start(as_of))
        months = periods.months_between(dt.date(year, 1, 1), last)
    records = []
    for row in completeness(months, user=user, city=city, as_of=as_of):
        for key, name_zh, name_en, num in (
            ("monthly_reporting_rate", "月报报送率", "Monthly report reporting rate", "reported"),
            ("monthly_on_time_rate", "月报按时报送率", "Monthly report on-time rate", "on_time"),
        ):
            value = row["reporting_rate"] if num == "reported" else row["on_time_rate"]
            met = None if value is None else value >= 100.0
            records.append(
                {
                    "indicator": key,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "clause": clause_text("indicator:monthly_reporting_completeness"),
                    "division": row["division"],
                    "division_name": row["division_name"],
                    "year": year,
                    "period": periods.label(months[0]) if period is not None else None,
                    "value": value,
                    "numerator": row[num],
                    "denominator": row["expected"],
                    "target": 100.0,
                    "comparison": ">=",
                    "met": met,
                    "forecast": None,
                    "status": "no_data" if value is None else ("on_track" if met else "off_track"),
                }
            )
    return records
