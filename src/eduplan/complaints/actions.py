"""Every write of the complaint workflow (a complaint channel for parents with timely
responses). Pages, commands and tests call these; nothing else saves complaints.

::

    received ──answer (county or city officer)──▶ answered
       │  past its deadline: escalated to the city (daily job), still awaiting an answer
       └─ convert (officer): a special inspection with a finding (supervision), independent of the answer

- A parent files a complaint about a kindergarten and gets a random tracking code.
- Officers of the kindergarten's county (and the city) see it and must answer by its deadline
  (``[portal] complaint_response_days``); an unanswered one is escalated the day after.
- An officer can turn it into a supervision finding (a special inspection of the kindergarten), so
  it enters the rectification loop. The complainant's contact is never copied there.
- Contacts are deleted ``[portal] contact_retention_days`` after the answer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from eduplan.accounts import permissions
from eduplan.common.protection import clean_text, setting
from eduplan.common.workflow import (
    TransitionError,
    actor,
    local_day,
    now_or,
    require_scope,
)
from eduplan.plans.checks import clause_text
from eduplan.registry.models import Institution
from eduplan.supervision import inspections
from eduplan.supervision.models import FindingCategory, InspectionKind, Severity

from .models import Complaint, ComplaintCategory, ComplaintContact, ComplaintEvent, ComplaintStatus

#: Crockford's base32 without the letters people confuse (I, L, O, U): 12 characters ≈ 60 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
#: Letters people type for the digits and letters the alphabet leaves out.
TYPO_FIXES = str.maketrans("OILU", "011V")
#: How a complaint's category becomes a finding's category when converted.
FINDING_CATEGORY: dict[str, str] = {
    ComplaintCategory.ABUSE: FindingCategory.ABUSE,
    ComplaintCategory.SAFETY: FindingCategory.SAFETY,
    ComplaintCategory.FOOD_HEALTH: FindingCategory.SAFETY,
}
#: The check a converted complaint's finding belongs to (the plan maps it to its clause).
COMPLAINT_CHECK = "workflow:complaints"


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed back into the code (spaces, dashes, lower case, O for 0, I/L for 1)."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return raw.translate(TYPO_FIXES)[: CODE_LENGTH + 4]


def format_code(code: str) -> str:
    """``K7QF3MZP9XRA`` → ``K7QF-3MZP-9XRA`` for reading aloud and copying."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def complainable(institution: Institution) -> bool:
    """A complaint is about a kindergarten the portal lists (licensed or an approved teaching point)."""
    from eduplan.registry.queries import LISTED_LICENCES

    return (
        institution.kind == "kindergarten"
        and institution.licence_status in LISTED_LICENCES
        and institution.closed_on is None
    )


def _event(complaint: Complaint, action: str, user: Any, at: dt.datetime, note: str = "") -> None:
    ComplaintEvent.objects.create(complaint=complaint, action=action, actor=actor(user), at=at, note=note)


def file_complaint(
    kindergarten: Institution,
    *,
    category: str,
    description: str,
    contact: str = "",
    anonymous: bool = False,
    at: dt.datetime | None = None,
) -> Complaint:
    """File a parent's complaint and return it with its tracking code (shown once to the parent).

    Anonymous complaints keep no contact: the parent follows the answer with the code alone."""
    if not complainable(kindergarten):
        raise ValidationError(
            {
                "kindergarten": "只能投诉名录中的幼儿园 / complaints are about kindergartens listed in the directory"
            }
        )
    if category not in ComplaintCategory.values:
        raise ValidationError({"category": f"请选择投诉类别 / choose a category (got {category!r})"})
    description = clean_text(
        description,
        label_zh="投诉内容",
        label_en="description",
        max_chars=int(setting("description_max_chars")),
        min_chars=int(setting("description_min_chars")),
        multiline=True,
    )
    contact = clean_text(
        contact, label_zh="联系方式", label_en="contact", max_chars=int(setting("contact_max_chars"))
    )
    if anonymous and contact:
        raise ValidationError(
            {
                "contact": "匿名投诉不留联系方式:请清空联系方式,或取消匿名 / an anonymous complaint "
                "keeps no contact: clear the contact or untick anonymous"
            }
        )
    moment = now_or(at)
    day = local_day(moment)
    deadline = day + dt.timedelta(days=int(setting("complaint_response_days")))
    for _ in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint(
                    tracking_code=new_tracking_code(),
                    kindergarten=kindergarten,
                    category=category,
                    description=description,
                    anonymous=anonymous,
                    received_at=moment,
                    received_on=day,
                    deadline=deadline,
                )
                complaint.full_clean()
                complaint.save()
                if contact:
                    ComplaintContact.objects.create(complaint=complaint, contact=contact)
                _event(complaint, "received", None, moment)
                return complaint
        except IntegrityError:  # the same random code twice: astronomically rare, try another
            continue
    raise RuntimeError("could not allocate a tracking code")


