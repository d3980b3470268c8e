"""DOMAIN.md §3: a figure as of a date D depends only on the facts dated on or before D.

Over random histories of grants, installments, terminations, exercises, registration
periods and prices, every figure as of D is computed twice: on the whole history, and on
the history cut to the facts dated on or before D (later grants, exercises, terminations,
prices and registration periods removed; a period's end after D not yet known). The two
must agree: the per-grant methods, the SQL annotations, the 402(f) rows, the plan pool,
the officer review and, at a year-end, the yearly tables (402(c), (d), (g)).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from compensation.models import OfficerYear, Person
from core import roles
from grants import rules
from grants.models import (
    AwardInstallment,
    AwardVesting,
    Exercise,
    OptionGrant,
    RegistrationPeriod,
    StockAward,
    StockPlan,
    StockPrice,
    VestingInstallment,
)
from reports.definitions import (
    OptionExercises,
    OutstandingEquityAwards,
    PlanBasedAwards,
    PlanPool,
    SummaryCompensation,
)
from tests.factories import UserFactory

FIRST, LAST = date(2004, 1, 1), date(2010, 12, 31)
YEARS = range(FIRST.year, LAST.year + 1)
day = st.dates(min_value=FIRST, max_value=LAST)
PRICE = Decimal("3.50")


@st.composite
def grants(draw):
    granted = draw(st.dates(min_value=FIRST, max_value=date(2009, 12, 31)))
    offsets = draw(st.lists(st.integers(0, 1500), min_size=1, max_size=6, unique=True))
    installments = [(granted + timedelta(days=o), draw(st.integers(1, 4000))) for o in offsets]
    exercises = draw(st.lists(st.tuples(st.integers(0, 2000), st.integers(1, 3000)), max_size=3))
    price = draw(st.sampled_from([Decimal("1.00"), Decimal("2.99"), Decimal("4.25")]))
    return granted, installments, [(granted + timedelta(days=o), s) for o, s in exercises], price


@st.composite
def people(draw):
    termination = draw(
        st.one_of(
            st.none(),
            st.tuples(
                day,
                st.sampled_from(["other", "other", "disability", "death"]),
                st.one_of(st.none(), st.integers(-30, 400)),  # short-swing date after T
            ),
        )
    )
    return (
        termination,
        draw(st.lists(grants(), min_size=1, max_size=2)),
        draw(st.lists(awards(), max_size=2)),
    )


@st.composite
def awards(draw):
    """A restricted stock award or unit, with the vestings confirmed (as raw rows, on
    whichever installments were drawn: figures as of D must not look ahead)."""
    granted = draw(st.dates(min_value=FIRST, max_value=date(2009, 12, 31)))
    offsets = draw(st.lists(st.integers(0, 1500), min_size=1, max_size=4, unique=True))
    installments = [(granted + timedelta(days=o), draw(st.integers(1, 4000))) for o in offsets]
    confirmed = draw(st.lists(st.sampled_from(installments), max_size=2, unique=True))
    kind = draw(st.sampled_from(["RSA", "RSU"]))
    purchase = draw(st.sampled_from([Decimal("0"), Decimal("1.25")]))
    return granted, installments, confirmed, kind, purchase


@st.composite
def histories(draw):
    starts = draw(st.lists(day, min_size=0, max_size=3, unique=True))
    periods = [
        (start, draw(st.one_of(st.none(), st.integers(0, 500))))
        for start in [date(2003, 1, 1), *starts]
    ]
    prices = draw(st.lists(day, max_size=6, unique=True))
    return {
        "periods": [(s, None if n is None else s + timedelta(days=n)) for s, n in periods],
        "prices": [(d, Decimal(draw(st.integers(100, 900))) / 100) for d in prices],
        "people": draw(st.lists(people(), min_size=1, max_size=3)),
    }


def as_of_dates():
    year_ends = st.sampled_from([date(y, 12, 31) for y in YEARS])
    return st.one_of(day, year_ends)


def build(history, on: date) -> None:
    for start, end in history["periods"]:
        RegistrationPeriod.objects.create(start_date=start, end_date=end, basis="S-8")
    for when, price in history["prices"]:
        StockPrice.objects.create(date=when, price=price)
    plan = StockPlan.objects.create(name="Plan")
    approver = UserFactory(username="approver")
    for n, (termination, person_grants, person_awards) in enumerate(history["people"]):
        person = Person.objects.create(name=f"Officer {n}")
        for year in range(on.year - 2, on.year + 1):  # the years the tables as of `on` read
            OfficerYear.objects.create(
                person=person,
                fiscal_year=year,
                title="Vice President",
                base_salary=Decimal(100_000 + n),
                status=OfficerYear.Status.APPROVED,
                approved_by=approver,
                approved_at=timezone.now(),
                approval_meeting="Meeting",
            )
        for granted, installments, exercises, price in person_grants:
            grant = OptionGrant.objects.create(
                plan=plan,
                optionee=person,
                grant_date=granted,
                shares=sum(s for _, s in installments),
                exercise_price=price,
                expiration_date=granted + timedelta(days=3000),
            )
            VestingInstallment.objects.bulk_create(
                VestingInstallment(grant=grant, vest_date=d, shares=s) for d, s in installments
            )
            # Raw rows: figures as of D must not look ahead whatever is stored.
            for seq, (when, shares) in enumerate(exercises, 1):
                Exercise.objects.create(
                    grant=grant,
                    sequence=seq,
                    exercise_date=when,
                    shares=shares,
                    aggregate_price=price * shares,
                )
        for granted, installments, confirmed, kind, purchase in person_awards:
            award = StockAward.objects.create(
                plan=plan,
                recipient=person,
                award_type=kind,
                grant_date=granted,
                shares=sum(s for _, s in installments),
                purchase_price=purchase,
            )
            AwardInstallment.objects.bulk_create(
                AwardInstallment(award=award, vest_date=d, shares=s) for d, s in installments
            )
            for when, shares in confirmed:
                AwardVesting.objects.create(
                    award=award, vest_date=when, shares=shares, shares_withheld=shares // 4
                )
        if termination:
            ended, reason, short_swing = termination
            person.terminated_on, person.termination_reason = ended, reason
            if reason == "other" and short_swing is not None:
                person.short_swing_liability_until = ended + timedelta(days=short_swing)
            # Saved as drawn, without record_end_of_service()'s check against the
            # exercises (drawn independently), with the deadlines refreshed as it would.
            person.save()
            OptionGrant.objects.filter(optionee=person).refresh_deadlines()


def cut_to(on: date) -> None:
    """Remove every fact dated after `on`, as if it had not been entered yet."""
    later = OptionGrant.objects.filter(grant_date__gt=on)
    Exercise.objects.filter(grant__in=later).delete()
    later.delete()
    Exercise.objects.filter(exercise_date__gt=on).delete()
    later_awards = StockAward.objects.filter(grant_date__gt=on)
    AwardVesting.objects.filter(award__in=later_awards).delete()
    later_awards.delete()
    AwardVesting.objects.filter(vest_date__gt=on).delete()
    for person in Person.objects.filter(terminated_on__gt=on):
        person.terminated_on, person.termination_reason = None, ""
        person.short_swing_liability_until = None
        person.save()
    StockPrice.objects.filter(date__gt=on).delete()
    RegistrationPeriod.objects.filter(start_date__gt=on).delete()
    RegistrationPeriod.objects.filter(end_date__gt=on).update(end_date=None)
    OptionGrant.objects.all().refresh_deadlines()


def figures(on: date, client: Client) -> dict:
    """Every figure as of `on`, keyed so that the two histories can be compared."""
    periods = RegistrationPeriod.objects.periods()
    result: dict = {}
    granted = OptionGrant.objects.filter(grant_date__lte=on).select_related("optionee")
    for grant in granted.prefetch_related("installments", "exercises"):
        result[("grant", grant.pk)] = {
            "vested": grant.vested_shares(on),
            "unvested": grant.unvested_shares(on),
            "forfeited": grant.forfeited_shares(on),
            "exercised": grant.exercised_shares(on),
            "exercisable": grant.exercisable_shares(on, periods),
            "status": grant.status_on(on, periods),
            "deadline": grant.deadline_on(on, periods),
            "in_the_money": grant.unvested_in_the_money_value(PRICE, on),
            "states": grant.installment_states(on),
        }
    annotated = granted.with_vesting_totals(on).with_status(on).with_in_the_money_value(PRICE)
    for grant in annotated:
        sql = {
            field: getattr(grant, field)
            for field in ("vested", "unvested", "forfeited", "exercised", "exercisable")
        }
        sql["status"] = grant.status
        sql["closed_by_then"] = grant.deadline_as_of < on
        sql["unvested_value"] = grant.unvested_value
        result[("sql", grant.pk)] = sql
        # The SQL deadline is the per-grant one, except that its date may depend on
        # registration after `on` where rule (iii) sets either (DOMAIN.md §3).
        known = grant.deadline_on(on, periods)
        gap = rules.DeadlineRule.REGISTRATION_GAP
        if gap not in (known.rule, grant.deadline_explained(periods).rule):
            assert grant.deadline_as_of == known.day, (grant.pk, on)
    made = StockAward.objects.filter(grant_date__lte=on).select_related("recipient")
    for award in made.prefetch_related("installments"):
        result[("award", award.pk)] = {
            "vested": award.vested_shares(on),
            "unvested": award.unvested_shares(on),
            "forfeited": award.forfeited_shares(on),
            "states": award.installment_states(on),
        }
    for award in made.with_vesting_totals(on):
        result[("award sql", award.pk)] = (award.vested, award.unvested, award.forfeited)
    result["outstanding"] = sorted(OptionGrant.objects.outstanding(on).values_list("pk", flat=True))
    report = OutstandingEquityAwards({"as_of": on, "price": PRICE})
    result["402(f)"] = (list(report.rows()), report.footnotes())
    result["plan pool"] = list(PlanPool({"as_of": on}).rows())
    response = client.get(
        "/compensation/review/", {"year": on.year, "price": str(PRICE), "as_of": on.isoformat()}
    )
    assert response.status_code == 200
    result["officer review"] = [
        (
            officer["record"].person_id,
            [(g.pk, g.unvested, g.unvested_value) for g in officer["grants"]],
            officer["unvested"],
            officer["value"],
            [(a["award"].pk, a["award"].unvested, a["value"]) for a in officer["awards"]],
            officer["award_value"],
        )
        for officer in response.context["officers"]
    ]
    if (on.month, on.day) == (12, 31):
        for table in (OptionExercises, PlanBasedAwards, SummaryCompensation):
            report = table({"year": on.year})
            result[table.name] = (list(report.rows()), report.footnotes())
    return result


class FiguresAsOfADate(TestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(history=histories(), on=as_of_dates())
    def test_figures_as_of_a_date_ignore_every_later_fact(self, history, on):
        client = Client()
        client.force_login(UserFactory(username="committee", role=roles.COMMITTEE))
        build(history, on)
        whole = figures(on, client)
        cut_to(on)
        assert figures(on, client) == whole
