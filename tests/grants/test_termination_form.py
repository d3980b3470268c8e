"""The termination form: it previews the deadlines, then saves; bad input saves nothing."""

from datetime import date

import pytest

from compensation.models import Person
from tests.factories import PersonFactory, make_award
from tests.grants.conftest import ADMIN

pytestmark = pytest.mark.django_db


def test_the_termination_form_previews_then_saves(client_for, seed_grant):
    client = client_for(ADMIN)
    url = f"/grants/people/{seed_grant.optionee_id}/termination/"
    data = {"terminated_on": "2007-02-01", "termination_reason": "death"}
    preview = client.post(url, {**data, "action": "preview"})
    [row] = preview.context["preview"]
    assert row["deadline"].day == date(2008, 8, 1)
    assert row["forfeited"] == 562_500
    assert Person.objects.get(pk=seed_grant.optionee_id).terminated_on is None
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2015, 7, 13)
    assert client.post(url, {**data, "action": "confirm"}).status_code == 302
    seed_grant.refresh_from_db()
    assert seed_grant.deadline == date(2008, 8, 1)


@pytest.mark.parametrize(
    "data",
    [
        {"terminated_on": "", "termination_reason": "other"},
        {"terminated_on": "2007-02-01", "termination_reason": ""},
        {"terminated_on": "2007-02-31", "termination_reason": "other"},
        {"terminated_on": "2007-02-01", "termination_reason": "retired"},
    ],
)
def test_a_bad_termination_is_refused_and_saves_nothing(client_for, seed_grant, data):
    url = f"/grants/people/{seed_grant.optionee_id}/termination/"
    response = client_for(ADMIN).post(url, {**data, "action": "confirm"})
    assert response.status_code == 200
    assert Person.objects.get(pk=seed_grant.optionee_id).terminated_on is None


def test_the_preview_shows_the_restricted_stock_forfeited(client_for, db):
    award = make_award(
        [(date(2007, 3, 1), 1000), (date(2008, 3, 1), 3000)],
        recipient=PersonFactory(name="Rita Stock"),
        grant_date=date(2006, 3, 1),
        award_type="RSU",
    )
    person = award.recipient
    response = client_for(ADMIN).post(
        f"/grants/people/{person.pk}/termination/",
        {"terminated_on": "2007-06-30", "termination_reason": "other", "action": "preview"},
    )
    rows = response.context["award_preview"]
    assert [(r["award"].pk, r["vested"], r["forfeited"]) for r in rows] == [(award.pk, 1000, 3000)]
    assert 'id="termination-award-preview"' in response.content.decode()
    person.refresh_from_db()
    assert person.terminated_on is None  # a preview saves nothing
