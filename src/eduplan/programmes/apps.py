from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"

    def ready(self) -> None:
        from eduplan.common.noticeparts import register_notice_part

        from . import notice

        register_notice_part(notice)
