"""core.bulk.insert() and core.history.create_with_history(), which the grants import
writes with (COPY on PostgreSQL, bulk_create() elsewhere): the records come back with
their ids, each has its history and change-log entry, and a record saved afterwards the
usual way takes the next id."""

from datetime import date
from decimal import Decimal

import pytest

from compensation.models import Person
from core.bulk import insert
from core.history import create_with_history
from grants.models import OptionGrant, StockPlan, VestingInstallment
from workspace.models import Change

pytestmark = pytest.mark.django_db


def test_inserted_records_have_their_ids_and_the_next_save_does_not_collide():
    people = insert([Person(name=f"Person {n}") for n in range(3)])
    assert [p.pk for p in people] == sorted(p.pk for p in people)
    assert list(Person.objects.order_by("pk").values_list("pk", "name")) == [
        (p.pk, p.name) for p in people
    ]
    later = Person.objects.create(name="Saved later")
    assert later.pk > people[-1].pk
    assert not any(p._state.adding for p in people)


def test_records_written_with_history_are_in_the_change_log_with_their_values(django_user_model):
    user = django_user_model.objects.create(username="ca", first_name="Carla", last_name="Admin")
    plan = StockPlan.objects.create(name="1998 Plan")
    person = Person.objects.create(name="Dean Bogues")
    grant = OptionGrant(
        plan=plan,
        optionee=person,
        grant_date=date(2005, 7, 13),
        shares=40,
        exercise_price=Decimal("5.2500"),
        expiration_date=date(2015, 7, 13),
    )
    grant.apply_plan_defaults()
    grant.deadline = grant.expiration_date
    create_with_history([grant], OptionGrant, user)
    create_with_history(
        [VestingInstallment(grant=grant, vest_date=date(2006, 7, 13), shares=40)],
        VestingInstallment,
        user,
    )
    assert OptionGrant.objects.get(pk=grant.pk).exercise_price == Decimal("5.2500")
    assert grant.history.get().history_user == user
    added = Change.objects.get(record_type="grants.vestinginstallment")
    assert added.action == "+" and added.user_name == "Carla Admin"
    assert added.subject == (
        "Dean Bogues's option grant of 2005-07-13: installment of 40 shares vesting 2006-07-13"
    )
    assert ["shares", "40"] in added.details
    logged = Change.objects.get(record_type="grants.optiongrant")
    assert logged.person == "Dean Bogues" and ["exercise price", "$5.25"] in logged.details
