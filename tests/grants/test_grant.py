"""OptionGrant's rules on small explicit cases: the seed grant and DOMAIN.md's examples."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compensation.models import Person
from grants import demo
from grants.models import (
    Exercise,
    GrantStatus,
    OptionGrant,
    RegistrationPeriod,
    StockPrice,
    VestingInstallment,
)
from grants.models.service import record_end_of_service
from tests.factories import PersonFactory, RegistrationPeriodFactory, StockPlanFactory, make_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(db):
    return RegistrationPeriodFactory(start_date=date(2005, 7, 13))


@pytest.fixture
def seed_grant(registered):
    return make_grant(
        demo.INSTALLMENTS,
        optionee=PersonFactory(name=demo.OPTIONEE),
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
        exercise_price=demo.EXERCISE_PRICE,
    )


def refused(grant, shares, on, payment="cash") -> ValidationError:
    before = Exercise.objects.count()
    with pytest.raises(ValidationError) as error:
        grant.exercise(shares, on, payment)
    assert Exercise.objects.count() == before, "a refused exercise saved something"
    return error.value


# --- vesting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "vested"),
    [
        (date(2005, 7, 12), 0),
        (date(2005, 7, 13), 100_000),  # vested at the start of the vest date
        (date(2006, 7, 12), 100_000),
        (date(2006, 7, 13), 325_000),
        (date(2006, 12, 31), 381_250),
        (date(2009, 7, 12), 943_750),
        (date(2009, 7, 13), 1_000_000),
    ],
)
def test_the_seed_grant_vests_as_the_exhibit_says(seed_grant, on, vested):
    assert seed_grant.vested_shares(on) == vested
    # Before its grant date the grant does not exist yet: nothing is unvested either.
    granted = on >= seed_grant.grant_date
    assert seed_grant.unvested_shares(on) == (1_000_000 - vested if granted else 0)


def test_the_seed_grant_expires_on_its_term(seed_grant):
    assert seed_grant.exercise_deadline() == date(2015, 7, 13)
    assert seed_grant.exercisable_shares(date(2015, 7, 13)) == 1_000_000
    assert seed_grant.exercisable_shares(date(2015, 7, 14)) == 0


def test_after_termination_only_installments_up_to_that_date_vest(seed_grant):
    person = seed_grant.optionee
    person.terminated_on = date(2007, 2, 1)
    person.termination_reason = Person.TerminationReason.OTHER
    record_end_of_service(person)
    grant = OptionGrant.objects.get(pk=seed_grant.pk)
    assert grant.vested_shares(date(2009, 1, 1)) == 437_500
    assert grant.forfeited_shares() == 562_500
    # As of a day before the termination nothing is forfeited yet (DOMAIN.md §3).
    assert grant.forfeited_shares(date(2007, 1, 31)) == 0
    assert grant.forfeited_shares(date(2007, 2, 1)) == 562_500
    assert grant.unvested_shares(date(2007, 1, 1)) == 618_750
    assert grant.unvested_shares(date(2007, 2, 1)) == 0
    assert grant.deadline_on(date(2007, 1, 31)).day == grant.expiration_date
    assert grant.deadline == grant.exercise_deadline() == date(2007, 5, 1)
    assert grant.exercisable_shares(date(2007, 5, 1)) == 437_500
    assert grant.exercisable_shares(date(2007, 5, 2)) == 0


def test_a_termination_needs_its_reason(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(terminated_on=date(2007, 2, 1), termination_reason="")


def test_a_registration_gap_moves_the_stored_deadline(seed_grant):
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    RegistrationPeriod.objects.update(end_date=date(2007, 3, 1))
    RegistrationPeriod.objects.create(start_date=date(2007, 4, 1), basis="Form S-8 refiled")
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2007, 5, 31)
    assert seed_grant.exercisable_shares(date(2007, 3, 15)) == 0  # not registered that day
    assert seed_grant.exercisable_shares(date(2007, 5, 31)) == 437_500
    # Given the periods already read, the answer is the same, day by day.
    periods = RegistrationPeriod.objects.periods()
    for offset in range(0, 200, 3):
        day = date(2007, 1, 1) + timedelta(days=offset)
        assert seed_grant.exercisable_shares(day, periods) == seed_grant.exercisable_shares(day)


# --- validation of the grant ------------------------------------------------------------


def test_installments_must_sum_to_the_grant(seed_grant):
    VestingInstallment.objects.filter(grant=seed_grant, vest_date=date(2009, 7, 13)).delete()
    # Whatever saves installments checks them, given explicitly (the forms, the import,
    # create_with_installments); here the stored ones.
    with pytest.raises(
        ValidationError, match="add up to 943,750 shares, not the grant's 1,000,000"
    ):
        seed_grant.validate_installments(seed_grant.installment_rows())


def test_a_vest_date_before_the_grant_is_refused(registered):
    with pytest.raises(ValidationError, match="before the grant date"):
        make_grant([(date(2005, 7, 12), 10), (date(2006, 7, 13), 10)])
    assert OptionGrant.objects.count() == 0


def test_a_vest_date_after_expiration_is_refused(registered):
    with pytest.raises(ValidationError, match="after the expiration date"):
        make_grant([(date(2016, 1, 1), 10)], expiration_date=date(2015, 7, 13))


def test_vest_dates_are_distinct(registered):
    with pytest.raises(ValidationError, match="Two installments vest on 2006-07-13"):
        make_grant([(date(2006, 7, 13), 10), (date(2006, 7, 13), 10)])


def test_the_database_refuses_two_installments_on_one_date(seed_grant):
    with pytest.raises(IntegrityError), transaction.atomic():
        VestingInstallment.objects.create(grant=seed_grant, vest_date=date(2005, 7, 13), shares=1)


def test_the_term_is_at_most_ten_years(registered):
    with pytest.raises(ValidationError, match="must expire by 2015-07-13"):
        make_grant(expiration_date=date(2015, 7, 14))
    assert make_grant(expiration_date=date(2015, 7, 13)).pk


def test_the_exercise_price_may_not_be_below_the_grant_date_fair_value(registered):
    StockPrice.objects.create(date=date(2005, 7, 13), price=Decimal("3.10"))
    with pytest.raises(ValidationError, match=r"below the fair market value \$3.1"):
        make_grant(exercise_price=Decimal("2.99"))
    assert make_grant(exercise_price=Decimal("3.10")).pk


@pytest.mark.parametrize(("field", "value"), [("shares", 0), ("exercise_price", Decimal("-0.01"))])
def test_the_database_backs_the_row_rules(seed_grant, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        OptionGrant.objects.filter(pk=seed_grant.pk).update(**{field: value})


def test_plan_defaults_flow_into_new_grants_and_can_be_overridden(registered):
    plan = StockPlanFactory(name="Plan with long windows", minimum_exercise_shares=500)
    plan.post_termination_months = 6
    plan.save()
    inherited = make_grant(plan=plan)
    assert inherited.minimum_exercise_shares == 500
    assert inherited.post_termination_months == 6
    assert inherited.death_months == 18
    overridden = make_grant(plan=plan, minimum_exercise_shares=100, optionee=PersonFactory())
    assert overridden.minimum_exercise_shares == 100


# --- exercise --------------------------------------------------------------------------


def test_a_valid_exercise_is_saved_with_its_price_and_spread(seed_grant):
    StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("4.50"))
    exercise = seed_grant.exercise(10_000, date(2007, 3, 1), "regulation_t")
    assert exercise.shares == 10_000
    assert exercise.aggregate_price == Decimal("29900")
    assert exercise.fair_market_value == Decimal("4.50")
    assert exercise.spread == Decimal("15100")
    assert seed_grant.exercisable_shares(date(2007, 3, 1)) == 437_500 - 10_000


def test_an_exercise_without_a_recorded_price_has_no_spread(seed_grant):
    exercise = seed_grant.exercise(1000, date(2007, 3, 1))
    assert exercise.fair_market_value is None and exercise.spread is None


@pytest.mark.parametrize("shares", [1000.5, "1000.5", Decimal("0.5"), "abc", "", None, True])
def test_fractional_or_non_numeric_shares_are_refused(seed_grant, shares):
    error = refused(seed_grant, shares, date(2007, 3, 1))
    assert error.code == "whole_shares"


@pytest.mark.parametrize("shares", [0, -5])
def test_zero_or_negative_shares_are_refused(seed_grant, shares):
    assert refused(seed_grant, shares, date(2007, 3, 1)).code == "positive_shares"


def test_a_whole_number_written_as_text_is_accepted(seed_grant):
    assert seed_grant.exercise("2,000", date(2007, 3, 1)).shares == 2000


def test_an_exercise_before_the_grant_date_is_refused(seed_grant):
    assert refused(seed_grant, 1000, date(2005, 7, 12)).code == "before_grant"


def test_an_exercise_after_the_deadline_is_refused(seed_grant):
    error = refused(seed_grant, 1000, date(2015, 7, 14))
    assert error.code == "after_deadline"
    assert "2015-07-13" in error.message


def test_an_exercise_on_an_unregistered_day_is_refused(seed_grant):
    RegistrationPeriod.objects.update(end_date=date(2007, 3, 1))
    error = refused(seed_grant, 1000, date(2007, 3, 2))
    assert error.code == "not_registered"
    assert "paragraph 4" in error.message


def test_nothing_is_exercisable_without_any_registration(db):
    grant = make_grant()
    assert grant.exercisable_shares(date(2009, 1, 1)) == 0
    assert refused(grant, 1000, date(2009, 1, 1)).code == "not_registered"


def test_more_than_exercisable_is_refused(seed_grant):
    error = refused(seed_grant, 381_251, date(2006, 12, 31))
    assert error.code == "more_than_exercisable"
    assert "at most 381,250 shares can be exercised" in error.message
    seed_grant.exercise(381_250, date(2006, 12, 31))
    assert refused(seed_grant, 1000, date(2006, 12, 31)).code == "more_than_exercisable"


def test_an_exercise_below_the_minimum_is_refused(seed_grant):
    error = refused(seed_grant, 999, date(2007, 3, 1))
    assert error.code == "minimum_exercise"
    assert "at least 1,000 shares" in error.message


def test_a_small_installment_may_be_exercised_whole(registered):
    grant = make_grant([(date(2005, 7, 13), 600), (date(2006, 7, 13), 5000)])
    assert refused(grant, 500, date(2005, 8, 1)).code == "minimum_exercise"
    assert grant.exercise(600, date(2005, 8, 1)).shares == 600


def test_the_final_exercise_has_no_minimum(registered):
    grant = make_grant([(date(2005, 7, 13), 5000), (date(2006, 7, 13), 5000)])
    grant.exercise(9_300, date(2006, 8, 1))
    assert refused(grant, 600, date(2006, 8, 1)).code == "minimum_exercise"
    assert grant.exercise(700, date(2006, 8, 1)).shares == 700
    assert grant.exercisable_shares(date(2006, 8, 2)) == 0


def test_the_final_exercise_after_termination_counts_only_unforfeited_shares(registered):
    person = PersonFactory()
    grant = make_grant([(date(2005, 7, 13), 5000), (date(2006, 7, 13), 5000)], optionee=person)
    grant.exercise(4_500, date(2005, 8, 1))
    person.terminated_on, person.termination_reason = date(2006, 1, 1), "other"
    record_end_of_service(person)
    grant = OptionGrant.objects.get(pk=grant.pk)
    assert grant.outstanding_shares() == 500
    assert grant.exercise(500, date(2006, 2, 1)).shares == 500


def test_an_unsupported_payment_method_is_refused(seed_grant):
    assert refused(seed_grant, 1000, date(2007, 3, 1), "barter").code == "payment_method"


def test_exercises_are_numbered_in_order_and_the_database_refuses_a_duplicate(seed_grant):
    first = seed_grant.exercise(1000, date(2007, 3, 1))
    second = seed_grant.exercise(1000, date(2007, 3, 2))
    assert (first.sequence, second.sequence) == (1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.create(
            grant=seed_grant,
            sequence=2,
            exercise_date=date(2007, 3, 3),
            shares=1000,
            aggregate_price=Decimal("2990"),
        )


def test_a_grant_with_exercises_cannot_be_deleted(seed_grant):
    seed_grant.exercise(1000, date(2007, 3, 1))
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        seed_grant.delete()


def test_a_back_dated_exercise_counts_later_exercises(registered):
    grant = make_grant([(date(2005, 7, 13), 5000), (date(2006, 7, 13), 5000)])
    grant.exercise(8000, date(2006, 8, 1))
    # On 2006-01-01 5,000 were vested, but by 2006-08-01 10,000 were and 8,000 of them
    # were exercised then: a late entry may take only the 2,000 left on that later day.
    error = refused(grant, 3000, date(2006, 1, 1))
    assert error.code == "more_than_exercisable"
    assert "at most 2,000 shares" in error.message
    assert "2006-08-01" in error.message
    assert grant.exercise(2000, date(2006, 1, 1)).shares == 2000


def test_a_grant_forfeited_whole_is_never_fully_exercised(registered):
    grant = make_grant([(date(2006, 7, 13), 5000), (date(2007, 7, 13), 5000)])
    # Service ends before the first installment.
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2005, 12, 1), "other"
    record_end_of_service(person)
    grant.refresh_from_db()
    assert grant.forfeited_shares() == grant.shares
    assert grant.status_on(date(2005, 12, 15)) == GrantStatus.TERMINATED
    assert grant.status_on(date(2006, 6, 1)) == GrantStatus.EXPIRED
    for on, status in [(date(2005, 12, 15), "terminated"), (date(2006, 6, 1), "expired")]:
        annotated = OptionGrant.objects.with_vesting_totals(on).with_status(on).get()
        assert annotated.status == status
        assert list(OptionGrant.objects.with_status_of(status, on)) == [grant]
        assert not OptionGrant.objects.with_status_of("exercised", on).exists()


def test_a_grant_whose_vested_shares_are_exercised_and_rest_forfeited_is_closed(seed_grant):
    seed_grant.exercise(381_250, date(2006, 12, 31))
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 1, 1), "other"
    record_end_of_service(person)
    seed_grant.refresh_from_db()
    # Mostly forfeited, partly exercised: not "Fully exercised" (issue 12, point 8).
    assert seed_grant.status_on(date(2007, 1, 2)) == GrantStatus.CLOSED
    assert list(OptionGrant.objects.with_status_of("closed", date(2007, 1, 2))) == [seed_grant]
    assert not OptionGrant.objects.with_status_of("exercised", date(2007, 1, 2)).exists()
    # Before the termination it was an active grant, partly exercised.
    assert seed_grant.status_on(date(2006, 12, 31)) == GrantStatus.ACTIVE
