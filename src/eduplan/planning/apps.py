from django.apps import AppConfig

#: What this app checks (``kind``, ``id``[, title, the model whose rows make it live]); the plan file
#: maps each to its clauses (docs/plans.md).
CHECKS = (
    ("page", "admissions_runs", "", "planning.AdmissionsRun"),
    ("page", "planning"),
    ("planning", "admissions_jobs", "", "planning.AdmissionsRun"),
    ("planning", "allocate"),
    ("planning", "gaps"),
    ("planning", "gaps_high_school"),
    ("planning", "project"),
    ("planning", "scenario"),
    ("planning", "site"),
    ("planning_tool", "admissions"),
    ("planning_tool", "projection"),
    ("planning_tool", "scenarios"),
    ("planning_tool", "seat_gaps"),
    ("planning_tool", "siting"),
    ("planning_tool", "siting_registry"),
    ("planning_tool", "target_allocation"),
)


class PlanningConfig(AppConfig):
    name = "eduplan.planning"
    label = "planning"
    verbose_name = "规划工具 Planning"

    def ready(self) -> None:
        from eduplan.plans.checks import register_all

        register_all(CHECKS)
