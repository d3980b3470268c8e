"""Two exercises recorded at the same time never together exceed the exercisable shares;
two grants made at the same time never together take a plan past its reserve."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants.models import Exercise, OptionGrant
from tests.factories import (
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    make_grant,
)

# SQLite serializes writers with IMMEDIATE transactions; the row lock is PostgreSQL's.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 8


def race(attempt, arguments: list) -> list[object]:
    """Run `attempt(argument)` for each argument in its own thread and connection, all
    released at once; each outcome is what it returned or the ValidationError it raised."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=10)
            try:
                result: object = attempt(argument)
            except ValidationError as error:
                result = error
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(arguments)
    return outcomes


def test_concurrent_exercises_never_exceed_what_was_exercisable():
    RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant([(date(2005, 7, 13), 10_000)], expiration_date=date(2015, 7, 13))
    # Each thread exercises through its own copy of the grant.
    copies = [OptionGrant.objects.get(pk=grant.pk) for _ in range(THREADS)]
    outcomes = race(lambda own: own.exercise(3000, date(2006, 1, 1)), copies)

    saved = [o for o in outcomes if isinstance(o, Exercise)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(saved) == 3  # 3 x 3,000 fit in 10,000; a fourth would not
    assert all(error.code == "more_than_exercisable" for error in refused)
    assert sum(e.shares for e in Exercise.objects.filter(grant=grant)) == 9000
    assert sorted(Exercise.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_concurrent_grants_never_take_a_plan_past_its_reserve():
    plan = StockPlanFactory(name="Race Plan", shares_reserved=10_000)
    people = [PersonFactory() for _ in range(THREADS)]
    outcomes = race(
        lambda person: make_grant([(date(2006, 7, 13), 4000)], plan=plan, optionee=person),
        people,
    )

    saved = [o for o in outcomes if isinstance(o, OptionGrant)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(saved) == 2  # 2 x 4,000 fit in 10,000; a third would not
    assert all(e.error_dict["shares"][0].code == "over_plan_reserve" for e in refused)
    assert OptionGrant.objects.filter(plan=plan).count() == 2
