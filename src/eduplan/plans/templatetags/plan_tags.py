"""``{% load plan_tags %}``: pages cite the clauses of the plan in force through the checks they
show, never a clause id written into a template."""

from __future__ import annotations

from django import template

from eduplan.plans.checks import clause_text

register = template.Library()


@register.simple_tag
def clauses(check_id: str) -> str:
    """The clauses of the plan in force that ``check_id`` serves (e.g. ``"2.1"``), or nothing."""
    try:
        return clause_text(check_id)
    except Exception:  # a page never fails because the plan file has a mistake: the CLI reports it
        return ""


@register.simple_tag
def plan_in_force() -> str:
    """The plan in force, as every page header shows it (its document number, or its id)."""
    from eduplan.plans.loader import load_plan

    try:
        plan = load_plan()
    except Exception:  # the CLI names the plan file's mistake; a page header stays up
        return ""
    return plan.document or plan.id
