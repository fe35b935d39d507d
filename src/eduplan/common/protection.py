"""Spam and abuse protection for the public portal, with no third-party service (closed intranets,
the plan's complaint channel must stay open to every parent):

- rate limits per client address, counted in Django's cache (shared by every worker);
- a simple arithmetic challenge, signed, single-use, refused when answered faster than a person can;
- after the first complaint from an address, proof of work (hashcash) that the page's script
  computes and the server checks, so a script that only parses the page cannot file another;
- a honeypot field a person never sees;
- size limits on every field and on the whole request body;
- text cleaning: invalid UTF-8, control characters and HTML tags are refused (output is escaped too).

Every limit is a ``[portal]`` setting of ``plan/standards.toml``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eduplan.plans import standards

CHALLENGE_SALT = "eduplan.portal.challenge"
#: Characters a person may type: letters, digits, punctuation, spaces, newlines and tabs. Anything
#: else in the C (control/format/private/unassigned) categories is refused.
_ALLOWED_CONTROL = {"\n", "\r", "\t"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
REPLACEMENT_CHAR = "\ufffd"


def setting(key: str) -> Any:
    """A ``[portal]`` setting of the standards file."""
    return standards.value("portal", key)


# -- rate limits ----------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind a reverse proxy every request shares the proxy's
    address: the proxy must then rate-limit itself, or set REMOTE_ADDR from X-Forwarded-For."""
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _client_key(request: HttpRequest) -> str:
    """A keyed hash of the address, so the cache never holds visitors' addresses in clear."""
    raw = client_address(request).encode()
    return hmac.new(settings.SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0


def hit(request: HttpRequest, kind: str) -> RateDecision:
    """Count one request of ``kind`` ("complaint", "track") from this address in the current window
    and say whether it is within ``[portal] <kind>_rate_limit`` per ``<kind>_rate_window_seconds``.

    A fixed window keyed by its start: simple, shared by every worker through the cache; a burst
    across a window boundary may reach twice the limit, which is enough to stop a flood."""
    limit = int(setting(f"{kind}_rate_limit"))
    window = int(setting(f"{kind}_rate_window_seconds"))
    now = int(time.time())
    start = now - now % window
    key = f"eduplan:portal:rl:{kind}:{_client_key(request)}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return RateDecision(False, start + window - now)
    return RateDecision(True)


# -- the request body -----------------------------------------------------------------------------


def body_too_large(request: HttpRequest) -> bool:
    """Whether the declared body exceeds ``[portal] max_body_bytes`` (a form needs a few KB)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > int(setting("max_body_bytes"))


def has_invalid_encoding(data: Any) -> bool:
    """Django decodes form data with replacement characters: one in a value means the bytes sent
    were not UTF-8 (a person typing never produces U+FFFD)."""
    return any(REPLACEMENT_CHAR in v for key in data for v in data.getlist(key)) or any(
        REPLACEMENT_CHAR in key for key in data
    )


# -- text -----------------------------------------------------------------------------------------


def clean_text(
    value: str | None,
    *,
    label_zh: str,
    label_en: str,
    max_chars: int,
    min_chars: int = 0,
    multiline: bool = False,
) -> str:
    """Normalise (NFC, trimmed) and check one text field; a ValidationError says what is wrong in
    Chinese and English. HTML tags are refused outright rather than stored and escaped later: a
    complaint is plain text, and an officer's page or an export must never carry markup."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if REPLACEMENT_CHAR in text:
        raise ValidationError(
            f"{label_zh}包含无效字符(请使用UTF-8) / {label_en} contains invalid characters (use UTF-8)"
        )
    for ch in text:
        if unicodedata.category(ch)[0] == "C" and not (multiline and ch in _ALLOWED_CONTROL):
            raise ValidationError(f"{label_zh}包含控制字符 / {label_en} contains control characters")
    if _TAG.search(text):
        raise ValidationError(
            f"{label_zh}不能包含HTML标签(如 <script>) / {label_en} may not contain HTML tags (such as <script>)"
        )
    if len(text) > max_chars:
        raise ValidationError(
            f"{label_zh}最多{max_chars}个字,现有{len(text)}个 / {label_en}: at most {max_chars} characters, got {len(text)}"
        )
    if len(text) < min_chars:
        raise ValidationError(
            f"{label_zh}至少{min_chars}个字 / {label_en}: at least {min_chars} characters, please describe what happened"
        )
    return text


def clean_query(value: str | None, max_chars: int | None = None) -> str:
    """A search box's text: control characters dropped (PostgreSQL refuses NUL), width-normalised
    (full-width Latin letters typed by a Chinese IME become ASCII), cut to ``search_max_chars``."""
    limit = int(max_chars if max_chars is not None else setting("search_max_chars"))
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch != REPLACEMENT_CHAR)
    return " ".join(text.split())[:limit]


# -- the challenge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    question_zh: str
    question_en: str
    token: str
    #: Leading zero bits the proof of work must reach; 0 when no work is asked.
    work_bits: int = 0
    #: What the page's script hashes with its counter (``prefix:counter``).
    work_prefix: str = ""


