"""The upload size cap, held while the request body is received.

Django would otherwise stream any size of file to a temporary file before the view runs, so a
size check in the view comes after the disk and the bandwidth are spent. This handler runs first
for every uploaded file, counts bytes as they arrive and stops the upload (dropping the
connection) past the cap: ``settings.UPLOAD_MAX_BYTES`` for the import page,
``settings.UPLOAD_MAX_REQUEST_BYTES`` for any other upload (admissions files are larger). The
import page then answers 413 with a message naming the limit (:func:`refusal`); other forms see
their file missing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

#: Multipart framing and form fields around the file: a request this much over the cap is refused
#: from its declared length alone, before any of it is read.
SLACK = 64 * 1024


class CappedUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.received = 0
        self.body_length = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.body_length > cap(self.request)[0] + SLACK:
            self._stop(self.body_length)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > cap(self.request)[0]:
            self._stop(self.received)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self, size: int) -> None:
        if self.request is not None:
            self.request.upload_refused = size  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)


def cap(request: HttpRequest | None) -> tuple[int, str]:
    """The upload cap for this request and the setting it comes from."""
    from django.urls import reverse

    if request is not None and request.path == reverse("intake-upload"):
        return int(settings.UPLOAD_MAX_BYTES), "UPLOAD_MAX_BYTES"
    return int(settings.UPLOAD_MAX_REQUEST_BYTES), "UPLOAD_MAX_REQUEST_BYTES"


def refused_size(request: HttpRequest) -> int | None:
    """The size at which this request's upload was stopped, or None."""
    return getattr(request, "upload_refused", None)


def refusal(request: HttpRequest, size: int) -> tuple[str, str]:
    """The message for an upload stopped at ``size`` bytes: Chinese, English."""
    limit, setting = cap(request)
    return (
        f"上传的文件超过 {limit:,} 字节的上限(设置 {setting}),已在 {size:,} 字节处停止接收",
        f"the upload is over the limit of {limit:,} bytes (setting {setting}); "
        f"receiving stopped at {size:,} bytes",
    )
