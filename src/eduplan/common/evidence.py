"""Evidence files — photos and documents attached to what an institution or a county reports
(rectification reports; progress on plan tasks) — checked, stored and served the same
way wherever they are attached.

- :func:`check_files` refuses the whole upload, naming every bad file, when one has a type or size
  outside ``[rectification] attachment_extensions`` / ``max_attachment_mb`` (plan/standards.toml).
- :func:`store_files` saves them under ``MEDIA_ROOT`` as rows of an :class:`EvidenceFile` model.
- :func:`file_response` serves one to a user the caller has already scoped (never a public URL).

:class:`EvidenceFile` holds what every evidence model shares (original name, size, upload time and
what kind of file it is); each concrete model adds its owner and its ``file`` field with its own
storage path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import models
from django.http import FileResponse, Http404

from eduplan.plans import standards

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "webp"})

E = TypeVar("E", bound="EvidenceFile")


class EvidenceFile(models.Model):
    """An uploaded photo or file. Concrete models declare ``file = models.FileField(...)`` (each
    with its own ``upload_to``) and the record it is attached to."""

    name = models.CharField("原文件名 original name", max_length=200)
    size = models.PositiveIntegerField("大小(字节) size")
    uploaded_at = models.DateTimeField("上传时间 uploaded", auto_now_add=True)

    file: Any

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return self.name.lower().rsplit(".", 1)[-1] if "." in self.name else ""

    @property
    def is_image(self) -> bool:
        return self.extension in IMAGE_EXTENSIONS

    @property
    def is_pdf(self) -> bool:
        return self.extension == "pdf"


def check_files(files: Iterable[Any]) -> list[Any]:
    """The files, or a :class:`ValidationError` listing every one whose type is not in
    ``[rectification] attachment_extensions`` or whose size exceeds ``max_attachment_mb``."""
    files = list(files)
    limit = float(standards.value("rectification", "max_attachment_mb")) * 1024 * 1024
    allowed = {e.lower() for e in standards.value("rectification", "attachment_extensions")}
    errors = []
    for f in files:
        name = PurePath(getattr(f, "name", "") or "").name
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in allowed:
            errors.append(
                f"{name}: 不支持的文件类型(可用 {', '.join(sorted(allowed))}) / file type not accepted "
                f"(use {', '.join(sorted(allowed))})"
            )
        elif (getattr(f, "size", 0) or 0) > limit:
            errors.append(
                f"{name}: 文件过大(上限 {limit / 1048576:g} MB) / file too large (limit {limit / 1048576:g} MB)"
            )
    if errors:
        raise ValidationError(errors)
    return files


def store_files(model: type[E], files: Iterable[Any], **owner: Any) -> list[E]:
    """Save checked ``files`` as ``model`` rows attached to ``owner`` (``report=…``, ``update=…``),
    keeping each file's own name (without any client-side directory)."""
    stored = []
    for f in files:
        name = PurePath(f.name).name
        item = model(name=name[:200], size=getattr(f, "size", 0) or 0, **owner)
        item.file.save(name, f if isinstance(f, File) else File(f, name=name), save=False)
        item.save()
        stored.append(item)
    return stored


def file_response(item: EvidenceFile, *, inline: bool) -> FileResponse:
    """Serve a stored evidence file (the caller has checked the user sees it): ``inline`` opens it
    in the browser, otherwise it downloads under its original name."""
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在 / the file is missing") from exc
    return FileResponse(handle, as_attachment=not inline, filename=item.name)
