from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

M = TypeVar("M", bound=Model)


def get_object_for_user(user, queryset: type[M] | QuerySet[M], perm: str, **lookup) -> M:
    """Fetch one object and check that the user holds `perm`, together.

    The permission is checked first, so a user without it learns nothing (403, never 404).
    """
    if not user.has_perm(perm):
        raise PermissionDenied
    return get_object_or_404(queryset, **lookup)


def safe_next(request, default: str) -> str:
    """The page to go back to after an action: the form's or the link's `next`, if it is a
    path on this site, else `default` (never another site: an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
