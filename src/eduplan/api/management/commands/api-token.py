"""``eduplan api-token USERNAME``: make an API token for a user and print it once.

Only the token's SHA-256 is stored, so a lost token cannot be shown again: make a new one and
revoke the old (``--revoke PREFIX``). ``--list`` shows a user's tokens by prefix."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.api.models import ApiToken, create_token


class Command(BaseCommand):
    help = "生成接口令牌(只显示一次) Make an API token for USERNAME and print it once"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="用途说明 what the token is for")
        parser.add_argument(
            "--revoke", metavar="PREFIX", help="吊销以此开头的令牌 revoke the token with this prefix"
        )
        parser.add_argument("--list", action="store_true", help="列出令牌 list the user's tokens")
        parser.add_argument("--read-only", action="store_true", help="只读令牌 a read-only token")
        parser.add_argument(
            "--days", type=int, help="有效天数 days until it expires (default API_TOKEN_DAYS)"
        )
        parser.add_argument(
            "--division",
            metavar="CODE",
            help="限定区划(须在用户范围内) narrow to this division (within the user's)",
        )
        parser.add_argument("--db", help="SQLite 数据库文件 SQLite database file (sets DATABASE_URL)")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']} / no user named {options['username']!r}")
        tokens = ApiToken.objects.filter(user=user)
        if options["list"]:
            for t in tokens:
                if t.revoked_at:
                    state = f"已吊销 revoked {t.revoked_at:%Y-%m-%d}"
                else:
                    until = f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "—"
                    state = f"{'有效 active' if t.active else '已过期 expired'} → {until}"
                scope = ("只读 read-only" if t.read_only else "读写 read-write") + (
                    f" {t.division.code}" if t.division is not None else ""
                )
                self.stdout.write(f"{t.key_prefix}…  {t.name}  {t.created_at:%Y-%m-%d}  {state}  {scope}")
            return
        if options["revoke"]:
            found = [
                t
                for t in tokens.filter(revoked_at__isnull=True)
                if t.key_prefix.startswith(options["revoke"])
            ]
            if len(found) != 1:
                raise CommandError(
                    f"找到 {len(found)} 个匹配的有效令牌 / {len(found)} active tokens match {options['revoke']!r}"
                )
            found[0].revoke()
            self.stdout.write(f"已吊销 revoked {found[0].key_prefix}…")
            return
        if not user.is_active:
            raise CommandError("该用户已停用 / this user is inactive")
        division = None
        if options["division"]:
            from eduplan.registry.models import Division

            division = Division.objects.filter(code=options["division"]).first()
            if division is None:
                raise CommandError(f"没有区划 {options['division']} / no division {options['division']!r}")
        try:
            _, clear = create_token(
                user, options["name"], read_only=options["read_only"], division=division, days=options["days"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(clear)
        self.stderr.write("请妥善保存,此令牌不会再次显示 / keep it safe: this token will not be shown again")
