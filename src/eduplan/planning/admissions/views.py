"""The officers' high school admissions pages: upload, run in the background, download.

Thin: check the user, call :mod:`.jobs` (writes) or :mod:`.page` (reads),
render. City officers (and superusers) only: county officers, principals, supervisors and viewers
get 403, an anonymous visitor the login page; a run outside one's scope is "not found".
Bad input is refused on the form with the reader's located message and no run is created.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import page as pages
from .errors import AdmissionsInputError
from .jobs import (
    RunBusyError,
    RunStateError,
    cancel_run,
    delete_run,
    may_run_admissions,
    retry_run,
    start_run,
)

View = Callable[..., HttpResponseBase]


def city_officer(view: View) -> View:
    """Login required; then city officers and superusers only (403 for every other role)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_run_admissions(request.user):
            raise PermissionDenied("高中招生录取仅供市教育局干部使用 / admissions are for city officers")
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@city_officer
def admissions(request: HttpRequest) -> HttpResponse:
    """The upload form and the list of past runs; a good upload starts a run and opens its page."""
    if request.method != "POST":
        return render(
            request,
            "planning/admissions.html",
            pages.index_context(request.user, pages.AdmissionsUploadForm()),
        )
    form = pages.AdmissionsUploadForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        try:
            run = start_run(request.user, form.uploads())
        except AdmissionsInputError as exc:
            error = str(exc)
        else:
            return redirect("planning:admissions_run", pk=run.pk)
    context = pages.index_context(request.user, form, error)
    return render(request, "planning/admissions.html", context, status=400)


@require_GET
@city_officer
def admissions_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = pages.get_run(request.user, pk)
    return render(request, "planning/admissions_run.html", pages.run_context(run))


@require_GET
@city_officer
def admissions_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = pages.get_run(request.user, pk)
    response = JsonResponse(pages.status_data(run), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@city_officer
def admissions_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Result files are served only here, to users who see the run (never from a public URL)."""
    run = pages.get_run(request.user, pk)
    path, name = pages.download_path(run, kind)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@require_POST
@city_officer
def admissions_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a finished, failed or refused run and its files (POST with CSRF and the confirmation
    box ticked). A queued or running run is refused (409); another city's run is "not found"."""
    run = pages.get_run(request.user, pk)
    error = ""
    if request.POST.get("confirm") != "yes":
        error = "请勾选确认框后再删除 / tick the confirmation box to delete the run"
        status = 400
    else:
        try:
            deleted = delete_run(run)
        except RunBusyError as exc:
            error, status = str(exc), 409
        else:
            messages.success(
                request,
                f"已删除运行 #{deleted.pk} 及其 {deleted.files} 个文件 ({pages.size_label(deleted.bytes)}) / "
                f"run #{deleted.pk} and its {deleted.files} files deleted",
            )
            return redirect("planning:admissions")
    context = pages.run_context(run)
    context["delete_error"] = error
    return render(request, "planning/admissions_run.html", context, status=status)


@city_officer
@require_GET
def admissions_example(request: HttpRequest) -> HttpResponse:
    """The example files (a small synthetic province) as one zip, to try a run or copy from."""
    from .samples import example_zip

    response = HttpResponse(example_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="admissions-example.zip"'
    return response


@city_officer
@require_GET
def admissions_template(request: HttpRequest, name: str) -> HttpResponse:
    """One file's template: its header row and a few example rows."""
    from django.http import Http404

    from .samples import template

    data = template(name)
    if data is None:
        raise Http404("没有这个模板 / no such template")
    kind = "text/csv; charset=utf-8" if name.endswith(".csv") else "text/plain; charset=utf-8"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@city_officer
def admissions_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a queued or running run (it shows as failed, "cancelled", and can be retried); a run
    that has already ended is refused (409)."""
    return _run_action(request, pk, cancel_run, "已取消运行 / run cancelled")


@require_POST
@city_officer
def admissions_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed run again with the same files; any other state is refused (409)."""
    return _run_action(request, pk, retry_run, "已重新排队 / run queued again")


def _run_action(request: HttpRequest, pk: int, action: Callable[..., Any], done: str) -> HttpResponse:
    run = pages.get_run(request.user, pk)
    try:
        action(run)
    except RunStateError as exc:
        context = pages.run_context(run)
        context["action_error"] = str(exc)
        return render(request, "planning/admissions_run.html", context, status=409)
    messages.success(request, f"#{run.pk}: {done}")
    return redirect("planning:admissions_run", pk=run.pk)
