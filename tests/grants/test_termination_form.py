"""The termination form: it previews the deadlines, then saves; bad input saves nothing."""

from datetime import date

import pytest

from compensation.models import Person
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
