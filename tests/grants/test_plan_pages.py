"""The equity plans in the app (issue 17): listed for every role, added and changed by
compensation admins; a reserve below the shares in use is refused."""

from datetime import date

import pytest
from django.urls import reverse

from grants.models import StockPlan
from tests.factories import StockPlanFactory, make_grant
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE
from workspace.models import Change

pytestmark = pytest.mark.django_db


def plan_data(**changes):
    data = {
        "name": "2006 Equity Incentive Plan",
        "shares_reserved": "5,000,000",
        "minimum_exercise_shares": "1000",
        "post_termination_months": "3",
        "disability_months": "12",
        "death_months": "18",
        "notes": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", [COMMITTEE, ADMIN, AUDITOR])
def test_every_role_reads_the_plans(client_for, role):
    plan = StockPlanFactory(shares_reserved=10_000_000)
    page = client_for(role).get(reverse("grants:plans")).content.decode()
    assert plan.name in page and "10,000,000" in page
    edit = reverse("grants:plan-edit", args=[plan.pk])
    assert (edit in page) == (role == ADMIN)


@pytest.mark.parametrize("role", [COMMITTEE, AUDITOR])
def test_only_compensation_admins_add_or_change_plans(client_for, role):
    plan = StockPlanFactory()
    client = client_for(role)
    for url in (reverse("grants:plan-add"), reverse("grants:plan-edit", args=[plan.pk])):
        assert client.get(url).status_code == 403
        assert client.post(url, plan_data()).status_code == 403
    assert StockPlan.objects.count() == 1


def test_an_admin_adds_a_plan_and_the_history_shows_it(client_for, db):
    response = client_for(ADMIN).post(reverse("grants:plan-add"), plan_data())
    assert response.status_code == 302 and response.url == reverse("grants:plans")
    plan = StockPlan.objects.get()
    assert plan.name == "2006 Equity Incentive Plan" and plan.shares_reserved == 5_000_000
    change = Change.objects.get(record_type="grants.stockplan")
    assert change.action == Change.Action.ADDED and change.user_name == "compadmin"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "2000 Stock Option Plan"}, "name", "already exists"),
        ({"name": "n" * 10_000}, "name", "at most 200 characters"),
        ({"name": "Plan\x00"}, "name", "Null characters are not allowed."),
        ({"shares_reserved": "-1"}, "shares_reserved", "greater than or equal to 0"),
        ({"shares_reserved": "9" * 25}, "shares_reserved", "less than or equal to"),
        ({"shares_reserved": "1e999999"}, "shares_reserved", "Enter a whole number"),
        ({"minimum_exercise_shares": "0"}, "minimum_exercise_shares", "greater than or equal"),
        ({"death_months": "99999"}, "death_months", "less than or equal to 600"),
        ({"notes": "x" * 10_000}, "notes", "at most 2000 characters"),
    ],
)
def test_bad_plan_input_is_refused_and_saves_nothing(client_for, db, changes, field, message):
    StockPlanFactory()
    before = Change.objects.count()
    response = client_for(ADMIN).post(reverse("grants:plan-add"), plan_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert StockPlan.objects.count() == 1 and Change.objects.count() == before


def test_a_reserve_below_the_shares_in_use_is_refused(client_for, db):
    plan = StockPlanFactory(shares_reserved=100_000)
    make_grant(
        [(date(2006, 1, 1), 60_000)],
        plan=plan,
        grant_date=date(2006, 1, 1),
        expiration_date=date(2015, 12, 31),
    )
    url = reverse("grants:plan-edit", args=[plan.pk])
    client = client_for(ADMIN)
    response = client.post(url, plan_data(name=plan.name, shares_reserved="50,000"))
    assert response.status_code == 200
    assert "60,000 shares of this plan are in use" in str(response.context["form"].errors)
    plan.refresh_from_db()
    assert plan.shares_reserved == 100_000
    response = client.post(url, plan_data(name=plan.name, shares_reserved="60,000"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.shares_reserved == 60_000
    assert Change.objects.filter(record_type="grants.stockplan", action="~").exists()


def test_the_plans_page_runs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for(COMMITTEE)
    for n in range(30):
        StockPlan.objects.create(name=f"Plan {n}")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("grants:plans")).status_code == 200
