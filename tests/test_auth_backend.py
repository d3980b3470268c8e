"""core.auth.PermissionsBackend: the same permissions as Django's ModelBackend, in one
query."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import roles
from core.auth import PermissionsBackend
from tests.factories import UserFactory


def fresh(user):
    """The user as a new request loads it: no permission caches."""
    return get_user_model().objects.get(pk=user.pk)


def both(user) -> tuple[set[str], set[str]]:
    return (
        ModelBackend().get_all_permissions(fresh(user)),
        PermissionsBackend().get_all_permissions(fresh(user)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_has_what_django_would_give_it_in_one_query(role):
    user = fresh(UserFactory(role=role))
    with CaptureQueriesContext(connection) as queries:
        permissions = PermissionsBackend().get_all_permissions(user)
        assert user.has_perm("grants.view_optiongrant")  # read from the cache
    assert len(queries) == 1
    assert permissions == ModelBackend().get_all_permissions(fresh(user))
    assert permissions == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


@pytest.mark.django_db
def test_own_permissions_and_several_groups_are_joined():
    user = UserFactory(role=roles.AUDITORS)
    user.groups.add(Group.objects.get(name=roles.COMMITTEE))
    user.user_permissions.add(Permission.objects.get(codename="add_stockprice"))
    django_says, we_say = both(user)
    assert we_say == django_says
    assert "grants.add_stockprice" in we_say
    assert "grants.approve_optiongrant" in we_say
    assert "grants.add_optiongrant" not in we_say


@pytest.mark.django_db
def test_a_user_with_no_role_has_no_permissions():
    assert both(UserFactory()) == (set(), set())


@pytest.mark.django_db
def test_a_superuser_has_every_permission():
    django_says, we_say = both(UserFactory(is_superuser=True))
    assert we_say == django_says
    assert len(we_say) == Permission.objects.count()


@pytest.mark.django_db
def test_an_inactive_user_has_none_whatever_their_role():
    user = UserFactory(role=roles.COMMITTEE, is_active=False)
    assert both(user) == (set(), set())
    assert not fresh(user).has_perm("grants.approve_optiongrant")


@pytest.mark.django_db
def test_signing_in_with_a_password_goes_through_this_backend(client):
    UserFactory(username="signer", role=roles.COMMITTEE)
    response = client.post(
        "/accounts/login/",
        {"username": "signer", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "core.auth.PermissionsBackend"
    assert client.get("/grants/").status_code == 200