def _answer_mac(nonce: str, answer: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{CHALLENGE_SALT}:{nonce}:{answer}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def new_challenge(*, work_bits: int = 0) -> Challenge:
    """A small sum to solve, and with ``work_bits`` a proof of work. The token carries a keyed
    hash of the answer (not the answer), when it was issued, a nonce (also the work's prefix) and
    the work's difficulty; it is signed so that none of it can be changed."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps(
        {"n": nonce, "h": _answer_mac(nonce, str(a + b)), "t": int(time.time()), "w": work_bits},
        salt=CHALLENGE_SALT,
    )
    return Challenge(
        f"{a} 加 {b} 等于几?", f"What is {a} + {b}?", token, work_bits, nonce if work_bits else ""
    )


# -- proof of work --------------------------------------------------------------------------------


def work_bits() -> int:
    """Leading zero bits of SHA-256 the proof of work asks for (``[portal] challenge_work_bits``;
    each bit doubles the hashes a browser, or a script, must try: 2^bits on average)."""
    bits = int(setting("challenge_work_bits"))
    if not 1 <= bits <= 32:
        raise ValueError(f"[portal] challenge_work_bits must be between 1 and 32, got {bits}")
    return bits


def work_digest(prefix: str, counter: str) -> bytes:
    return hashlib.sha256(f"{prefix}:{counter}".encode("ascii")).digest()


def work_ok(prefix: str, counter: str, bits: int) -> bool:
    """Whether ``sha256("prefix:counter")`` starts with ``bits`` zero bits (hashcash). The
    counter is a decimal number of at most 12 digits (a browser needs far fewer)."""
    if not (counter.isascii() and counter.isdigit() and len(counter) <= 12):
        return False
    first = int.from_bytes(work_digest(prefix, counter)[:4], "big")
    return first >> (32 - bits) == 0


def solve_work(prefix: str, bits: int) -> str:
    """The counter the page's script finds (tests and the soak bench use it)."""
    counter = 0
    while not work_ok(prefix, str(counter), bits):
        counter += 1
    return str(counter)


def _filed_key(request: HttpRequest) -> str:
    return f"eduplan:portal:filed:{_client_key(request)}"


def remember_complaint(request: HttpRequest) -> None:
    """Note that this address filed a complaint: for ``[portal] challenge_work_seconds`` its next
    complaints need proof of work."""
    cache.set(_filed_key(request), 1, timeout=int(setting("challenge_work_seconds")))


def needs_work(request: HttpRequest) -> bool:
    """Whether a complaint from this address needs proof of work (it filed one recently)."""
    return cache.get(_filed_key(request)) is not None


def challenge_for(request: HttpRequest) -> Challenge:
    """The challenge a complaint form from this address shows."""
    return new_challenge(work_bits=work_bits() if needs_work(request) else 0)


def check_challenge(
    token: str, answer: str, *, work: str = "", work_required: int = 0, now: float | None = None
) -> None:
    """Refuse a wrong, forged, stale, too fast or reused answer, or missing or wrong proof of work
    when ``work_required`` bits are asked (bilingual ValidationError)."""
    now = time.time() if now is None else now
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT)
        nonce, mac, issued = str(data["n"]), str(data["h"]), int(data["t"])
        bits = int(data.get("w", 0))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            "表单已失效,请重新填写 / the form has expired, please fill it in again"
        ) from exc
    elapsed = now - issued
    if elapsed > int(setting("challenge_max_seconds")):
        raise ValidationError("表单已过期,请重新填写 / the form has expired, please fill it in again")
    # Each form is tried once, right or wrong: guessing the sum needs a new form (and a rate-limited POST).
    if not cache.add(f"eduplan:portal:nonce:{nonce}", 1, timeout=int(setting("challenge_max_seconds")) + 60):
        raise ValidationError(
            "该表单已提交过,请使用新表单 / this form was already sent: use the new one below"
        )
    if elapsed < float(setting("challenge_min_seconds")):
        raise ValidationError(
            "提交过快,请核对后再提交 / sent too quickly: please check the form and send it again"
        )
    typed = unicodedata.normalize("NFKC", answer or "").strip()
    if not (typed.isascii() and typed.isdigit() and len(typed) <= 3) or not hmac.compare_digest(
        _answer_mac(nonce, str(int(typed))), mac
    ):
        raise ValidationError("验证题答案不正确 / the answer to the check question is wrong")
    if work_required:
        if bits < work_required:  # a form shown before this address filed: show the new one
            raise ValidationError(
                "请在新表单上完成自动验证后再提交 / please send the new form below: it runs an automatic check"
            )
        if not work_ok(nonce, (work or "").strip(), bits):
            raise ValidationError(
                "自动验证未完成:请启用浏览器的JavaScript,待页面提示验证完成后再提交 / the automatic check "
                "was not completed: turn on JavaScript in your browser and send the form when the page says "
                "the check is done"
            )


# -- views ----------------------------------------------------------------------------------------


def refused(request: HttpRequest, status: int, zh: str, en: str, *, retry_after: int = 0) -> HttpResponse:
    response = render(request, "portal/refused.html", {"zh": zh, "en": en, "status": status}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse an oversized or non-UTF-8 POST before any form sees it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            if body_too_large(request):
                return refused(
                    request,
                    413,
                    f"提交的内容过大(上限 {int(setting('max_body_bytes')) // 1024} KB)",
                    f"what was sent is too large (at most {int(setting('max_body_bytes')) // 1024} KB)",
                )
            if has_invalid_encoding(request.POST):
                return refused(
                    request, 400, "提交的文字编码无效,请使用UTF-8", "the text sent is not valid UTF-8"
                )
        return view(request, *args, **kwargs)

    return wrapper
