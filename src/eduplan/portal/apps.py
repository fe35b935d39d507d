from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "eduplan.portal"
    label = "portal"
    verbose_name = "公众门户 Portal"
