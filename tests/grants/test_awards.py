"""Restricted stock awards and units (DOMAIN.md §4): the rules on small explicit cases,
and the SQL totals held to the per-award methods over random histories."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from compensation.models import Person
from grants.models import (
    AwardVesting,
    Election83b,
    OptionGrant,
    StockAward,
    StockPlan,
    StockPrice,
)
from grants.models.service import check_end_of_service, record_end_of_service
from tests.factories import PersonFactory, StockPlanFactory, UserFactory, make_award, make_grant

pytestmark = pytest.mark.django_db

GRANTED = date(2006, 3, 1)
SCHEDULE = [(date(2007, 3, 1), 1000), (date(2008, 3, 1), 1000), (date(2009, 3, 1), 2000)]


def end_service(person: Person, on: date, reason: str = "other") -> None:
    person.terminated_on, person.termination_reason = on, reason
    record_end_of_service(person)


# --- vesting as of a date ---------------------------------------------------------------


def test_an_award_vests_by_its_installments():
    award = make_award(SCHEDULE, grant_date=GRANTED)
    assert award.vested_shares(date(2006, 12, 31)) == 0
    assert award.vested_shares(date(2007, 3, 1)) == 1000  # on the vest date itself
    assert award.vested_shares(date(2008, 6, 30)) == 2000
    assert award.unvested_shares(date(2008, 6, 30)) == 2000
    assert award.vested_shares(date(2009, 3, 1)) == 4000
    assert award.unvested_shares(date(2005, 1, 1)) == 0  # before the grant: no award yet


def test_an_end_of_service_forfeits_the_installments_after_it_as_of_its_date():
    award = make_award(SCHEDULE, grant_date=GRANTED)
    end_service(award.recipient, date(2008, 1, 15))
    award.refresh_from_db()
    # As of a day before the termination, nothing is forfeited yet (DOMAIN.md §3).
    assert award.forfeited_shares(date(2007, 12, 31)) == 0
    assert award.unvested_shares(date(2007, 12, 31)) == 3000
    # From the termination date on, the installments after it are forfeited.
    assert award.forfeited_shares(date(2008, 1, 15)) == 3000
    assert award.vested_shares(date(2010, 1, 1)) == 1000
    assert award.unvested_shares(date(2008, 1, 15)) == 0
    states = award.installment_states(date(2008, 6, 1))
    assert [state for _, _, state in states] == ["Vested", "Forfeited", "Forfeited"]


# --- bad input: a clear message, nothing saved ------------------------------------------


@pytest.mark.parametrize(
    ("installments", "fields", "message"),
    [
        (SCHEDULE[:2], {"shares": 4000}, "add up to 2,000 shares, not the award's 4,000"),
        ([(date(2006, 2, 1), 4000)], {}, "vests before the grant date 2006-03-01"),
        (SCHEDULE + [(date(2009, 3, 1), 1)], {"shares": 4001}, "Two installments vest on"),
        ([], {"shares": 10}, "needs at least one vesting installment"),
    ],
)
def test_bad_installments_are_refused_and_nothing_is_saved(installments, fields, message):
    with pytest.raises(ValidationError, match=message):
        make_award(installments, grant_date=GRANTED, **fields)
    assert not StockAward.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"purchase_price": Decimal("-0.01")}, "purchase_price", "cannot be negative"),
        ({"withholding_rate": Decimal("1.01")}, "withholding_rate", "0.25 means 25 percent"),
        ({"withholding_rate": Decimal("-0.1")}, "withholding_rate", "from 0 to 1"),
        (
            {"award_type": "RSU", "election_83b": "intends"},
            "election_83b",
            "Only a restricted stock award has one",
        ),
        (
            {"election_83b": "filed", "election_83b_on": GRANTED + timedelta(days=31)},
            "election_83b_on",
            "within 30 days after the grant: by 2006-03-31, not 2006-04-01",
        ),
        (
            {"election_83b": "filed", "election_83b_on": GRANTED - timedelta(days=1)},
            "election_83b_on",
            "after the grant",
        ),
        ({"election_83b": "filed"}, "election_83b_on", "Enter the date"),
        (
            {"election_83b": "intends", "election_83b_on": GRANTED},
            "election_83b_on",
            "Only a filed election has a date",
        ),
    ],
)
def test_bad_terms_are_refused_on_their_field(fields, field, message):
    with pytest.raises(ValidationError) as refused:
        make_award(SCHEDULE, grant_date=GRANTED, **fields)
    assert any(message in text for text in refused.value.message_dict[field]), (
        refused.value.message_dict
    )
    assert not StockAward.objects.exists()


def test_a_grant_date_at_the_calendars_end_is_a_message_not_a_crash():
    with pytest.raises(ValidationError) as refused:
        make_award(
            [(date(9999, 12, 31), 10)],
            grant_date=date(9999, 12, 31),
            election_83b="filed",
            election_83b_on=date(9999, 12, 31),
        )
    assert "grant_date" in refused.value.message_dict


def test_an_election_filed_on_the_last_day_is_accepted():
    award = make_award(
        SCHEDULE, grant_date=GRANTED, election_83b="filed", election_83b_on=date(2006, 3, 31)
    )
    assert award.election_last_day == date(2006, 3, 31)


def test_the_database_refuses_an_election_on_a_unit():
    award = make_award(SCHEDULE, grant_date=GRANTED, award_type="RSU")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockAward.objects.filter(pk=award.pk).update(election_83b="intends")


# --- the plan's reserve -----------------------------------------------------------------


def test_awards_count_against_the_plans_reserve_as_options_do():
    plan = StockPlanFactory(shares_reserved=10_000)
    make_grant(
        [(date(2007, 1, 1), 6000)],
        grant_date=date(2006, 1, 1),
        expiration_date=date(2015, 12, 31),
        plan=plan,
    )
    make_award(SCHEDULE, grant_date=GRANTED, plan=plan)  # 6,000 + 4,000: full
    assert plan.shares_in_use(date(2006, 6, 1)) == 10_000
    with pytest.raises(ValidationError, match="none are left, not 1"):
        make_award([(date(2007, 6, 1), 1)], grant_date=date(2006, 6, 1), plan=plan)
    with pytest.raises(ValidationError, match="none are left, not 1"):
        make_grant(
            [(date(2007, 6, 1), 1)],
            grant_date=date(2006, 6, 1),
            expiration_date=date(2016, 5, 31),
            plan=plan,
        )


def test_forfeited_award_shares_return_to_the_reserve_on_the_termination_date():
    plan = StockPlanFactory(shares_reserved=4000)
    award = make_award(SCHEDULE, grant_date=GRANTED, plan=plan)
    end_service(award.recipient, date(2008, 1, 15))
    assert plan.shares_in_use(date(2008, 1, 14)) == 4000
    assert plan.shares_in_use(date(2008, 1, 15)) == 1000
    # The 3,000 returned can be granted again from that day, not before.
    make_award([(date(2009, 1, 1), 3000)], grant_date=date(2008, 1, 15), plan=plan)
    with pytest.raises(ValidationError, match="reserves 4,000 shares"):
        make_award([(date(2009, 1, 1), 1)], grant_date=date(2008, 1, 14), plan=plan)


# --- confirming vestings ----------------------------------------------------------------


@pytest.fixture
def officer():
    return UserFactory()


def test_a_vesting_withholds_the_rate_rounded_up_to_whole_shares(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.3333"))
    vesting = award.confirm_vesting(date(2007, 3, 1), withheld=None, by=officer)
    assert (vesting.shares, vesting.shares_withheld, vesting.net_shares) == (1000, 334, 666)


def test_a_typed_withholding_is_kept_and_checked(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED)
    with pytest.raises(ValidationError, match="enter the shares withheld"):
        award.confirm_vesting(date(2007, 3, 1), withheld=None, by=officer)
    with pytest.raises(ValidationError, match="from 0 to the 1,000 that vest"):
        award.confirm_vesting(date(2007, 3, 1), withheld=1001, by=officer)
    vesting = award.confirm_vesting(date(2007, 3, 1), withheld=400, by=officer)
    assert vesting.net_shares == 600
    assert not award.vestings_to_confirm(date(2007, 12, 31))


def test_a_filed_83b_election_withholds_nothing(officer):
    award = make_award(
        SCHEDULE,
        grant_date=GRANTED,
        withholding_rate=Decimal("0.4"),
        election_83b=Election83b.FILED,
        election_83b_on=date(2006, 3, 10),
    )
    assert award.confirm_vesting(date(2007, 3, 1), withheld=None, by=officer).shares_withheld == 0
    with pytest.raises(ValidationError, match="taxed at grant"):
        award.confirm_vesting(date(2008, 3, 1), withheld=10, by=officer)


def test_a_vesting_is_confirmed_once_and_only_once_it_has_happened(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.25"))
    with pytest.raises(ValidationError, match="has not vested yet"):
        award.confirm_vesting(date(2008, 3, 1), withheld=None, by=officer, today=date(2008, 2, 29))
    with pytest.raises(ValidationError, match="no installment on 2008-03-02"):
        award.confirm_vesting(date(2008, 3, 2), withheld=None, by=officer)
    award.confirm_vesting(date(2008, 3, 1), withheld=None, by=officer)
    with pytest.raises(ValidationError, match="already confirmed"):
        award.confirm_vesting(date(2008, 3, 1), withheld=None, by=officer)
    assert AwardVesting.objects.count() == 1


def test_a_forfeited_installment_cannot_be_confirmed(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.25"))
    end_service(award.recipient, date(2008, 1, 15))
    assert award.vestings_to_confirm(date(2010, 1, 1)) == [(date(2007, 3, 1), 1000)]
    with pytest.raises(ValidationError, match="was forfeited: service ended on 2008-01-15"):
        award.confirm_vesting(date(2008, 3, 1), withheld=None, by=officer)


def test_an_end_of_service_before_a_confirmed_vesting_is_refused(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.25"))
    award.confirm_vesting(date(2008, 3, 1), withheld=None, by=officer)
    person = award.recipient
    person.terminated_on, person.termination_reason = date(2008, 1, 15), "other"
    with pytest.raises(ValidationError, match="RSA of 2006-03-01: the vesting of 2008-03-01"):
        check_end_of_service(person)
    with pytest.raises(ValidationError):
        record_end_of_service(person)
    assert Person.objects.get(pk=person.pk).terminated_on is None


def test_the_value_realized_uses_the_price_on_the_vest_date_or_the_latest_before(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.25"))
    vesting = award.confirm_vesting(date(2007, 3, 1), withheld=None, by=officer)
    assert vesting.price_used() is None and vesting.value_realized() is None
    StockPrice.objects.create(date=date(2007, 2, 27), price=Decimal("3.1000"))
    assert vesting.price_used() == (date(2007, 2, 27), Decimal("3.1000"))
    StockPrice.objects.create(date=date(2007, 3, 1), price=Decimal("3.2500"))
    StockPrice.objects.create(date=date(2007, 3, 2), price=Decimal("9.9900"))  # later: unused
    assert vesting.price_used() == (date(2007, 3, 1), Decimal("3.2500"))
    assert vesting.value_realized() == Decimal("3250.0000")  # gross shares x price


def test_elections_due_are_those_intended_and_not_filed_with_their_last_day_within_10_days():
    today = date(2006, 3, 25)
    due = make_award(SCHEDULE, grant_date=GRANTED, election_83b="intends")  # last day 03-31
    make_award(SCHEDULE, grant_date=date(2006, 1, 1), election_83b="intends")  # past
    make_award(SCHEDULE, grant_date=date(2006, 3, 20), election_83b="intends")  # 04-19: later
    make_award(SCHEDULE, grant_date=GRANTED)  # not electing
    make_award(SCHEDULE, grant_date=GRANTED, election_83b="filed", election_83b_on=GRANTED)
    assert list(StockAward.objects.election_due(today)) == [due]


def test_approval_is_recorded_once_and_withdrawn_when_the_schedule_changes(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED)
    award.approve(by=officer, meeting="Compensation Committee")
    with pytest.raises(ValidationError, match="already approved"):
        award.approve(by=officer, meeting="Compensation Committee")
    award.set_installments([(date(2007, 3, 1), 4000)])
    award.refresh_from_db()
    assert award.approved_at is None
    assert "installments changed" in award.history.first().history_change_reason


# --- SQL totals equal the per-award methods ---------------------------------------------

DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2012, 12, 31))


@st.composite
def awards(draw):
    granted = draw(DAYS)
    offsets = draw(st.lists(st.integers(0, 2000), min_size=1, max_size=4, unique=True))
    rows = [(granted + timedelta(days=o), draw(st.integers(1, 5000))) for o in offsets]
    return granted, rows, draw(st.sampled_from(["RSA", "RSU"]))


class VestingTotalsAgree(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        people=st.lists(
            st.tuples(st.none() | DAYS, st.lists(awards(), min_size=1, max_size=2)),
            min_size=1,
            max_size=3,
        ),
        on=DAYS,
    )
    def test_sql_totals_equal_the_per_award_methods(self, people, on):
        plan = StockPlan.objects.create(name="Plan")
        for n, (ended, held) in enumerate(people):
            person = PersonFactory(name=f"Holder {n}")
            for granted, rows, kind in held:
                make_award(rows, recipient=person, grant_date=granted, award_type=kind, plan=plan)
            if ended:
                end_service(person, ended)
        for award in StockAward.objects.with_vesting_totals(on).select_related("recipient"):
            sql = (award.vested, award.unvested, award.forfeited)
            assert sql == (
                award.vested_shares(on),
                award.unvested_shares(on),
                award.forfeited_shares(on),
            ), (award.pk, on)
        # The plan's shares in use count the awards as granted less forfeited.
        granted = sum(a.shares for a in StockAward.objects.filter(grant_date__lte=on))
        forfeited = sum(
            a.forfeited_shares(on) for a in StockAward.objects.filter(grant_date__lte=on)
        )
        assert plan.shares_in_use(on) == granted - forfeited
        assert not OptionGrant.objects.exists()


def test_no_election_is_due_once_the_holders_service_has_ended():
    today = date(2006, 3, 25)
    award = make_award(SCHEDULE, grant_date=GRANTED, election_83b="intends")
    assert list(StockAward.objects.election_due(today)) == [award]
    end_service(award.recipient, date(2006, 3, 20))
    assert not StockAward.objects.election_due(today).exists()


def test_a_reserve_cannot_be_lowered_below_the_shares_awards_use():
    plan = StockPlanFactory(shares_reserved=10_000)
    make_award(SCHEDULE, grant_date=GRANTED, plan=plan)  # 4,000 shares, no options
    plan.shares_reserved = 100
    with pytest.raises(ValidationError, match="4,000 shares of this plan are in use"):
        plan.full_clean()
    plan.shares_reserved = 4000
    plan.full_clean()


def test_the_recipient_and_the_83b_status_stay_once_a_vesting_is_confirmed(officer):
    award = make_award(SCHEDULE, grant_date=GRANTED, withholding_rate=Decimal("0.25"))
    award.confirm_vesting(date(2007, 3, 1), withheld=None, by=officer)
    award.recipient = PersonFactory(name="Someone Else")
    award.election_83b, award.election_83b_on = "filed", date(2006, 3, 10)
    with pytest.raises(ValidationError) as refused:
        award.full_clean()
    assert "delivered to the recipient" in refused.value.message_dict["recipient"][0]
    assert "status cannot change" in refused.value.message_dict["election_83b"][0]
