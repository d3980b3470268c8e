"""Extreme dates and a NUL in text (issue 13, low): each answers a message, never a 500,
and nothing is saved. Dates near 9999-12-31 overflowed the date arithmetic (a 10-year
term, T + 6 months and 10 days, L + 10 days); PostgreSQL refuses a NUL in a string."""

from datetime import date

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from compensation.models import Person
from core.submissions import new_token
from grants import rules
from grants.models import OptionGrant, RegistrationPeriod, VestingInstallment
from grants.models.service import record_end_of_service
from tests.factories import PersonFactory, RegistrationPeriodFactory, make_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for):
    return client_for("compadmin")


@pytest.fixture
def grant(db):
    RegistrationPeriodFactory()
    return make_grant(optionee=PersonFactory(name="Dana Holder"))


def snapshot() -> str:
    models = [Person, OptionGrant, VestingInstallment, RegistrationPeriod]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def new_grant_form(plan, **changes) -> dict:
    return {
        "plan": plan.pk,
        "optionee": "Dana Holder",
        "option_type": "NSO",
        "grant_date": "2006-01-03",
        "shares": "1000",
        "exercise_price": "3",
        "expiration_date": "2016-01-03",
        "installments-TOTAL_FORMS": "1",
        "installments-INITIAL_FORMS": "0",
        "installments-0-vest_date": "2007-01-03",
        "installments-0-shares": "1000",
        "action": "save",
        "submission_token": new_token(),
        **changes,
    }


def errors_of(response) -> str:
    """Every form error the page shows, as one string."""
    context = response.context
    parts = []
    for name in ("form", "schedule"):
        form = context.get(name) if context else None
        if form is not None:
            parts += [str(e) for errors in form.errors.values() for e in errors]
    return " ".join(parts)


@pytest.mark.parametrize(
    "grant_date, expiration_date",
    [
        ("9990-01-01", "9999-12-31"),
        ("9999-06-30", "9999-12-31"),
        ("9999-12-31", "9999-12-31"),
        ("0001-01-01", "0005-01-01"),
    ],
)
def test_a_new_grant_dated_at_the_ends_of_the_calendar_is_refused_with_a_message(
    admin, grant, grant_date, expiration_date
):
    before = snapshot()
    form = new_grant_form(
        grant.plan,
        grant_date=grant_date,
        expiration_date=expiration_date,
        **{"installments-0-vest_date": expiration_date},
    )
    response = admin.post("/grants/new/", form)
    assert response.status_code == 200
    assert "Enter a date between 1900-01-01 and 2200-12-31" in errors_of(response)
    assert snapshot() == before


def test_an_imported_grant_dated_9990_is_refused_by_row_and_column(admin, grant):
    header = "optionee,plan,grant_date,shares,exercise_price,expiration_date,vest_date,vest_shares"
    row = f"New Holder,{grant.plan.name},9990-01-01,1000,3,9999-12-31,9991-01-01,1000"
    file = SimpleUploadedFile("grants.csv", f"{header}\n{row}\n".encode(), "text/csv")
    before = snapshot()
    response = admin.post("/imports/", {"kind": "grants", "file": file, "commit": "1"})
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.committed
    assert "Enter a date between" in result.errors_by_row()[2]["grant_date"]
    assert snapshot() == before


