from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "eduplan.security"
    verbose_name = "安全 Security"

    def ready(self) -> None:
        from eduplan.accounts import throttle

        from . import checks  # noqa: F401 - registers the deploy checks

        throttle.connect()
