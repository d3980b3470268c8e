"""core.backends.RoleBackend: the permissions Django's ModelBackend gives, with the names
of the user's groups read in the same query, as the navigation shows them."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import roles
from core.backends import RoleBackend, role_names
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # no permission cached


def test_each_role_has_the_permissions_django_gives_and_its_name():
    for role in roles.ROLES:
        user = UserFactory(role=role)
        assert RoleBackend().get_group_permissions(fresh(user)) == (
            ModelBackend().get_group_permissions(fresh(user))
        )
        assert role_names(user) == [role]


def test_several_groups_one_without_permissions_in_their_order():
    user = UserFactory(role=roles.AUDITORS)
    empty = Group.objects.create(name="Readers <of> & more")
    user.groups.add(empty, Group.objects.get(name=roles.COMMITTEE))
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        permissions = user.get_group_permissions()
        names = role_names(user)
    assert len(queries) == 1
    assert names == [g.name for g in user.groups.order_by("pk")]
    assert "grants.approve_optiongrant" in permissions
    assert permissions == ModelBackend().get_group_permissions(fresh(user))


def test_a_user_without_groups_and_a_superuser():
    nobody = fresh(UserFactory())
    assert nobody.get_group_permissions() == set() and role_names(nobody) == []
    root = fresh(UserFactory(is_superuser=True))
    root.groups.add(Group.objects.get(name=roles.ADMINS))
    root = fresh(root)
    assert root.get_group_permissions() == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    assert role_names(root) == [roles.ADMINS]


def test_the_navigation_names_the_roles(client):
    user = UserFactory(role=roles.COMMITTEE)
    user.groups.add(Group.objects.get(name=roles.AUDITORS))
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f"{user.username} · {roles.COMMITTEE} · {roles.AUDITORS}</a>" in html
