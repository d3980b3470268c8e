"""The authentication backend: Django's ModelBackend, reading the user's groups (their
roles) with the groups' permissions in one query.

Why: every signed-in page checks permissions (the navigation does) and names the user's
roles beside the username; Django reads the groups' permissions and the groups' names in
two queries. Reading them together takes one query off every page."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group


class RoleBackend(ModelBackend):
    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:  # every permission, as ModelBackend gives
            return super().get_group_permissions(user_obj, obj)
        if not hasattr(user_obj, "_group_perm_cache"):
            rows = (
                Group.objects.filter(user=user_obj)
                .values_list(
                    "name", "permissions__content_type__app_label", "permissions__codename"
                )
                .order_by("pk")
            )
            names: dict[str, None] = {}  # in the groups' order, each once
            permissions = set()
            for name, app_label, codename in rows:
                names[name] = None
                if codename is not None:  # a group without permissions: one row of NULLs
                    permissions.add(f"{app_label}.{codename}")
            user_obj._group_perm_cache = permissions
            user_obj._role_names = list(names)
        return user_obj._group_perm_cache


def role_names(user) -> list[str]:
    """The names of the user's groups, in their order: read with the groups' permissions
    by RoleBackend where it has read them, on their own otherwise (a superuser's)."""
    if not hasattr(user, "_role_names") and user.is_active and not user.is_superuser:
        user.get_group_permissions()  # reads the names too
    if not hasattr(user, "_role_names"):
        user._role_names = list(user.groups.order_by("pk").values_list("name", flat=True))
    return user._role_names
