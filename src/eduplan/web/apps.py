from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "eduplan.web"
    label = "web"
    verbose_name = "办公 Web"
