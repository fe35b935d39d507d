"""The officers' reconciliation page: upload the returns as filed, see every difference with what
eduplan holds, download them as xlsx. Thin: the reading and the comparison are in ``reconcile``;
the page is held to the user's read scope by the one scoping function, as the import page is."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from eduplan.intake.forms import MAX_UPLOAD_BYTES
from eduplan.output import attachment

from .layout import editions, load_edition
from .reconcile import KIND_ZH, differences_rows, differences_workbook, reconcile

MAX_FILES = 20


@login_required
@require_http_methods(["GET", "POST"])
def reconcile_page(request: HttpRequest) -> HttpResponse:
    context: dict = {"editions": sorted(editions(), reverse=True), "kinds": KIND_ZH}
    if request.method == "POST":
        uploads = request.FILES.getlist("files")[:MAX_FILES]
        year_text = request.POST.get("year", "")
        errors = []
        if not uploads:
            errors.append("请选择报表文件 / choose the returns files")
        if any((u.size or 0) > MAX_UPLOAD_BYTES for u in uploads):
            errors.append(f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB / a file is too large")
        if not year_text.isdigit():
            errors.append("请填写学年(起始年),如 2024 / give the school year, e.g. 2024")
        edition_text = request.POST.get("edition", "")
        edition = load_edition(int(edition_text) if edition_text.isdigit() else None)
        if errors:
            context["errors"] = errors
            return render(request, "returns/reconcile.html", context, status=400)
        year = int(year_text)
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for i, upload in enumerate(uploads):
                name = upload.name or f"{i}.xlsx"
                path = Path(tmp) / f"{i}{Path(name).suffix[:10]}"
                with path.open("wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                files.append((path, name))
            result = reconcile(files, year, edition, user=request.user)
        if "xlsx" in request.POST and not result.problems:
            return attachment(
                differences_workbook(result.differences, year), f"returns-differences-{year}.xlsx"
            )
        context.update(year=year, result=result, lines=differences_rows(result.differences))
    return render(request, "returns/reconcile.html", context)
