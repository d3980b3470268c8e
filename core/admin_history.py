"""The admin's change history, readable but never a way to write.

django-simple-history's "Revert" screen saves whatever the posted form holds over the
current record: an approved salary could be reopened, changed, and "reverted" to the
approved version while keeping the new figure, forging the approval. Hiding the button
(SIMPLE_HISTORY_REVERT_DISABLED) does not stop a POST to that screen, so every history
screen here refuses to write; corrections go through the app's own rules."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def has_view_history_permission(self, request, obj=None) -> bool:
        """The change history is for committee members and auditors (and superusers):
        the historical model's own view permission, which compensation admins lack."""
        history = self.model.history.model._meta
        return request.user.has_perm(f"{history.app_label}.view_{history.model_name}")

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_history_permission(request):
            raise PermissionDenied("The change history is for committee members and auditors.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_view_history_permission(request):
            raise PermissionDenied("The change history is for committee members and auditors.")
        if request.method != "GET":
            raise PermissionDenied("The change history is read-only: it cannot revert a record.")
        return super().history_form_view(request, object_id, version_id, extra_context)
