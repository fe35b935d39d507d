"""Production refuses unsafe configuration (issue 22, problems 3 and 9).

With debug off the app must not start on the secret key printed in the source, nor with the
identity-hash key defaulting to the secret key: with that public key the ``id_hash`` column of an
export was brute-forced back to identity numbers. The documented production settings pass
``eduplan check --system --deploy`` cleanly; pages carry a Content-Security-Policy that forbids
inline script, and no template holds any."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import eduplan

SRC = Path(eduplan.__file__).parent
KEYS = ("EDUPLAN_SECRET_KEY", "EDUPLAN_ID_HASH_KEY", "EDUPLAN_KEY_FILE", "EDUPLAN_DEBUG")
PRODUCTION = {
    # docs/security.md, "Production settings"
    "EDUPLAN_SECRET_KEY": "k" * 20 + "-production-secret-key-0123456789abcdefghijklmnop",
    "EDUPLAN_ID_HASH_KEY": "h" * 20 + "-production-identity-key-0123456789abcdefghijklm",
    "EDUPLAN_ALLOWED_HOSTS": "edu.example.gov.cn",
    "EDUPLAN_HTTPS": "1",
}


def _run(code: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set in this process by the browser fixture (tests/conftest.py) when
    # a browser test ran first; a deployment never has it (the deploy check refuses it).
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in KEYS and not k.startswith("PYTEST") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "eduplan.settings", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


START = "import eduplan.wsgi; print('started')"


def test_production_refuses_the_default_secret_key(tmp_path):
    run = _run(START, {"EDUPLAN_DEBUG": "0"}, tmp_path)
    assert run.returncode != 0 and "started" not in run.stdout
    assert "EDUPLAN_SECRET_KEY" in run.stderr


def test_production_refuses_an_identity_key_that_is_the_secret_key(tmp_path):
    env = {"EDUPLAN_DEBUG": "0", "EDUPLAN_SECRET_KEY": PRODUCTION["EDUPLAN_SECRET_KEY"]}
    run = _run(START, env, tmp_path)
    assert run.returncode != 0 and "EDUPLAN_ID_HASH_KEY" in run.stderr
    same = {**env, "EDUPLAN_ID_HASH_KEY": env["EDUPLAN_SECRET_KEY"]}
    run = _run(START, same, tmp_path)
    assert run.returncode != 0 and "EDUPLAN_ID_HASH_KEY" in run.stderr


def test_production_starts_with_its_own_keys(tmp_path):
    run = _run(START, {"EDUPLAN_DEBUG": "0", **PRODUCTION}, tmp_path)
    assert run.returncode == 0 and "started" in run.stdout, run.stderr[-2000:]


def test_local_keys_are_generated_once_and_kept(tmp_path):
    key_file = tmp_path / "keys.json"
    make = _run(
        f"from eduplan.security.keys import ensure_key_file; ensure_key_file({str(key_file)!r})", {}, tmp_path
    )
    assert make.returncode == 0, make.stderr
    first = key_file.read_text()
    again = _run(
        f"from eduplan.security.keys import ensure_key_file; ensure_key_file({str(key_file)!r})", {}, tmp_path
    )
    assert again.returncode == 0 and key_file.read_text() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    run = _run(START, {"EDUPLAN_DEBUG": "0", "EDUPLAN_KEY_FILE": str(key_file)}, tmp_path)
    assert run.returncode == 0 and "started" in run.stdout, run.stderr[-2000:]
    keys = _run(
        "from django.conf import settings; print(settings.SECRET_KEY != settings.ID_HASH_KEY)",
        {"EDUPLAN_KEY_FILE": str(key_file)},
        tmp_path,
    )
    assert keys.stdout.strip() == "True"


def test_deploy_check_is_clean_under_the_production_settings(tmp_path):
    code = "from eduplan.cli import main; main(['eduplan', 'check', '--system', '--deploy', '--fail-level', 'WARNING'])"
    run = _run(
        code,
        {"EDUPLAN_DEBUG": "0", **PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"},
        tmp_path,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "no issues" in run.stdout


@pytest.mark.django_db
def test_pages_forbid_inline_script_and_production_turns_on_https_settings(client, settings):
    response = client.get("/")
    policy = response.headers.get("Content-Security-Policy", "")
    script = re.search(r"script-src ([^;]*)", policy)
    assert script and "'unsafe-inline'" not in script.group(1) and "'self'" in script.group(1)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    run = _run(
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)",
        {"EDUPLAN_DEBUG": "0", **PRODUCTION, "EDUPLAN_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
        SRC,
    )
    assert run.stdout.split() == ["True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_holds_inline_script():
    found = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [f"{template.relative_to(SRC)}: {m.group()[:80]}" for m in pattern.finditer(text)]
    assert found == []
