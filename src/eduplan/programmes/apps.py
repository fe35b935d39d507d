from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"

    def ready(self) -> None:
        from eduplan.intake.kindsets import register

        from .kinds import programme_kind_set

        register(programme_kind_set())  # the programme registers' import pipeline

        from eduplan.common.noticeparts import register_notice_part

        from . import notice

        register_notice_part(notice)
