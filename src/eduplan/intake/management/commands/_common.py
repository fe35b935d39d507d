"""Shared by the intake commands: acting as a user, so the command line can be held to the same
scope as the web (``--user``); without it a command acts for whoever holds the database."""

from __future__ import annotations

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


def add_db_option(parser) -> None:
    """``--db PATH`` is read by the ``eduplan`` entry point before Django starts; declared here so
    the command accepts it."""
    parser.add_argument("--db", help="SQLite 数据库文件 SQLite database file (sets DATABASE_URL)")
