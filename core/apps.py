from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Tranche"

    def ready(self) -> None:
        from . import fiscal  # noqa: F401  (registers the fiscal year-end's system check)
