"""Shared machinery of the domain registers (programmes, workforce): pages today.

A neutral layer below the domain apps: it imports only Django and ``accounts``, never a domain, so
both register apps can use it without importing each other or ``web`` (which imports them)."""
