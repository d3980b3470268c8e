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


def test_simultaneous_identical_submissions_record_one_exercise(client_for):
    from core.submissions import new_token

    RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant([(date(2005, 7, 13), 100_000)], expiration_date=date(2015, 7, 13))
    data = {
        "exercise_date": "2006-01-01",
        "shares": "3000",
        "payment_method": "cash",
        "submission_token": new_token(),  # one page, submitted eight times at once
    }
    clients = [client_for("compadmin") for _ in range(THREADS)]
    outcomes = race(lambda c: c.post(f"/grants/{grant.pk}/exercise/", data), clients)
    assert sorted(r.status_code for r in outcomes) == [200] * (THREADS - 1) + [302]
    assert Exercise.objects.filter(grant=grant).count() == 1
    refused = [r for r in outcomes if r.status_code == 200]
    assert all("already submitted" in r.content.decode() for r in refused)


def test_concurrent_exercises_in_the_admin_are_refused_not_500(client_for):
    RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant([(date(2005, 7, 13), 10_000)], expiration_date=date(2015, 7, 13))
    data = {
        "grant": grant.pk,
        "exercise_date": "2006-01-01",
        "shares": "3000",
        "payment_method": "cash",
    }
    clients = [client_for("compadmin") for _ in range(THREADS)]
    outcomes = race(lambda c: c.post("/admin/grants/exercise/add/", data), clients)
    assert all(r.status_code in (200, 302) for r in outcomes)
    assert sum(e.shares for e in Exercise.objects.filter(grant=grant)) == 9000


def test_edits_and_exercises_of_one_grant_at_once_never_deadlock():
    """The data version's token (core/data_version.py) is locked only at commit, after
    every other lock a transaction takes: an edit (the plan's row, then the grant's) and
    an exercise (the grant's row, then its insert) never wait on each other in a cycle.
    The figures kept before follow every one of them."""
    from reports.definitions import REPORTS

    RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant([(date(2005, 7, 13), 100_000)], expiration_date=date(2015, 7, 13))
    on = date(2006, 1, 1)

    def pool_exercised() -> int:
        [row] = REPORTS["plan-pool"]({"as_of": on}).rows()
        return row["exercised"]

    assert pool_exercised() == 0  # and kept

    def attempt(kind: str) -> object:
        own = OptionGrant.objects.get(pk=grant.pk)
        if kind == "exercise":
            return own.exercise(1000, on)
        own.notes = "Edited while exercised"
        own.save()
        return own

    outcomes = race(attempt, ["exercise", "edit"] * (THREADS // 2))
    assert not [o for o in outcomes if isinstance(o, ValidationError)]
    assert Exercise.objects.filter(grant=grant).count() == THREADS // 2
    assert pool_exercised() == 1000 * (THREADS // 2)
