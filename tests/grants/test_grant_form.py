"""The new grant form: it generates or takes the installments, finds the optionee by name,
and refuses bad terms saving nothing."""

from datetime import date

import pytest

from core.submissions import new_token
from grants import demo
from grants.models import OptionGrant
from tests.factories import PersonFactory, StockPlanFactory
from tests.grants.conftest import ADMIN

pytestmark = pytest.mark.django_db


def new_grant_data(plan, person, rows, **changes):
    data = {
        "plan": plan.pk,
        "optionee": person.name,
        "option_type": "NSO",
        "grant_date": "2005-07-13",
        "shares": "1000000",
        "exercise_price": "2.99",
        "expiration_date": "2015-07-13",
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "schedule-start": "2005-07-13",
        "schedule-immediate_shares": "100000",
        "schedule-cliff_months": "12",
        "schedule-cliff_shares": "225000",
        "schedule-installments": "12",
        "schedule-interval_months": "3",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
        "submission_token": new_token(),
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


def test_the_new_grant_form_generates_the_seed_table_without_saving(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post(
        "/grants/new/", new_grant_data(plan, person, [], action="generate")
    )
    rows = [f.initial for f in response.context["formset"]]
    assert [(r["vest_date"], r["shares"]) for r in rows] == demo.INSTALLMENTS
    assert OptionGrant.objects.count() == 0


def test_the_new_grant_form_saves_typed_installments(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post(
        "/grants/new/", new_grant_data(plan, person, demo.INSTALLMENTS)
    )
    grant = OptionGrant.objects.get()
    assert response.status_code == 302 and response.url == f"/grants/{grant.pk}/"
    assert grant.installment_rows() == demo.INSTALLMENTS
    assert grant.minimum_exercise_shares == 1000  # the plan's default


@pytest.mark.parametrize(
    ("rows", "changes", "message"),
    [
        (demo.INSTALLMENTS[:-1], {}, "add up to 943,750 shares, not the grant&#x27;s 1,000,000"),
        ([(date(2005, 7, 12), 1_000_000)], {}, "vests before the grant date"),
        (demo.INSTALLMENTS, {"expiration_date": "2015-07-14"}, "must expire by 2015-07-13"),
        (demo.INSTALLMENTS, {"shares": "-5"}, "greater than or equal to"),
        (demo.INSTALLMENTS, {"exercise_price": "abc"}, "Enter a number"),
        (demo.INSTALLMENTS, {"grant_date": "2005-13-01"}, "Enter a valid date"),
        ([], {}, "at least one vesting installment"),
    ],
)
def test_the_new_grant_form_refuses_bad_terms_and_saves_nothing(
    client_for, db, rows, changes, message
):
    plan, person = StockPlanFactory(), PersonFactory()
    response = client_for(ADMIN).post("/grants/new/", new_grant_data(plan, person, rows, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OptionGrant.objects.count() == 0


def test_the_optionee_is_typed_by_name_with_suggestions(client_for, seed_grant):
    admin = client_for(ADMIN)
    person = PersonFactory(name="Roger A. Williams")
    PersonFactory(name="Rogers Hardware")
    names = admin.get("/compensation/people/names.json?q=  ROGER  a.").json()["names"]
    assert names == ["Roger A. Williams"]
    assert admin.get("/compensation/people/names.json?q=").json() == {"names": []}
    page = admin.get("/grants/new/").content.decode()
    assert 'list="optionee-suggestions"' in page and '<datalist id="optionee-suggestions">' in page
    assert "person_search.js" in page
    # The case and extra spaces need not match; an unknown name is refused by name.
    plan = seed_grant.plan
    rows = [(date(2007, 1, 1), 1000)]
    data = new_grant_data(plan, person, rows, shares="1000")
    before = OptionGrant.objects.count()
    response = admin.post("/grants/new/", {**data, "optionee": "No Such Person"})
    assert "No one named “No Such Person” is on record" in response.content.decode()
    assert OptionGrant.objects.count() == before
    response = admin.post("/grants/new/", {**data, "optionee": "  roger a.  WILLIAMS "})
    assert response.status_code == 302
    assert OptionGrant.objects.latest("pk").optionee == person


def test_a_resubmitted_new_grant_form_creates_one_grant(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory(name="Twice Clicked")
    data = new_grant_data(plan, person, demo.INSTALLMENTS)
    client = client_for(ADMIN)
    assert client.post("/grants/new/", data).status_code == 302
    again = client.post("/grants/new/", data)
    assert "already submitted" in again.content.decode()
    assert OptionGrant.objects.filter(optionee=person).count() == 1
