"""Officers' import and export pages: thin — parse the request, call the importer or exporter,
render. Imports are held to the user's write scope and exports to their read scope by the same
scoping function as every other page (a county officer imports and exports only their county)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from eduplan.accounts import permissions
from eduplan.output import attachment

from .background import cancel_import, in_worker, progress_of, queue_import, retry_import, stored_file
from .exporter import export_csv, export_workbook, resolve_kinds
from .forms import ExportForm, UploadForm
from .importer import import_file
from .kinds import KINDS, UnknownKind, get_kind
from .models import BatchStatus, ImportBatch
from .sweep import sweep_stale_batches
from .templates import template_workbook
from .uploads import refusal, refused_size


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not permissions.may_import(request.user):  # read-only roles never reach the upload
        raise PermissionDenied("只读账号不能导入数据 / a read-only account cannot import data")
    sweep_stale_batches()
    # Checked before the form reads the body: CSRF may already have parsed it, under the cap.
    stopped = refused_size(request) if request.method == "POST" else None
    if stopped is None and request.method == "POST":
        request.FILES  # noqa: B018 - parse now, so a stopped upload is known before the form
        stopped = refused_size(request)
    if stopped is not None:
        zh, en = refusal(request, stopped)
        return _upload_page(request, UploadForm(), status=413, refused=f"{zh} / {en}")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if in_worker(upload_file.size or 0):  # a large file: the task worker imports it
            batch = queue_import(
                upload_file,
                kind=form.cleaned_data["kind"] or None,
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("intake-batch", pk=batch.pk)
        suffix = Path(upload_file.name).suffix[:10]
        with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
            for chunk in upload_file.chunks():
                tmp.write(chunk)
            tmp.flush()
            result = import_file(
                tmp.name,
                kind=form.cleaned_data["kind"] or None,
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
                file_name=upload_file.name,
                source="web",
            )
        assert result.batch is not None
        return redirect("intake-batch", pk=result.batch.pk)
    return _upload_page(request, form)


def _upload_page(
    request: HttpRequest, form: UploadForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    batches = ImportBatch.objects.filter(user_id=request.user.pk or 0).defer("error_workbook", "errors")[:20]
    context = {"form": form, "kinds": KINDS.values(), "batches": batches, "refused": refused}
    return render(request, "intake/upload.html", context, status=status)


def _own_batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None or (batch.user_id != request.user.pk and not request.user.is_superuser):
        raise Http404("没有这个导入批次 / no such import batch")
    return batch


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sweep_stale_batches()
    batch = _own_batch(request, pk)
    stored = stored_file(batch)
    context = {
        "batch": batch,
        "errors": batch.errors,
        "in_worker": stored is not None and batch.status == BatchStatus.RUNNING,
        "progress": progress_of(batch) if batch.status == BatchStatus.RUNNING else None,
        "may_retry": stored is not None and batch.status == BatchStatus.FAILED,
    }
    return render(request, "intake/batch.html", context)


@login_required
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a background import in progress (it ends failed, "cancelled", nothing written)."""
    batch = _own_batch(request, pk)
    try:
        cancel_import(batch)
    except ValueError as exc:
        context = {"batch": batch, "errors": batch.errors, "refused": str(exc)}
        return render(request, "intake/batch.html", context, status=409)
    return redirect("intake-batch", pk=batch.pk)


@login_required
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a failed background batch's kept file again, in a new batch."""
    batch = _own_batch(request, pk)
    try:
        again = retry_import(batch, request.user)
    except ValueError as exc:
        return render(
            request,
            "intake/batch.html",
            {"batch": batch, "errors": batch.errors, "refused": str(exc)},
            status=409,
        )
    return redirect("intake-batch", pk=again.pk)


@login_required
def batch_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    if not batch.error_workbook:
        raise Http404("这个批次没有错误工作簿 / this batch has no error workbook")
    stem = Path(batch.file_name).stem or "import"
    return attachment(bytes(batch.error_workbook), f"{stem}-errors.xlsx")


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        keys = ["all"] if kind == "all" else [get_kind(kind).key]
    except UnknownKind as exc:
        raise Http404(str(exc)) from exc
    return attachment(template_workbook(keys), f"{keys[0]}-template.xlsx")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        kind_name, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
        stamp = dt.date.today().strftime("%Y%m%d")
        if fmt == "csv":
            data, _ = export_csv(get_kind(kind_name), request.user)
            return attachment(data, f"{kind_name}-{stamp}.csv")
        data, _ = export_workbook(resolve_kinds(kind_name), request.user)
        return attachment(data, f"{kind_name}-{stamp}.xlsx")
    return render(request, "intake/export.html", {"form": form})
