"""Shared by the intake commands: acting as a user, so the command line can be held to the same
scope as the web (``--user``); without it a command acts for whoever holds the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str | None) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户 {username} / no user named {username!r}")
    return user


def date_option(text: str | None, what: str = "") -> dt.date | None:
    """A ``YYYY-MM-DD`` option (``None`` when not given); ``what`` names the option in the error."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        where = f"{what}: " if what else ""
        raise CommandError(
            f"{where}日期格式应为 YYYY-MM-DD,收到“{text}” / a date is written YYYY-MM-DD, got {text!r}"
        ) from exc


def add_db_option(parser) -> None:
    """``--db PATH`` is read by the ``eduplan`` entry point before Django starts; declared here so
    the command accepts it."""
    parser.add_argument("--db", help="SQLite 数据库文件 SQLite database file (sets DATABASE_URL)")
