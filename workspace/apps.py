from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WorkspaceConfig(AppConfig):
    """The pages that span the domain (dashboard, officer review, approvals, history,
    imports) and the demo data: the top layer, which may use every other app."""

    name = "workspace"
    verbose_name = "Workspace"

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from core.history import history_rows_created

        from . import changes

        post_create_historical_record.connect(changes.on_save, dispatch_uid="change-log")
        history_rows_created.connect(changes.on_bulk, dispatch_uid="change-log-bulk")
        post_migrate.connect(_index_history, sender=self, dispatch_uid="change-log-migrate")


def _index_history(sender, using="default", **kwargs) -> None:
    """Records written before the change log existed are logged after `migrate`."""
    from . import changes

    changes.index_missing()
