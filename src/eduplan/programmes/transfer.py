"""Imports and exports of the programme registers through the intake machinery (the kind set
``"programmes"``, ``registers.transfer``): the same all-or-nothing import with problems naming
sheet, row and column (Chinese and English), the same error workbook, the same scoped exports in
the template's layout."""

from __future__ import annotations

from eduplan.registers.transfer import RegisterTransfer

from .kinds import PROGRAMME_KINDS, get_programme_kind

TRANSFER = RegisterTransfer("programmes", PROGRAMME_KINDS, get_programme_kind)
import_register = TRANSFER.import_file
import_register_rows = TRANSFER.import_rows
export_registers = TRANSFER.export
