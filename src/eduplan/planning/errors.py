"""The one error a planning input can raise, kept in a module with no heavy imports.

The pages and commands catch it to show the message instead of a traceback; it lives apart from
the numpy cores so that catching it does not load them.
"""

from __future__ import annotations


class PlanningInputError(ValueError):
    """An input a user (or an adapter fed by a user) got wrong; the message says what and where."""
