"""The grant page: its installments, its deadline explained, and a bad date reported."""

from datetime import date

import pytest

from grants.models import RegistrationPeriod
from grants.models.service import record_end_of_service
from tests.grants.conftest import AUDITOR, COMMITTEE

pytestmark = pytest.mark.django_db


def test_a_bad_as_of_date_is_reported_not_guessed(client_for, seed_grant):
    response = client_for(COMMITTEE).get(f"/grants/{seed_grant.pk}/?as_of=2007-02-30")
    assert "Enter a valid date" in response.content.decode()


def test_the_grant_page_explains_a_registration_gap_deadline(client_for, seed_grant):
    RegistrationPeriod.objects.update(end_date=date(2007, 3, 1))
    RegistrationPeriod.objects.create(start_date=date(2007, 4, 1), basis="Form S-8 refiled")
    person = seed_grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    html = client_for(AUDITOR).get(f"/grants/{seed_grant.pk}/?as_of=2007-03-15").content.decode()
    assert (
        "Service ended 2007-02-01 (other). Shares were unregistered 2007-03-02 to 2007-03-31, "
        "so the window runs until 2007-05-31 - paragraph 5(b)(iii)"
    ) in html
    assert "<svg" in html and 'class="series"' in html
    assert "Forfeited" in html


def test_the_grant_page_shows_installments_with_running_totals(client_for, seed_grant):
    response = client_for(COMMITTEE).get(f"/grants/{seed_grant.pk}/?as_of=2006-12-31")
    rows = response.context["installments"]
    assert [r["running"] for r in rows][-1] == 1_000_000
    assert [r["state"] for r in rows][:3] == ["Vested", "Vested", "Vested"]
    assert rows[3]["state"] == "Unvested"
    assert response.context["figures"]["Exercisable"] == 381_250
