"""Imports and exports of the duty registers through the intake machinery (the kind set
``"duties"``, ``registers.transfer``): all or nothing, problems naming sheet, row and column, the same
scoped exports in the template's layout."""

from __future__ import annotations

from eduplan.registers.transfer import RegisterTransfer

from .kinds import DUTY_KINDS, get_duty_kind

TRANSFER = RegisterTransfer("duties", DUTY_KINDS, get_duty_kind)
import_duties = TRANSFER.import_file
import_duty_rows = TRANSFER.import_rows
export_duties = TRANSFER.export
