"""RecordEdit moves here from ``web``: the table (``web_recordedit``) is kept as it is; only
Django's record of which app owns the model changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0002_dataversion"),
        ("web", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="RecordEdit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("model", models.CharField(max_length=40, verbose_name="记录类型 record type")),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="记录编号 record id")),
                        ("label", models.CharField(max_length=120, verbose_name="记录 record")),
                        ("action", models.CharField(max_length=10, verbose_name="操作 action")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间 when")),
                        ("reason", models.CharField(max_length=200, verbose_name="原因 reason")),
                        ("changes", models.JSONField(default=list, verbose_name="修改内容 changes")),
                        (
                            "institution",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="record_edits",
                                to="registry.institution",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "修改记录 record edit",
                        "verbose_name_plural": "修改记录 record edits",
                        "ordering": ["-at", "-pk"],
                        "db_table": "web_recordedit",
                        "indexes": [
                            models.Index(fields=["institution", "-at"], name="web_recorde_institu_36c923_idx")
                        ],
                    },
                ),
            ],
        ),
    ]
