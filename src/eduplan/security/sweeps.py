"""Long operations whose process died are marked failed with their reason, within a minute.

Each kind of long operation that keeps a run record (an import batch, an admissions run) registers
a *sweeper* here from its app's ``AppConfig.ready``: a function that closes the records whose
process is gone and returns how many it closed. :func:`sweep_all` runs every sweeper; it is called

- by :class:`eduplan.security.middleware.SweepMiddleware`, at most once per ``SWEEP_SECONDS`` across
  all workers (a cache key decides which request does it), so a served site sweeps by itself;
- by ``eduplan sweep`` (once, or ``--every SECONDS`` for a systemd timer or a container without
  traffic).

The operations write all or nothing (an import's single transaction, an admissions run's results
recorded only when it is done), so a failed record never has partial data behind it. Operations
without a run record (a notice is issued in one transaction; a siting run computes and returns,
writing nothing) cannot be stuck.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

log = logging.getLogger(__name__)

Sweeper = Callable[[dt.datetime], int]
_SWEEPERS: dict[str, Sweeper] = {}


def register(name: str, sweeper: Sweeper) -> None:
    """Called from ``AppConfig.ready`` (once per name)."""
    _SWEEPERS[name] = sweeper


def sweepers() -> dict[str, Sweeper]:
    return dict(_SWEEPERS)


def sweep_all(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every sweeper; how many records each closed. A sweeper that fails is logged and does
    not stop the others."""
    now = now or timezone.now()
    closed: dict[str, int] = {}
    for name, sweeper in _SWEEPERS.items():
        try:
            closed[name] = sweeper(now)
        except Exception:
            log.exception("sweep %s failed", name)
            closed[name] = 0
    return closed


# -- whose process is it -------------------------------------------------------------------------


def process_identity(pid: int | None = None) -> tuple[str, int, str]:
    """(host, pid, start) of a process: its start time since boot (``/proc/<pid>/stat`` field 22)
    tells a live process from a new one that reuses a dead one's id."""
    pid = os.getpid() if pid is None else pid
    return socket.gethostname()[:100], pid, _start_time(pid)


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[1].split()
    return fields[19] if len(fields) > 19 else ""


def process_gone(host: str, pid: int | None, start: str) -> bool | None:
    """Whether the process that started a record is gone: ``True``/``False`` when it ran on this
    host, ``None`` when it ran elsewhere (or recorded nothing) and only a time limit can tell."""
    if not host or pid is None or host != socket.gethostname()[:100]:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    current = _start_time(pid)
    if current and start and current != start:
        return True  # the id now belongs to another process
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")
