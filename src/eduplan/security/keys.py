"""The two keys: Django's secret key (sessions, CSRF, signed tokens) and the identity-hash key
(staff identity numbers are kept only as a keyed hash under it).

They come from the environment (``EDUPLAN_SECRET_KEY``, ``EDUPLAN_ID_HASH_KEY``) or from a key file
(``EDUPLAN_KEY_FILE``, JSON ``{"secret_key": …, "id_hash_key": …}``, mode 0600) that
:func:`ensure_key_file` writes once — ``make demo`` does, into a git-ignored file — and keeps.
With neither, a development key printed in this source is used, and :func:`unsafe_reasons` says
why that must not serve: with debug off the WSGI app and ``eduplan serve`` refuse to start.

This module imports nothing from Django: settings.py reads it.

Run ``python -m eduplan.security.keys FILE`` to create a key file (an existing one is kept).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

DEVELOPMENT_SECRET_KEY = "eduplan-development-key-change-me-in-production"
MIN_LENGTH = 50  # what Django's own deploy check asks of SECRET_KEY


def read_key_file(path: str | os.PathLike[str] | None) -> dict[str, str]:
    if not path:
        return {}
    p = Path(path)
    if not p.exists():
        return {}
    data = json.loads(p.read_text(encoding="utf-8"))
    return {k: str(v) for k, v in data.items() if k in ("secret_key", "id_hash_key") and v}


def ensure_key_file(path: str | os.PathLike[str]) -> Path:
    """Write two fresh random keys to ``path`` unless it exists (keys are kept: the identity
    hashes of a database were made with its key)."""
    p = Path(path)
    if p.exists():
        return p
    p.parent.mkdir(parents=True, exist_ok=True)
    data = {"secret_key": secrets.token_urlsafe(50), "id_hash_key": secrets.token_urlsafe(50)}
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    return p


def resolve(environ: dict[str, str] | os._Environ[str]) -> tuple[str, str, bool]:
    """Secret key, identity-hash key, and whether the identity-hash key was given on its own
    (not defaulted to the secret key)."""
    from_file = read_key_file(environ.get("EDUPLAN_KEY_FILE"))
    secret = environ.get("EDUPLAN_SECRET_KEY") or from_file.get("secret_key") or DEVELOPMENT_SECRET_KEY
    id_key = environ.get("EDUPLAN_ID_HASH_KEY") or from_file.get("id_hash_key") or ""
    return secret, id_key or secret, bool(id_key)


def unsafe_reasons(secret: str, id_key: str, id_key_given: bool) -> list[tuple[str, str]]:
    """What is wrong with these keys for a production server: (Chinese, English) pairs."""
    out = []
    if secret == DEVELOPMENT_SECRET_KEY:
        out.append(
            (
                "未设置 EDUPLAN_SECRET_KEY(或 EDUPLAN_KEY_FILE):正在使用源代码中公开的开发密钥",
                "EDUPLAN_SECRET_KEY (or EDUPLAN_KEY_FILE) is not set: the development key printed in "
                "the source is in use",
            )
        )
    elif len(secret) < MIN_LENGTH:
        out.append(
            (
                f"EDUPLAN_SECRET_KEY 太短(至少 {MIN_LENGTH} 个字符)",
                f"EDUPLAN_SECRET_KEY is too short (at least {MIN_LENGTH} characters)",
            )
        )
    if not id_key_given or id_key == secret:
        out.append(
            (
                "未单独设置 EDUPLAN_ID_HASH_KEY:身份证号哈希不能与 SECRET_KEY 共用密钥",
                "EDUPLAN_ID_HASH_KEY is not set on its own: identity numbers must not be hashed "
                "under the secret key",
            )
        )
    elif len(id_key) < MIN_LENGTH:
        out.append(
            (
                f"EDUPLAN_ID_HASH_KEY 太短(至少 {MIN_LENGTH} 个字符)",
                f"EDUPLAN_ID_HASH_KEY is too short (at least {MIN_LENGTH} characters)",
            )
        )
    return out


def refuse_unsafe_keys() -> None:
    """Called by the WSGI app and ``eduplan serve``: with debug off, unsafe keys stop the start."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG:
        return
    reasons = unsafe_reasons(settings.SECRET_KEY, settings.ID_HASH_KEY, settings.ID_HASH_KEY_GIVEN)
    if reasons:
        lines = "\n".join(f"- {zh}\n  {en}" for zh, en in reasons)
        raise ImproperlyConfigured(
            "拒绝启动:密钥配置不安全 / refusing to start: unsafe keys\n"
            f"{lines}\n"
            "生成密钥 create keys: python -m eduplan.security.keys /etc/eduplan/keys.json, then set "
            "EDUPLAN_KEY_FILE (docs/security.md)"
        )


if __name__ == "__main__":  # pragma: no cover - a one-line tool
    target = ensure_key_file(sys.argv[1] if len(sys.argv) > 1 else ".eduplan-keys.json")
    print(target)
