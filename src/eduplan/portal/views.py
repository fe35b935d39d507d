"""The public portal's pages (no login): the kindergarten directory and map, each kindergarten's
disclosed information, the public and inclusive lists with downloads and the counties' indicators,
the complaint form, following a complaint by its code, and the handling statistics.

Thin: parse, call a query or an action, render. Every page works without JavaScript (the map is an
addition). A request the portal refuses — too large, not UTF-8, too many, a failed check — gets a
short page saying why in Chinese and English, with the right status code, never a traceback.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from eduplan.common.protection import (
    challenge_for,
    guarded,
    hit,
    needs_work,
    refused,
    remember_complaint,
    setting,
    work_bits,
)
from eduplan.complaints import actions, queries
from eduplan.complaints.forms import ComplaintForm, TrackForm
from eduplan.complaints.models import ComplaintCategory
from eduplan.output import content_disposition
from eduplan.registry.models import Institution

from . import disclosure, fragments, places
from .caching import public_page
from .directory import directory, grade_choices, map_points, parse_query, search
from .pages import kindergarten_page

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages that show a tracking code or a complaint are not kept by browsers or proxies."""
    response["Cache-Control"] = "no-store"
    return response


# -- the directory --------------------------------------------------------------------------------


@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The directory: search, filters, results (paged) and the map."""
    query, errors = parse_query(request.GET)
    d = directory()
    result = search(d, query)
    hits = result.page_hits
    annual = disclosure.latest_annual(h.entry.pk for h in hits)
    page_links = [
        (n, "?" + urlencode(query.as_params(page=n)))
        for n in sorted({1, result.page - 1, result.page, result.page + 1, result.pages})
        if 1 <= n <= result.pages
    ]
    return render(
        request,
        "portal/directory.html",
        {
            "query": query,
            "errors": errors,
            "result": result,
            "rows": [(fragments.entry_card(d, h.entry), h.distance_km, annual.get(h.entry.pk)) for h in hits],
            "page_links": page_links,
            "county_options": fragments.county_options(d, query.county),
            "townships": query.county in d.townships,
            "township_options": fragments.township_options(d, query.county, query.township),
            "grades": grade_choices(),
            "total": len(d.entries),
            "school_year": d.school_year,
            "points_url": reverse("portal:points") + "?" + urlencode(query.as_params(page="")),
            "map_tiles": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_layers": {"src": reverse("portal:map-layers")},
            "place_example": places.place_example(),
            "search_example": places.search_example(d),
            "section": "directory",
        },
    )


@require_GET
@public_page
def points(request: HttpRequest) -> JsonResponse:
    """The located kindergartens of a search, for the map (same parameters as the directory)."""
    query, _ = parse_query(request.GET)
    result = search(directory(), query, page_size=1)
    return JsonResponse({"points": map_points(result), "total": result.total})


@require_GET
@public_page
def map_layers(request: HttpRequest) -> JsonResponse:
    """The map's county outlines and township points (the same for every search)."""
    return JsonResponse(places.map_layers())


@require_GET
@public_page
def kindergarten(request: HttpRequest, code: str) -> HttpResponse:
    d = directory()
    entry = d.by_code.get(code)
    if entry is None:
        raise Http404("名录中没有这所幼儿园 / no such kindergarten in the directory")
    context = kindergarten_page(d, entry)
    context["map_tiles"] = settings.MAP_TILE_URL
    context["map_attribution"] = settings.MAP_TILE_ATTRIBUTION
    context["section"] = "directory"
    return render(request, "portal/kindergarten.html", context)


# -- public lists and indicators ------------------------------------------------------------------


@require_GET
@public_page
def lists(request: HttpRequest) -> HttpResponse:
    d = directory()
    return render(
        request,
        "portal/lists.html",
        {
            "counties": disclosure.county_summaries(d),
            "lists": disclosure.LISTS,
            "formats": disclosure.FORMATS,
            "section": "lists",
        },
    )


@require_GET
@public_page
def county(request: HttpRequest, code: str) -> HttpResponse:
    d = directory()
    name = d.county_name(code)
    if not name:
        raise Http404("没有这个县(市、区) / no such county")
    public = disclosure.list_entries(d, code, "public")
    private_inclusive = [e for e in disclosure.list_entries(d, code, "inclusive") if not e.public]
    annual = disclosure.latest_annual(e.pk for e in (*public, *private_inclusive))
    statements = disclosure.county_statements(code)
    response = render(
        request,
        "portal/county.html",
        {
            "code": code,
            "name": name,
            "public": [(e, annual.get(e.pk)) for e in public],
            "private_inclusive": [(e, annual.get(e.pk)) for e in private_inclusive],
            "statements": statements,
            "formats": disclosure.FORMATS,
            "section": "lists",
        },
    )
    # the indicators could not be worked out just now: say so, but keep the page nowhere
    return _no_store(response) if statements is None else response


