from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "eduplan.intake"
    label = "intake"
    verbose_name = "数据导入导出 Intake"

    def ready(self) -> None:
        from .kinds import REGISTRY_KINDS
        from .kindsets import register

        register(REGISTRY_KINDS)  # the registry workbook's import pipeline

        from eduplan.security.sweeps import register as register_sweep

        from .sweep import sweep_stale_batches

        register_sweep("import_batches", sweep_stale_batches)
