"""Writing and issuing notices: files on disk, the issuing action (document number, register entry
with the file's SHA-256) and who sees which notices."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from eduplan.accounts import permissions
from eduplan.accounts.scoping import User
from eduplan.common.workflow import actor, now_or
from eduplan.registry.choices import DivisionLevel
from eduplan.registry.models import Division

from ..models import Notice
from .collect import collect_notice_data, default_city, indicator_records_for, next_notice_number
from .data import NoticeData
from .excel import build_notice_xlsx
from .word import notice_bytes


def write_notice(data: NoticeData, out: str | Path, *, xlsx: str | Path | None = None) -> bytes:
    """Write the .docx (and the .xlsx when asked); return the .docx bytes."""
    blob = notice_bytes(data)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    if xlsx is not None:
        Path(xlsx).parent.mkdir(parents=True, exist_ok=True)
        Path(xlsx).write_bytes(build_notice_xlsx(data))
    return blob


def issue_monthly_notice(
    period: dt.date,
    *,
    user: User | None = None,
    city: Division | None = None,
    records: Sequence[Mapping[str, Any]] | None = None,
    as_of: dt.date | None = None,
    at: dt.datetime | None = None,
) -> tuple[Notice, NoticeData, bytes]:
    """Issue the month's notice: take the next document number, build it and record it (who,
    when, the file's SHA-256 so a copy can be checked against the register).

    The indicator engine runs before the transaction that takes the number: the engine reads
    through its own handle on the connection and must not run inside an open transaction."""
    permissions.require(
        user, "may_issue_notices", "通报由市教育体育局印发", "only the city bureau issues notices"
    )
    moment = now_or(at)
    city = city or _user_city(user) or default_city()
    issued_on = as_of or moment.date()
    if records is None:
        records = indicator_records_for(period, city=city.code)
    with transaction.atomic():
        seq, number = next_notice_number(city, issued_on.year)
        data = collect_notice_data(
            period,
            city=city,
            records=records,
            as_of=as_of or issued_on,
            issued_on=issued_on,
            number=number,
            draft=False,
        )
        blob = notice_bytes(data)
        notice = Notice(
            city=city,
            period=data.period,
            year=issued_on.year,
            sequence=seq,
            number=number,
            title=data.title,
            issued_by=actor(user),
            issued_at=moment,
            sha256=hashlib.sha256(blob).hexdigest(),
        )
        notice.full_clean()
        notice.save()
    return notice, data, blob


def _user_city(user: User | None) -> Division | None:
    profile = getattr(user, "profile", None) if user is not None else None
    division = getattr(profile, "division", None)
    if division is None:
        return None
    return division if division.level == DivisionLevel.CITY else division.city


def notices_for(user: User | None) -> list[Notice]:
    """Notices addressed to the user's city (city and county officers and viewers)."""
    if user is None or getattr(user, "is_superuser", False):
        return list(Notice.objects.select_related("city"))
    city = _user_city(user)
    return list(Notice.objects.filter(city=city).select_related("city")) if city else []
