"""``eduplan demo``: generate a synthetic demo city (province, nation) and serve it.

    eduplan demo --scale city --seed 1 --db /tmp/demo.sqlite3 --no-serve

With ``--db`` the file is replaced (deleted and re-migrated). Without it the demo writes to the
configured database: a previous demo there is flushed and regenerated; any other data makes the
command refuse, so a real registry is never overwritten.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from eduplan.demo.calibration import SCALES
from eduplan.demo.generator import DEMO_USERNAMES, DemoError, generate
from eduplan.output import render_table

EXAMPLES_SHOWN = 3


def create_schema() -> None:
    """The current schema in a new, empty database, every migration recorded as applied.

    Replaying the migrations renders the model state once per operation: with a hundred models
    related to ``Institution`` that took ≈ 20 s, longer than the whole demo city. A new file needs
    no replay: the tables are created from the models (``migrate --run-syncdb`` with migrations
    switched off, as Django's test runner does with ``MIGRATE = False``) and the migrations marked
    applied, so a later ``eduplan migrate`` only applies newer ones. The project's migrations hold
    no data steps (RunPython/RunSQL), so the two schemas are the same."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES={app.label: None for app in apps.get_app_configs()}):
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    with transaction.atomic():
        for app_label, name in sorted(loader.graph.nodes):
            recorder.record_applied(app_label, name)


class Command(BaseCommand):
    help = "生成演示数据并启动服务 Generate a seeded synthetic demo (city/province/nation) and serve it"
    # The system checks import every URL and view (seconds); ``serve`` runs them before serving.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="city",
            help="city: 玉溪 9 counties; province: 云南 129 counties; nation: China; tiny: tests",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子 the same seed gives the same data")
        parser.add_argument(
            "--db",
            metavar="PATH",
            help="SQLite 文件 (会被替换) / a SQLite file to write, replaced if it exists",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="生成后不启动服务 do not start the server"
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--manifest",
            metavar="FILE",
            help="把植入问题清单写入 JSON 文件(- 为标准输出) / write the full manifest as JSON (- for stdout)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["db"]:
            self.replace_database(Path(options["db"]).expanduser().resolve())
        else:
            self.prepare_configured_database()
        try:
            result = generate(options["scale"], options["seed"], progress=options["verbosity"] > 0)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.report(result, elapsed, options)
        if options["manifest"] == "-":
            self.stdout.write(json.dumps(result.manifest, ensure_ascii=False, indent=1))
        elif options["manifest"]:
            Path(options["manifest"]).write_text(
                json.dumps(result.manifest, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        if not options["no_serve"]:
            self.stdout.write(f"\n打开 open http://127.0.0.1:{options['port']}/\n")
            self.stdout.flush()
            call_command("serve", port=options["port"])

    # -- the database ---------------------------------------------------------------------------------

    def replace_database(self, path: Path) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3" or Path(str(db["NAME"])).resolve() != path:
            raise CommandError(
                f"--db 只能通过 eduplan 命令使用(它会先设置 DATABASE_URL) / --db {path} is not the configured "
                "database: run it as `eduplan demo --db PATH`, which points DATABASE_URL at the file"
            )
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        create_schema()

    def prepare_configured_database(self) -> None:
        from django.contrib.auth import get_user_model

        from eduplan.demo.models import DemoRun
        from eduplan.registry.models import Division, Institution

        call_command("migrate", verbosity=0, interactive=False)
        has_demo = DemoRun.objects.exists()
        has_data = Division.objects.exists() or Institution.objects.exists()
        has_users = get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
        if (has_data or has_users) and not has_demo:
            name = settings.DATABASES["default"]["NAME"]
            raise CommandError(
                f"数据库 {name} 已有非演示数据,演示数据不会覆盖它;请用 --db 指定另一个文件 / the database "
                f"{name} holds data that is not a demo: the demo will not overwrite it. Use --db PATH to "
                "write the demo to a separate SQLite file."
            )
        if has_demo:
            self.stdout.write("清除上一次演示数据 flushing the previous demo …")
            call_command("flush", interactive=False, verbosity=0)

    # -- what the user sees --------------------------------------------------------------------------

    def report(self, result: Any, elapsed: float, options: dict[str, Any]) -> None:
        out = self.stdout
        out.write(
            f"演示数据已生成 demo generated: scale={result.scale} seed={result.seed} "
            f"in {elapsed:.1f} s — 全部为合成数据 all synthetic (Institution.synthetic = True)\n"
        )
        out.write(
            render_table(
                [{"table": k, "rows": v} for k, v in result.counts.items()],
                headers={"table": "表 table", "rows": "行数 rows"},
                title="登记册 Registry",
            )
        )
        kinds = result.manifest["kinds"]
        rows = []
        for key, entry in kinds.items():
            rows.append(
                {
                    "kind": key,
                    "clause": entry["clause"],
                    "count": entry["count"],
                    "rate": f"{entry['rate']:.3f}" if "rate" in entry else "",
                    "eligible": entry.get("eligible", ""),
                    "examples": ", ".join(entry["codes"][:EXAMPLES_SHOWN]),
                }
            )
        out.write(
            render_table(
                rows,
                headers={
                    "kind": "植入问题 planted kind",
                    "clause": "条款 clause",
                    "count": "数量 count",
                    "rate": "比例 rate",
                    "eligible": "范围 eligible",
                    "examples": "示例 examples",
                },
                title="植入问题清单 Manifest (完整清单见 DemoRun.manifest / --manifest FILE)",
            )
        )
        if result.logins:
            out.write(
                render_table(
                    result.logins,
                    headers={
                        "username": "用户名 username",
                        "role": "角色 role",
                        "scope": "范围 scope",
                        "password": "密码 password",
                    },
                    title="演示账号 Demo logins",
                )
            )
