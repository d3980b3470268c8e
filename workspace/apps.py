from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The pages that span the domain (dashboard, officer review, approvals, history,
    imports) and the demo data: the top layer, which may use every other app."""

    name = "workspace"
    verbose_name = "Workspace"
