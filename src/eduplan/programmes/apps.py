from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "eduplan.programmes"
    label = "programmes"
    verbose_name = "专项工作 Programmes"
