"""``eduplan admissions``: Django finds commands here; the command lives with its tool in
:mod:`eduplan.planning.admissions.command` (run, demo, job, purge)."""

from eduplan.planning.admissions.command import Command

__all__ = ["Command"]
