"""The exercise form and its terms endpoint: refusals name their rule and save nothing."""

from datetime import date

import pytest

from core.submissions import new_token
from grants.models import Exercise, RegistrationPeriod
from tests.grants.conftest import ADMIN

pytestmark = pytest.mark.django_db


def test_the_exercise_form_refuses_below_the_minimum_and_saves_nothing(client_for, seed_grant):
    url = f"/grants/{seed_grant.pk}/exercise/"
    data = {"exercise_date": "2007-03-01", "shares": "999", "payment_method": "cash"}
    response = client_for(ADMIN).post(url, {**data, "submission_token": new_token()})
    assert response.status_code == 200
    assert "Below the minimum" in response.content.decode()
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize(
    ("shares", "on", "message"),
    [
        ("1000.5", "2007-03-01", "Whole shares only"),
        ("0", "2007-03-01", "must be positive"),
        ("ten", "2007-03-01", "must be a whole number"),
        ("", "2007-03-01", "This field is required"),
        ("2000000000", "2007-03-01", "More than exercisable"),
        ("1000", "2015-07-14", "After the deadline"),
        ("1000", "2005-07-12", "Before the grant"),
        ("1000", "13/01/2007", "Enter a valid date"),
    ],
)
def test_every_exercise_refusal_names_its_rule(client_for, seed_grant, shares, on, message):
    response = client_for(ADMIN).post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": on,
            "shares": shares,
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert message in response.content.decode()
    assert Exercise.objects.count() == 0


def test_an_unregistered_day_is_refused_on_the_exercise_form(client_for, seed_grant):
    RegistrationPeriod.objects.update(end_date=date(2007, 2, 1))
    response = client_for(ADMIN).post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": "2007-03-01",
            "shares": "1000",
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert "Not registered" in response.content.decode()
    assert Exercise.objects.count() == 0


def test_a_valid_exercise_is_recorded_and_exercisable_drops(client_for, seed_grant):
    client = client_for(ADMIN)
    response = client.post(
        f"/grants/{seed_grant.pk}/exercise/",
        {
            "exercise_date": "2007-03-01",
            "shares": "10,000",
            "payment_method": "check",
            "submission_token": new_token(),
        },
        follow=True,
    )
    assert "Recorded the exercise of 10,000 shares" in response.content.decode()
    assert response.context["figures"]["Exercisable"] == 437_500 - 10_000


def test_the_exercise_terms_endpoint_reports_the_grants_figures(client_for, seed_grant):
    data = client_for(ADMIN).get(f"/grants/{seed_grant.pk}/exercise/terms.json?on=2006-12-31")
    assert data.json()["exercisable"] == 381_250
    assert data.json()["minimum"] == 1000
    bad = client_for(ADMIN).get(f"/grants/{seed_grant.pk}/exercise/terms.json?on=2006-02-30")
    assert bad.status_code == 400


def test_a_resubmitted_exercise_form_records_one_exercise(client_for, seed_grant):
    client = client_for(ADMIN)
    page = client.get(f"/grants/{seed_grant.pk}/exercise/")
    token = page.context["submission_token"]
    data = {
        "exercise_date": "2007-03-01",
        "shares": "10000",
        "payment_method": "cash",
        "submission_token": token,
    }
    assert client.post(f"/grants/{seed_grant.pk}/exercise/", data).status_code == 302
    again = client.post(f"/grants/{seed_grant.pk}/exercise/", data)
    assert "already submitted" in again.content.decode()
    assert Exercise.objects.count() == 1
    forged = client.post(
        f"/grants/{seed_grant.pk}/exercise/", {**data, "submission_token": "made-up"}
    )
    assert "reload the page" in forged.content.decode()
    assert Exercise.objects.count() == 1
