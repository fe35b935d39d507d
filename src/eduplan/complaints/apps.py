from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "eduplan.complaints"
    label = "complaints"
    verbose_name = "家长投诉 Complaints"
