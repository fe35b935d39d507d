from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "eduplan.registry"
    label = "registry"
    verbose_name = "登记册 Registry"
