"""Shared machinery of the domain registers (programmes, duties, workforce): the register page
(``pages``: the flow, and the half shared by registers kept as import kinds), the entry form base
(``forms``) and what the dated registers' models declare alike (``fields``).

A neutral layer below the domain apps: it imports Django, ``accounts``, the registry's models and
the import kinds, never a domain, so the register apps can use it without importing each other or
``web`` (which imports them)."""
