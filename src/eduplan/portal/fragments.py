"""Rendered pieces of the directory page, kept per process for the directory's data version.

A directory page shows twenty kindergartens and a county list of up to ~130 options (a province);
rendering them through the template engine on every search costs more than the search itself
(about a millisecond a card). So a kindergarten's card (everything but its distance and annual
result, which vary) is built directly with ``format_html`` (every value escaped), and cards and
county lists are kept per language until the directory changes — a search at province scale then
stays well under the 100 ms the issue asks for, with many parents at once.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from eduplan.web.templatetags.bilingual import bilabel

from .directory import Directory, Entry


def _card(e: Entry) -> SafeString:
    """One kindergarten's card: name, place, former names, tags, fee, classes and seats."""
    tags = [
        format_html(
            '<span class="tag{}">{}</span>', " public" if e.public else "", bilabel(e.ownership_label)
        )
    ]
    if e.inclusive:
        tags.append(format_html('<span class="tag inclusive">{}</span>', _("普惠")))
    if e.teaching_point:
        tags.append(format_html('<span class="tag">{}</span>', _("办园点")))
    if e.grade:
        tags.append(format_html('<span class="tag">{}</span>', bilabel(e.grade_label)))
    if e.has_seats:
        tags.append(
            format_html('<span class="tag seats">{}</span>', _("空余学位 %(n)s") % {"n": e.available})
        )
    where = e.full_address
    fee = (
        format_html("{} {} {} · ", _("保教费"), floatformat(e.monthly_fee, "-2"), _("元/月"))
        if e.monthly_fee is not None
        else ""
    )
    old = (
        format_html(
            '<div class="meta">{}:<span lang="zh">{}</span></div>', _("曾用名"), "、".join(e.old_names)
        )
        if e.old_names
        else ""
    )
    return format_html(
        '<a class="name" href="{}" lang="zh">{}</a><div class="meta" lang="zh">{}</div>{}<div class="tags">{}</div>'
        '<div class="meta">{}{} {} · {} {}</div>',
        reverse("portal:kindergarten", args=[e.code]),
        e.name,
        where,
        old,
        SafeString(" ".join(tags)),
        fee,
        e.classes,
        _("个班"),
        _("学位"),
        e.seats,
    )


def entry_card(d: Directory, entry: Entry) -> SafeString:
    key = ("card", get_language(), entry.code)
    html = d.fragments.get(key)
    if html is None:
        html = d.fragments[key] = _card(entry)
    return html


def county_options(d: Directory, selected: str) -> SafeString:
    key = ("counties", selected)
    html = d.fragments.get(key)
    if html is None:
        html = d.fragments[key] = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, SafeString(" selected") if code == selected else "", name) for code, name in d.counties),
        )
    return html


def township_options(d: Directory, county: str, selected: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (code, SafeString(" selected") if code == selected else "", name)
            for code, name in d.townships.get(county, [])
        ),
    )