def _officer(user: Any) -> None:
    permissions.require(
        user,
        "may_handle_complaints",
        "投诉由县、市教育体育局办理",
        "complaints are handled by county or city education bureau officers",
    )


@transaction.atomic
def answer_complaint(
    complaint: Complaint, response: str, *, user: Any = None, at: dt.datetime | None = None
) -> Complaint:
    """Answer a complaint (the parent reads the answer with the tracking code). Once only: a
    correction is a new complaint, so the statistics cannot be polished after the fact."""
    _officer(user)
    require_scope(user, complaint, write=True)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.RECEIVED:
        raise TransitionError("该投诉已答复,不能再次答复", "this complaint has already been answered")
    text = clean_text(
        response,
        label_zh="答复",
        label_en="answer",
        max_chars=int(setting("answer_max_chars")),
        min_chars=1,
        multiline=True,
    )
    moment = now_or(at)
    complaint.status = ComplaintStatus.ANSWERED
    complaint.response = text
    complaint.answered_at = moment
    complaint.answered_on = local_day(moment)
    complaint.answered_by = actor(user)
    complaint.full_clean()
    complaint.save()
    late = complaint.answered_on > complaint.deadline
    _event(complaint, "answered", user, moment, "逾期答复 answered late" if late else "")
    return complaint


@transaction.atomic
def convert_complaint_to_finding(
    complaint: Complaint,
    *,
    message_zh: str = "",
    severity: str = Severity.MEDIUM,
    user: Any = None,
    at: dt.datetime | None = None,
) -> Complaint:
    """Open a special inspection (专项督导) of the kindergarten with a finding made of the complaint,
    so that it can become a rectification order. The finding is visible to the
    kindergarten: it carries the officer's wording (default: the complaint's text), never the
    complainant's contact."""
    _officer(user)
    require_scope(user, complaint, write=True)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.finding_id is not None:
        raise TransitionError(
            "该投诉已转为督导发现", "this complaint has already been converted into a finding"
        )
    if severity not in Severity.values:
        raise ValidationError({"severity": f"未知严重程度 {severity!r} / unknown severity"})
    moment = now_or(at)
    text = (message_zh or "").strip() or complaint.description
    inspection = inspections.record_inspection(
        complaint.kindergarten,
        inspected_on=local_day(moment),
        kind=InspectionKind.SPECIAL,
        summary=f"家长投诉 {complaint.reference} 转入 / from parent complaint {complaint.reference}",
        user=user,
    )
    finding = inspections.add_finding(
        inspection,
        message_zh=f"[家长投诉 {complaint.reference}] {text}",
        message_en=f"[Parent complaint {complaint.reference}] {complaint.get_category_display()}",
        category=FINDING_CATEGORY.get(complaint.category, FindingCategory.GENERAL),
        severity=severity,
        clause=clause_text(COMPLAINT_CHECK),
        subject=f"投诉 complaint {complaint.reference}",
        user=user,
        at=moment,
    )
    complaint.finding = finding
    complaint.converted_at = moment
    complaint.save(update_fields=["finding", "converted_at"])
    _event(complaint, "converted", user, moment, f"督导检查 inspection {inspection.pk}")
    return complaint


def escalate_overdue_complaints(
    today: dt.date | None = None, *, at: dt.datetime | None = None
) -> list[Complaint]:
    """The daily job: unanswered complaints past their deadline (plus
    ``[portal] complaint_escalate_after_days``) are raised to the city (市级督办)."""
    today = today or timezone.localdate()
    after = int(setting("complaint_escalate_after_days"))
    cutoff = today - dt.timedelta(days=after)
    moment = now_or(at)
    done = []
    with transaction.atomic():
        due = Complaint.objects.select_for_update().filter(
            status=ComplaintStatus.RECEIVED, escalated=False, deadline__lt=cutoff
        )
        for complaint in due.order_by("deadline", "pk"):
            complaint.escalated = True
            complaint.escalated_at = moment
            complaint.save(update_fields=["escalated", "escalated_at"])
            _event(complaint, "escalated", None, moment, f"逾期未答复(期限 {complaint.deadline}) / overdue")
            done.append(complaint)
    return done


def purge_expired_contacts(today: dt.date | None = None, *, at: dt.datetime | None = None) -> int:
    """Delete complainants' contacts ``[portal] contact_retention_days`` after the answer."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=int(setting("contact_retention_days")))
    moment = now_or(at)
    with transaction.atomic():
        rows = list(
            ComplaintContact.objects.filter(
                complaint__status=ComplaintStatus.ANSWERED, complaint__answered_on__lt=cutoff
            ).select_related("complaint")
        )
        for row in rows:
            _event(row.complaint, "contact_purged", None, moment, "联系方式已按期删除 / contact deleted")
        ComplaintContact.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
