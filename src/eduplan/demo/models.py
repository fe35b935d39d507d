"""A record of each demo generation: what was asked for and what was planted."""

from __future__ import annotations

from django.db import models


class DemoRun(models.Model):
    """One run of ``eduplan demo``. Its presence marks the database as demo data, which the demo
    may flush and regenerate; ``manifest`` lists every planted imperfection by kind (see
    ``eduplan.demo.planting``) so rule tests can check "all planted found, nothing else"."""

    generator_version = models.CharField("生成器版本 generator version", max_length=16)
    scale = models.CharField("规模 scale", max_length=16)
    seed = models.BigIntegerField("随机种子 seed")
    manifest = models.JSONField("植入问题清单 planted imperfections", default=dict)
    counts = models.JSONField("行数 row counts", default=dict)

    class Meta:
        verbose_name = "演示数据生成记录 demo run"
        verbose_name_plural = "演示数据生成记录 demo runs"

    def __str__(self) -> str:
        return f"demo {self.scale} seed={self.seed} (v{self.generator_version})"
