from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Tranche"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import fiscal  # noqa: F401  (registers the fiscal year-end's system check)

        post_migrate.connect(install_data_version_triggers, sender=self)


def install_data_version_triggers(sender, using: str = "default", **kwargs) -> None:
    """After every migrate (and every flush): the data version's triggers, on every table
    of the apps that track writes (core/data_version.py)."""
    from django.db import connections

    from .data_version import install_triggers

    install_triggers(connections[using])