@require_GET
@public_page
def list_download(request: HttpRequest, code: str, which: str, fmt: str) -> HttpResponse:
    d = directory()
    if which not in disclosure.LISTS or fmt not in disclosure.FORMATS:
        raise Http404("没有这个文件 / no such file")
    if code != disclosure.ALL and not d.county_name(code):
        raise Http404("没有这个县(市、区) / no such county")
    rows = disclosure.export_rows(disclosure.list_entries(d, code, which))
    title_zh, _ = disclosure.LISTS[which]
    place = "全部" if code == disclosure.ALL else d.county_name(code)
    en = (get_language() or "").startswith("en")
    data = (
        disclosure.to_csv(rows, english=en)
        if fmt == "csv"
        else disclosure.to_xlsx(rows, f"{place}{title_zh}", english=en)
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(f"{which}-{code}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@public_page
def stats(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    d = directory()
    return render(
        request,
        "portal/stats.html",
        {
            **queries.complaint_statistics(d.counties, year=year),
            "response_days": setting("complaint_response_days"),
            "section": "stats",
        },
    )


# -- complaints -----------------------------------------------------------------------------------


@require_GET
@public_page
def complaints(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/complaints.html",
        {
            "response_days": setting("complaint_response_days"),
            "categories": ComplaintCategory.choices,
            "section": "complaints",
        },
    )


def _complaint_form_page(
    request: HttpRequest, entry: Any, form: ComplaintForm | None = None, status: int = 200
) -> HttpResponse:
    challenge = challenge_for(request)
    form = form or ComplaintForm(initial={"kindergarten": entry.code})
    return _no_store(
        render(
            request,
            "portal/complaint_form.html",
            {
                "entry": entry,
                "form": form,
                "challenge": challenge,
                "categories": ComplaintCategory.choices,
                "max_chars": setting("description_max_chars"),
                "min_chars": setting("description_min_chars"),
                "contact_max": setting("contact_max_chars"),
                "response_days": setting("complaint_response_days"),
                "section": "complaints",
            },
            status=status,
        )
    )


@guarded
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """GET: the form for one kindergarten (or a search to pick it). POST: file the complaint and
    show its tracking code once (not redirected: the code never appears in a URL)."""
    d = directory()
    if request.method == "GET":
        code = request.GET.get("kindergarten", "")
        entry = d.by_code.get(code)
        if entry is None:
            query, _ = parse_query({"q": request.GET.get("q", "")})
            found = search(d, query, page_size=20).page_hits if query.text else []
            return render(
                request,
                "portal/complaint_pick.html",
                {"query": query, "hits": found, "section": "complaints"},
            )
        return _complaint_form_page(request, entry)
    decision = hit(request, "complaint")
    if not decision.allowed:
        return refused(
            request,
            429,
            "提交过于频繁,请稍后再试",
            "too many submissions from your network: please try again later",
            retry_after=decision.retry_after,
        )
    form = ComplaintForm(request.POST, work_required=work_bits() if needs_work(request) else 0)
    entry = d.by_code.get(request.POST.get("kindergarten", ""))
    if entry is None:
        return refused(request, 400, "请从名录中选择幼儿园", "choose a kindergarten from the directory")
    if not form.is_valid():
        return _complaint_form_page(request, entry, form, status=400)
    data = form.cleaned_data
    try:
        complaint = actions.file_complaint(
            Institution.objects.get(pk=entry.pk),
            category=data["category"],
            description=data["description"],
            contact=data["contact"],
            anonymous=data["anonymous"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _complaint_form_page(request, entry, form, status=400)
    remember_complaint(request)
    return _no_store(
        render(
            request,
            "portal/complaint_filed.html",
            {
                "complaint": complaint,
                "code": actions.format_code(complaint.tracking_code),
                "entry": entry,
                "section": "complaints",
            },
        )
    )


@guarded
@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest) -> HttpResponse:
    """Follow a complaint with its code (POSTed, so it stays out of URLs and logs)."""
    if request.method == "GET":
        return render(request, "portal/complaint_track.html", {"form": TrackForm(), "section": "track"})
    decision = hit(request, "track")
    if not decision.allowed:
        return refused(
            request,
            429,
            "查询过于频繁,请稍后再试",
            "too many look-ups from your network: please try again later",
            retry_after=decision.retry_after,
        )
    form = TrackForm(request.POST)
    complaint = queries.find_by_code(form.data.get("code", "")) if form.is_valid() else None
    if complaint is None:
        return _no_store(
            render(
                request,
                "portal/complaint_track.html",
                {"form": form, "not_found": True, "section": "track"},
                status=404,
            )
        )
    return _no_store(
        render(
            request, "portal/complaint_status.html", {"c": queries.public_view(complaint), "section": "track"}
        )
    )
