from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "eduplan.common"
    label = "common"
    verbose_name = "公共 Common"

    def ready(self) -> None:
        from . import versions

        versions.connect()
