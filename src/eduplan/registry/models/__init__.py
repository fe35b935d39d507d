"""The registry: the source of truth every indicator, rule and workflow reads."""

from .divisions import Births, Division, PopulationCount
from .institutions import FeeStandard, Institution, InstitutionYear, NameChange, SafetyRecord
from .network import ManagementAppointment, Pairing
from .staff import StaffMember
from .states import InstitutionState
from .teaching import SchoolClass
from .version import DataVersion, bump_version, current_version, current_versions

__all__ = [
    "Births",
    "DataVersion",
    "Division",
    "FeeStandard",
    "Institution",
    "InstitutionState",
    "InstitutionYear",
    "ManagementAppointment",
    "NameChange",
    "Pairing",
    "PopulationCount",
    "SafetyRecord",
    "SchoolClass",
    "StaffMember",
    "bump_version",
    "current_version",
    "current_versions",
]
