"""The SQL totals of OptionGrantQuerySet agree with the per-grant methods."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from compensation.models import Person
from grants.models import Exercise, OptionGrant, RegistrationPeriod, StockPlan, VestingInstallment

FIELDS = ("vested", "unvested", "forfeited", "exercised", "exercisable", "status")
day = st.dates(min_value=date(2004, 1, 1), max_value=date(2012, 12, 31))


@st.composite
def grant_specs(draw):
    grant_date = draw(st.dates(min_value=date(2004, 1, 1), max_value=date(2008, 12, 31)))
    offsets = draw(st.lists(st.integers(0, 3000), min_size=1, max_size=8, unique=True))
    installments = [(grant_date + timedelta(days=o), draw(st.integers(1, 5000))) for o in offsets]
    termination = draw(
        st.one_of(
            st.none(),
            st.tuples(
                st.dates(min_value=grant_date, max_value=date(2013, 1, 1)),
                st.sampled_from(["other", "disability", "death"]),
            ),
        )
    )
    exercises = draw(st.lists(st.tuples(day, st.integers(1, 3000)), max_size=3))
    return grant_date, installments, termination, exercises


def per_grant(grant: OptionGrant, on: date) -> dict[str, int]:
    return {
        "vested": grant.vested_shares(on),
        "unvested": grant.unvested_shares(on),
        "forfeited": grant.forfeited_shares(on),
        "exercised": grant.exercised_shares(on),
        "exercisable": grant.exercisable_shares(on),
        "status": grant.status_on(on),
    }


class VestingTotalsAgree(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        specs=st.lists(grant_specs(), min_size=1, max_size=4),
        gap=st.one_of(st.none(), st.tuples(day, st.integers(1, 200))),
        on=day,
    )
    def test_sql_totals_equal_the_per_grant_methods(self, specs, gap, on):
        if gap is None:
            RegistrationPeriod.objects.create(start_date=date(2004, 1, 1), basis="S-8")
        else:
            start, length = gap
            RegistrationPeriod.objects.create(
                start_date=date(2004, 1, 1), end_date=start, basis="S-8"
            )
            RegistrationPeriod.objects.create(
                start_date=start + timedelta(days=length), basis="S-8 again"
            )
        plan = StockPlan.objects.create(name="Plan")
        for n, (grant_date, installments, termination, exercises) in enumerate(specs):
            person = Person.objects.create(name=f"Optionee {n}")
            grant = OptionGrant.objects.create(
                plan=plan,
                optionee=person,
                grant_date=grant_date,
                shares=sum(s for _, s in installments),
                exercise_price=Decimal("1"),
                expiration_date=grant_date + timedelta(days=3650),
            )
            VestingInstallment.objects.bulk_create(
                VestingInstallment(grant=grant, vest_date=d, shares=s) for d, s in installments
            )
            # Raw rows: the totals must agree whatever is stored, not only valid histories.
            for seq, (when, shares) in enumerate(exercises, 1):
                Exercise.objects.create(
                    grant=grant,
                    sequence=seq,
                    exercise_date=when,
                    shares=shares,
                    aggregate_price=Decimal(shares),
                )
            if termination:
                person.terminated_on, person.termination_reason = termination
                # Saved as drawn, without record_end_of_service()'s check against the
                # exercises (drawn independently), with the deadlines refreshed.
                person.save()
                OptionGrant.objects.filter(optionee=person).refresh_deadlines()
        totals = OptionGrant.objects.with_vesting_totals(on).with_status(on)
        for grant in totals.select_related("optionee"):
            sql = {field: getattr(grant, field) for field in FIELDS}
            assert sql == per_grant(grant, on), (grant.pk, on)