def test_generating_600_installments_of_120_months_from_9990_is_refused(admin, grant):
    form = new_grant_form(
        grant.plan,
        action="generate",
        **{
            "schedule-start": "9990-01-01",
            "schedule-immediate_shares": "0",
            "schedule-cliff_months": "0",
            "schedule-cliff_shares": "0",
            "schedule-installments": "600",
            "schedule-interval_months": "120",
            "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        },
    )
    before = snapshot()
    response = admin.post("/grants/new/", form)
    assert response.status_code == 200
    assert "Enter a date between" in errors_of(response)
    assert snapshot() == before


def test_a_schedule_running_past_the_calendar_is_refused_even_from_a_sane_start(admin, grant):
    form = new_grant_form(
        grant.plan,
        action="generate",
        **{
            "schedule-start": "2006-01-03",
            "schedule-immediate_shares": "0",
            "schedule-cliff_months": "120",
            "schedule-cliff_shares": "0",
            "schedule-installments": "600",
            "schedule-interval_months": "120",
            "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        },
    )
    response = admin.post("/grants/new/", form)
    assert response.status_code == 200
    assert "The schedule's last installment would vest after 2200-12-31" in errors_of(response)


@pytest.mark.parametrize("action", ["preview", "confirm"])
@pytest.mark.parametrize(
    "terminated_on, short_swing",
    [("9999-12-01", ""), ("2007-01-01", "9999-12-31"), ("0001-01-01", "")],
)
def test_a_termination_or_short_swing_date_at_the_end_of_the_calendar_is_refused(
    admin, grant, action, terminated_on, short_swing
):
    before = snapshot()
    response = admin.post(
        f"/grants/people/{grant.optionee_id}/termination/",
        {
            "terminated_on": terminated_on,
            "termination_reason": "other",
            "short_swing_liability_until": short_swing,
            "action": action,
        },
    )
    assert response.status_code == 200
    assert "Enter a date between" in errors_of(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "start, end", [("2000-01-01", "9999-12-31"), ("0001-01-01", ""), ("9999-12-31", "")]
)
def test_a_registration_period_at_the_ends_of_the_calendar_is_refused(admin, grant, start, end):
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 1, 1), "other"
    record_end_of_service(person)
    before = snapshot()
    response = admin.post(
        "/grants/registration/new/", {"start_date": start, "end_date": end, "basis": "S-8"}
    )
    assert response.status_code == 200
    assert "Enter a date between" in errors_of(response)
    assert snapshot() == before


def test_the_deadline_rules_clamp_at_the_last_day_of_the_calendar_instead_of_crashing():
    """Dates the forms refuse can still reach the rules (the admin of an older record, a
    command): the arithmetic stops at date.max rather than raising OverflowError."""
    last = date.max
    assert rules.latest_expiration(date(9990, 1, 1)) == last
    assert rules.add_months(date(9999, 12, 1), 3) == last
    assert rules.add_days(last, 1) == last
    assert rules.add_days(date.min, -1) == date.min
    assert rules.short_swing_day(date(9999, 12, 1), last) == last
    assert rules.merge_periods([(date(2000, 1, 1), last), (date(2001, 1, 1), None)]) == [
        (date(2000, 1, 1), None)
    ]
    assert rules.unregistered_spans(date(2000, 1, 1), last, [(date(2000, 1, 1), last)]) == []
    assert rules.last_unregistered_day(date(2000, 1, 1), [(date.min, None)]) is None
    deadline = rules.exercise_deadline(
        expiration=last,
        terminated_on=date(9999, 12, 1),
        reason="other",
        post_termination_months=3,
        disability_months=12,
        death_months=12,
        short_swing_until=last,
        periods=[(date(2000, 1, 1), None)],
    )
    assert deadline.day == last


@given(
    expiration=st.dates(),
    terminated_on=st.dates(),
    reason=st.sampled_from(["other", "disability", "death"]),
    months=st.integers(0, 600),
    short_swing_until=st.none() | st.dates(),
    period=st.tuples(st.dates(), st.none() | st.dates()),
)
def test_no_dates_anywhere_in_the_calendar_crash_the_deadline_rules(
    expiration, terminated_on, reason, months, short_swing_until, period
):
    deadline = rules.exercise_deadline(
        expiration=expiration,
        terminated_on=terminated_on,
        reason=reason,
        post_termination_months=months,
        disability_months=months,
        death_months=months,
        short_swing_until=short_swing_until,
        periods=[period],
    )
    assert deadline.day <= expiration


@given(day=st.dates(), months=st.integers(-12_000, 12_000))
def test_month_arithmetic_stops_at_the_ends_of_the_calendar(day, months):
    moved = rules.add_months(day, months)
    assert moved >= day if months >= 0 else moved <= day


@pytest.mark.parametrize("query", ["a\x00b", "\x00"])
def test_a_nul_in_the_name_search_answers_no_names(client_for, grant, query):
    response = client_for("compadmin").get("/compensation/people/names.json", {"q": query})
    assert response.status_code == 200
    assert response.json() == {"names": []}


def test_a_nul_in_the_grant_list_search_answers_the_page(client_for, grant):
    response = client_for("committee").get("/grants/", {"optionee": "Dana\x00"})
    assert response.status_code == 200


def test_a_nul_in_a_typed_optionee_name_is_a_field_error(admin, grant):
    before = snapshot()
    response = admin.post("/grants/new/", new_grant_form(grant.plan, optionee="Dana\x00Holder"))
    assert response.status_code == 200
    assert "Null characters are not allowed" in errors_of(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/admin/compensation/person/",
        "/admin/compensation/officeryear/",
        "/admin/compensation/footnote/",
        "/admin/grants/optiongrant/",
    ],
)
def test_a_nul_in_an_admin_search_answers_the_page(admin, grant, path):
    response = admin.get(path, {"q": "Dana\x00"})
    assert response.status_code == 200
