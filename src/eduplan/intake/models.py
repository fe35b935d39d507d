"""Every import is traceable: who sent which file when, what it changed, and what was wrong with it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    RUNNING = "running", "进行中 Running"
    SUCCEEDED = "succeeded", "已导入 Imported"
    REJECTED = "rejected", "已拒绝(有错误) Rejected"
    DRY_RUN = "dry_run", "试导入(未写入) Dry run"
    FAILED = "failed", "失败(未写入) Failed"


class ImportBatch(models.Model):
    """One import of one file (or one API call). A batch still ``running`` after its process has
    gone means the process died mid-import; its writes were rolled back with it, so the registry
    holds nothing from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人 user",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    source = models.CharField("来源 source", max_length=8, default="cli")  # cli, web, api
    file_name = models.CharField("文件名 file name", max_length=255, blank=True)
    file_sha256 = models.CharField("文件校验和 SHA-256", max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小 bytes", default=0)
    kinds = models.JSONField("数据类别 kinds", default=list, blank=True)
    status = models.CharField("状态 status", max_length=10, choices=BatchStatus.choices, default="running")
    dry_run = models.BooleanField("试导入 dry run", default=False)
    started_at = models.DateTimeField("开始时间 started", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间 finished", null=True, blank=True)
    rows = models.PositiveIntegerField("数据行数 rows", default=0)
    counts = models.JSONField("新增/更新/未变 counts per kind", default=dict, blank=True)
    error_count = models.PositiveIntegerField("错误数 errors", default=0)
    errors = models.JSONField("错误(前500条) first errors", default=list, blank=True)
    error_workbook = models.BinaryField("错误标注工作簿 error workbook", null=True, blank=True)
    # The process doing the import, so a sweep tells a dead import from a long one (security.sweeps).
    host = models.CharField("导入主机 host", max_length=100, blank=True)
    pid = models.IntegerField("导入进程 process id", null=True, blank=True)
    process_start = models.CharField("进程启动时刻 process start", max_length=20, blank=True)

    class Meta:
        verbose_name = "导入批次 import batch"
        verbose_name_plural = "导入批次 import batches"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} ({self.get_status_display()})"

    @property
    def reason(self) -> str:
        """The change reason written into the history of every record this batch touches."""
        return f"导入 import #{self.pk} {self.file_name}"[:100]
