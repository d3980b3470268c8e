from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def get_object_for_user(user, queryset: type[M] | QuerySet[M], perm: str, **lookup) -> M:
    """Fetch one object and check that the user holds `perm`, together.

    The permission is checked first, so a user without it learns nothing (403, never 404).
    """
    if not user.has_perm(perm):
        raise PermissionDenied
    return get_object_or_404(queryset, **lookup)
