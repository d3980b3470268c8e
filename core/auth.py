"""Authentication backend: Django's ModelBackend, with a user's permissions read in one
query instead of two.

Every page checks permissions (the views and the navigation), so ModelBackend's two
queries (the user's own permissions, then their groups') run on every request. Here one
query reads both; the result is the same set, cached on the user object for the request
as ModelBackend caches it."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = permissions.values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows.order_by()}
        return user_obj._perm_cache
