"""The admin enforces the same rules: refusals are form errors and nothing is half-saved."""

from datetime import date

import pytest

from grants import demo
from grants.models import Exercise, OptionGrant, VestingInstallment
from tests.factories import PersonFactory, RegistrationPeriodFactory, StockPlanFactory, make_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for("compadmin")


@pytest.fixture
def grant(db):
    RegistrationPeriodFactory(start_date=date(2005, 7, 13))
    return make_grant(demo.INSTALLMENTS, grant_date=demo.GRANT_DATE)


def exercise_post(grant, shares, on="2007-03-01", payment="cash"):
    return {
        "grant": grant.pk,
        "exercise_date": on,
        "shares": shares,
        "payment_method": payment,
    }


def test_an_exercise_below_the_minimum_is_a_form_error_in_the_admin(admin_client, grant):
    response = admin_client.post("/admin/grants/exercise/add/", exercise_post(grant, 999))
    assert response.status_code == 200
    assert "Below the minimum" in response.content.decode()
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize(
    ("shares", "on", "message"),
    [
        ("10.5", "2007-03-01", "Whole shares only"),
        ("-3", "2007-03-01", "must be positive"),
        ("lots", "2007-03-01", "must be a whole number"),
        ("1000", "2005-07-01", "Before the grant"),
        ("1000", "2015-07-14", "After the deadline"),
        ("999999", "2007-03-01", "More than exercisable"),
        ("1000", "2007-02-30", "Enter a valid date"),
    ],
)
def test_every_refusal_shows_its_rule_and_saves_nothing(admin_client, grant, shares, on, message):
    response = admin_client.post("/admin/grants/exercise/add/", exercise_post(grant, shares, on))
    assert message in response.content.decode()
    assert Exercise.objects.count() == 0


def test_a_valid_exercise_is_recorded_through_the_grant(admin_client, grant):
    response = admin_client.post("/admin/grants/exercise/add/", exercise_post(grant, "5,000"))
    assert response.status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.shares == 5000 and exercise.sequence == 1
    assert exercise.aggregate_price == 5000 * demo.EXERCISE_PRICE


def test_exercises_cannot_be_changed_or_deleted_in_the_admin(admin_client, grant):
    exercise = grant.exercise(1000, date(2007, 3, 1))
    url = f"/admin/grants/exercise/{exercise.pk}/change/"
    admin_client.post(url, exercise_post(grant, 2000))
    exercise.refresh_from_db()
    assert exercise.shares == 1000
    assert admin_client.post(f"/admin/grants/exercise/{exercise.pk}/delete/").status_code == 403


def grant_post(grant: OptionGrant, installments, **changes):
    data = {
        "plan": grant.plan_id,
        "optionee": grant.optionee_id,
        "option_type": grant.option_type,
        "notes": "",
        "grant_date": grant.grant_date.isoformat(),
        "shares": grant.shares,
        "exercise_price": str(grant.exercise_price),
        "expiration_date": grant.expiration_date.isoformat(),
        "minimum_exercise_shares": grant.minimum_exercise_shares or "",
        "post_termination_months": grant.post_termination_months or "",
        "disability_months": grant.disability_months or "",
        "death_months": grant.death_months or "",
        "authorized_by": "",
        "authorized_on": "",
        "acknowledged_on": "",
        "installments-TOTAL_FORMS": len(installments),
        "installments-INITIAL_FORMS": 0,
        "exercises-TOTAL_FORMS": 0,
        "exercises-INITIAL_FORMS": 0,
    }
    for n, (day, shares) in enumerate(installments):
        data[f"installments-{n}-vest_date"] = day
        data[f"installments-{n}-shares"] = shares
    data.update(changes)
    return data


def test_a_new_grant_whose_installments_do_not_sum_is_refused(admin_client, db):
    template = OptionGrant(
        plan=StockPlanFactory(),
        optionee=PersonFactory(),
        grant_date=date(2006, 1, 1),
        shares=1000,
        exercise_price="1.00",
        expiration_date=date(2016, 1, 1),
        minimum_exercise_shares=1000,
        post_termination_months=3,
        disability_months=12,
        death_months=18,
    )
    response = admin_client.post(
        "/admin/grants/optiongrant/add/",
        grant_post(template, [("2006-01-01", 400), ("2007-01-01", 500)]),
    )
    assert "add up to 900 shares, not the grant&#x27;s 1,000" in response.content.decode()
    assert OptionGrant.objects.count() == 0
    response = admin_client.post(
        "/admin/grants/optiongrant/add/",
        grant_post(template, [("2006-01-01", 500), ("2007-01-01", 500)]),
    )
    assert response.status_code == 302
    assert OptionGrant.objects.get().installments.count() == 2


def test_plan_defaults_fill_empty_terms_in_the_admin(admin_client, db):
    template = OptionGrant(
        plan=StockPlanFactory(),
        optionee=PersonFactory(),
        grant_date=date(2006, 1, 1),
        shares=1000,
        exercise_price="1.00",
        expiration_date=date(2016, 1, 1),
    )
    data = grant_post(template, [("2006-01-01", 1000)])
    for field in ("minimum_exercise_shares", "post_termination_months", "death_months"):
        data[field] = ""
    assert admin_client.post("/admin/grants/optiongrant/add/", data).status_code == 302
    grant = OptionGrant.objects.get()
    assert (grant.minimum_exercise_shares, grant.post_termination_months) == (1000, 3)


def test_the_schedule_page_previews_then_replaces_the_installments(admin_client, grant):
    url = f"/admin/grants/optiongrant/{grant.pk}/schedule/"
    schedule = {
        "start": "2005-07-13",
        "immediate_shares": 0,
        "cliff_months": 12,
        "cliff_shares": 250_000,
        "installments": 36,
        "interval_months": 1,
        "allocation": "CUMULATIVE_ROUND_DOWN",
    }
    preview = admin_client.post(url, {**schedule, "preview": "1"})
    assert "2006-07-13" in preview.content.decode()
    assert grant.installments.count() == 14  # nothing saved by a preview
    response = admin_client.post(url, {**schedule, "replace": "1"})
    assert response.status_code == 302
    rows = grant.installment_rows()
    assert len(rows) == 37 and sum(s for _, s in rows) == 1_000_000
    assert rows[0] == (date(2006, 7, 13), 250_000)


def test_a_schedule_that_does_not_fit_is_refused(admin_client, grant):
    url = f"/admin/grants/optiongrant/{grant.pk}/schedule/"
    response = admin_client.post(
        url,
        {
            "start": "2005-07-13",
            "immediate_shares": 2_000_000,
            "cliff_months": 0,
            "cliff_shares": 0,
            "installments": 1,
            "interval_months": 1,
            "allocation": "FRONT_LOADED",
            "replace": "1",
        },
    )
    assert "exceed the total" in response.content.decode()
    assert VestingInstallment.objects.filter(grant=grant).count() == 14


@pytest.mark.parametrize("role", ["committee", "auditor"])
def test_only_compensation_admins_change_grants(client_for, grant, role):
    client = client_for(role)
    response = client.get(f"/admin/grants/optiongrant/{grant.pk}/schedule/")
    assert response.status_code == 302  # not staff: sent to the admin's login
