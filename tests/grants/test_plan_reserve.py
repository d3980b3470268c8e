"""The plan's share reserve (DOMAIN.md §2): granted minus forfeited and expired shares
count against it, and no grant may take them past it."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from grants.models import OptionGrant, StockPlan
from grants.models.plan import Peak
from grants.models.service import record_end_of_service
from reports.definitions import REPORTS
from tests.factories import (
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    make_grant,
)
from tests.grants.test_grant_form import new_grant_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    RegistrationPeriodFactory(start_date=date(2000, 1, 1))  # registered throughout
    return StockPlanFactory(name="Small Plan", shares_reserved=100_000)


def vesting(grant_date: date, shares: int) -> list[tuple[date, int]]:
    """Four equal yearly installments from the grant date."""
    return [(date(grant_date.year + k, grant_date.month, 1), shares // 4) for k in range(1, 5)]


def grant(plan, shares: int, on: date = date(2010, 3, 1), **fields) -> OptionGrant:
    fields.setdefault("expiration_date", date(on.year + 10, on.month, on.day))
    return make_grant(vesting(on, shares), plan=plan, grant_date=on, **fields)


def refusal(error: pytest.ExceptionInfo) -> str:
    [message] = error.value.message_dict["shares"]
    return message


def test_grants_fit_until_the_reserve_is_used_up_then_are_refused(plan):
    grant(plan, 60_000)
    with pytest.raises(ValidationError) as error:
        grant(plan, 50_000, on=date(2010, 6, 1))
    assert refusal(error) == (
        "The Small Plan reserves 100,000 shares and 60,000 are in use on the grant date "
        "(granted, less forfeited and expired): only 40,000 are left, not 50,000."
    )
    assert error.value.error_dict["shares"][0].code == "over_plan_reserve"
    assert OptionGrant.objects.count() == 1  # nothing saved
    grant(plan, 40_000, on=date(2010, 6, 1))  # exactly what is left
    with pytest.raises(ValidationError, match="none are left, not 4"):
        grant(plan, 4, on=date(2011, 1, 1))


def test_a_plan_without_a_recorded_reserve_takes_any_grant():
    plan = StockPlanFactory(name="Unrecorded", shares_reserved=None)
    grant(plan, 2_000_000)
    grant(plan, 2_000_000)
    assert OptionGrant.objects.filter(plan=plan).count() == 2


def test_forfeited_shares_return_on_the_termination_date(plan):
    person = PersonFactory()
    grant(plan, 100_000, on=date(2010, 3, 1), optionee=person)  # 25,000 a year from 2011
    person.terminated_on, person.termination_reason = date(2011, 6, 30), "other"
    record_end_of_service(person)  # 75,000 shares after the termination are forfeited
    with pytest.raises(ValidationError, match="none are left"):
        grant(plan, 1_000, on=date(2011, 6, 29))
    grant(plan, 1_000, on=date(2011, 6, 30))
    assert plan.shares_in_use(date(2011, 6, 30)) == 100_000 - 75_000 + 1_000


def test_vested_shares_not_exercised_return_when_the_window_closes(plan):
    person = PersonFactory()
    grant(plan, 100_000, on=date(2010, 3, 1), optionee=person)
    person.terminated_on, person.termination_reason = date(2012, 3, 15), "other"
    record_end_of_service(
        person
    )  # 50,000 vested and 50,000 forfeited; the window closes 2012-06-15
    [old] = OptionGrant.objects.filter(plan=plan)
    assert old.deadline == date(2012, 6, 15)
    assert plan.shares_in_use(date(2012, 6, 15)) == 50_000
    assert plan.shares_in_use(date(2012, 6, 16)) == 0
    with pytest.raises(ValidationError, match="only 50,000 are left, not 60,000"):
        grant(plan, 60_000, on=date(2012, 6, 15))
    grant(plan, 100_000, on=date(2012, 6, 16))


def test_a_backdated_grant_is_refused_when_it_would_overdraw_a_later_day(plan):
    person = PersonFactory()
    grant(plan, 80_000, on=date(2010, 3, 1), optionee=person)
    person.terminated_on, person.termination_reason = date(2010, 12, 31), "other"
    record_end_of_service(
        person
    )  # all 80,000 forfeited at the end of 2010 (the first vests in 2011)
    grant(plan, 90_000, on=date(2011, 3, 1))
    # On 2010-06-01 only 80,000 are in use, but on 2011-03-01 the 90,000 grant is too.
    assert plan.shares_in_use_peak(date(2010, 6, 1)) == Peak(90_000, date(2011, 3, 1))
    with pytest.raises(ValidationError) as error:
        grant(plan, 15_000, on=date(2010, 6, 1))
    assert refusal(error) == (
        "The Small Plan reserves 100,000 shares and 90,000 are in use on 2011-03-01 "
        "(granted, less forfeited and expired): only 10,000 are left, not 15,000."
    )


def test_an_edit_is_checked_only_when_it_could_use_more_of_the_reserve(plan):
    first = grant(plan, 60_000)
    grant(plan, 40_000, on=date(2010, 4, 1))
    first.exercise_price = Decimal("3.50")  # the same shares on the same day: no check
    first.full_clean()
    first.grant_date = date(2010, 3, 15)  # later, the same shares: cannot use more
    first.full_clean()
    first.shares = 60_004
    with pytest.raises(ValidationError, match="only 60,000 are left, not 60,004"):
        first.full_clean()
    first.refresh_from_db()
    other = StockPlanFactory(name="Tiny Plan", shares_reserved=1_000)
    first.plan = other
    with pytest.raises(ValidationError, match="The Tiny Plan reserves 1,000 shares"):
        first.full_clean()


def test_the_reserve_cannot_be_lowered_below_what_is_in_use(plan):
    grant(plan, 60_000)
    plan.shares_reserved = 59_999
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert error.value.message_dict["shares_reserved"] == [
        "60,000 shares of this plan are in use on 2010-03-01 (granted, less forfeited and "
        "expired): the reserve cannot be less than that."
    ]
    plan.shares_reserved = 60_000
    plan.full_clean()
    plan.save()
    StockPlan.objects.filter(pk=plan.pk).update(shares_reserved=50_000)  # as if long ago
    plan.refresh_from_db()
    plan.notes = "Amended"
    plan.full_clean()  # the reserve is not being lowered: other fields can be edited


def test_the_new_grant_page_shows_the_refusal_and_saves_nothing(client_for, plan):
    grant(plan, 95_000, on=date(2005, 1, 3))
    person = PersonFactory(name="Pat Newhire")
    rows = [(date(2006, 7, 13), 10_000)]
    data = new_grant_data(plan, person, rows, shares="10000")
    response = client_for("compadmin").post("/grants/new/", data)
    assert response.status_code == 200
    assert "only 5,000 are left, not 10,000" in response.content.decode()
    assert not OptionGrant.objects.filter(optionee=person).exists()


def test_the_admin_refuses_a_lower_reserve_with_the_reason(client_for, plan):
    grant(plan, 60_000)
    data = {
        "name": plan.name,
        "shares_reserved": "50000",
        "minimum_exercise_shares": "1000",
        "post_termination_months": "3",
        "disability_months": "12",
        "death_months": "18",
        "notes": "",
    }
    url = f"/admin/grants/stockplan/{plan.pk}/change/"
    response = client_for("compadmin").post(url, data)
    assert response.status_code == 200
    assert "the reserve cannot be less than that" in response.content.decode()
    plan.refresh_from_db()
    assert plan.shares_reserved == 100_000


def test_the_plan_pool_report_agrees_with_the_shares_in_use():
    call_command("generate_scale_data", optionees=40, seed=5, stdout=StringIO())
    report = REPORTS["plan-pool"]
    for on in (date(2017, 6, 30), date(2020, 12, 31), date(2023, 1, 1), date(2026, 6, 30)):
        pools = {row["plan"]: row for row in report.from_data({"as_of": on}).rows()}
        for plan in StockPlan.objects.all():
            assert pools[plan.name]["available"] >= 0  # the data keeps within its reserves
            assert plan.shares_reserved - pools[plan.name]["available"] == plan.shares_in_use(on), (
                plan.name,
                on,
            )
