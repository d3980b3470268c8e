"""A new restricted stock award or unit in the app (issue 15): typed or generated
installments, every rule's message, nothing saved on bad input."""

from datetime import date
from decimal import Decimal

import pytest

from core.submissions import new_token
from grants.models import AwardInstallment, StockAward, StockPlan
from tests.factories import PersonFactory, StockPlanFactory
from tests.grants.conftest import ADMIN, page
from tests.grants.conftest import AWARD_ROWS as ROWS

pytestmark = pytest.mark.django_db

# --- Creating an award -------------------------------------------------------------------


def new_award_data(plan, person, rows, **changes):
    data = {
        "plan": plan.pk,
        "recipient": person.name,
        "award_type": "RSA",
        "grant_date": "2006-03-01",
        "shares": "4000",
        "purchase_price": "0",
        "withholding_rate": "0.25",
        "election_83b": "none",
        "election_83b_on": "",
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "schedule-start": "2006-03-01",
        "schedule-immediate_shares": "0",
        "schedule-cliff_months": "12",
        "schedule-cliff_shares": "1000",
        "schedule-installments": "3",
        "schedule-interval_months": "12",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
        "submission_token": new_token(),
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


def test_a_new_award_is_saved_with_typed_installments(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory(name="Typed Rows")
    page_html = page(client_for(ADMIN), "/grants/awards/new/")
    assert 'list="recipient-suggestions"' in page_html and "person_search.js" in page_html
    response = client_for(ADMIN).post(
        "/grants/awards/new/", new_award_data(plan, person, ROWS, recipient="  typed ROWS ")
    )
    award = StockAward.objects.get()
    assert response.status_code == 302 and response.url == f"/grants/awards/{award.pk}/"
    assert award.recipient == person and award.award_type == "RSA"
    assert award.installment_rows() == ROWS
    assert award.withholding_rate == Decimal("0.25")


def test_a_new_award_generates_its_installments_then_saves_them(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory()
    client = client_for(ADMIN)
    data = new_award_data(plan, person, [], action="generate", award_type="RSU")
    response = client.post("/grants/awards/new/", data)
    rows = [(f.initial["vest_date"], f.initial["shares"]) for f in response.context["formset"]]
    assert rows == ROWS
    assert StockAward.objects.count() == 0  # nothing saved by generating
    # The filled table is posted back as it stands.
    saved = client.post(
        "/grants/awards/new/",
        new_award_data(plan, person, rows, award_type="RSU", submission_token=new_token()),
    )
    assert saved.status_code == 302
    award = StockAward.objects.get()
    assert award.award_type == "RSU" and award.installment_rows() == ROWS


def test_generating_needs_the_shares_first(client_for, db):
    data = new_award_data(StockPlanFactory(), PersonFactory(), [], action="generate", shares="")
    html = client_for(ADMIN).post("/grants/awards/new/", data).content.decode()
    assert "Enter the shares or units before generating a schedule." in html


@pytest.mark.parametrize(
    ("rows", "changes", "message"),
    [
        (ROWS[:-1], {}, "add up to 3,000 shares, not the award&#x27;s 4,000"),
        ([(date(2006, 2, 28), 4000)], {}, "vests before the grant date 2006-03-01"),
        ([], {}, "needs at least one vesting installment."),
        (ROWS, {"purchase_price": "-0.01"}, "The purchase price cannot be negative."),
        (ROWS, {"withholding_rate": "1.5"}, "The withholding rate must be"),
        (ROWS, {"withholding_rate": "-0.1"}, "The withholding rate must be"),
        (
            ROWS,
            {"award_type": "RSU", "election_83b": "intends"},
            "A restricted stock unit delivers no shares at grant",
        ),
        (
            ROWS,
            {"election_83b": "filed", "election_83b_on": "2006-04-01"},
            "must be filed within 30 days after the grant: by 2006-03-31, not 2006-04-01",
        ),
        (ROWS, {"election_83b": "filed"}, "Enter the date the 83(b) election was filed."),
        (ROWS, {"shares": "abc"}, "Enter a whole number"),
        (ROWS, {"recipient": "No Such Person"}, "No one named “No Such Person” is on record"),
    ],
)
def test_a_new_award_with_bad_input_shows_the_rule_and_saves_nothing(
    client_for, db, rows, changes, message
):
    plan, person = StockPlanFactory(), PersonFactory()
    data = new_award_data(plan, person, rows, **changes)
    response = client_for(ADMIN).post("/grants/awards/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert StockAward.objects.count() == 0 and AwardInstallment.objects.count() == 0


def test_a_new_award_past_the_plans_reserve_is_refused(client_for, db):
    plan = StockPlan.objects.create(name="Small plan", shares_reserved=3000)
    data = new_award_data(plan, PersonFactory(), ROWS)
    html = client_for(ADMIN).post("/grants/awards/new/", data).content.decode()
    assert "The Small plan reserves 3,000 shares" in html and "not 4,000" in html
    assert StockAward.objects.count() == 0


def test_an_83b_election_filed_in_time_is_saved(client_for, db):
    data = new_award_data(
        StockPlanFactory(),
        PersonFactory(),
        ROWS,
        election_83b="filed",
        election_83b_on="2006-03-31",
    )
    assert client_for(ADMIN).post("/grants/awards/new/", data).status_code == 302
    assert StockAward.objects.get().election_83b_on == date(2006, 3, 31)


def test_a_resubmitted_new_award_form_creates_one_award(client_for, db):
    plan, person = StockPlanFactory(), PersonFactory(name="Twice Clicked")
    data = new_award_data(plan, person, ROWS)
    client = client_for(ADMIN)
    assert client.post("/grants/awards/new/", data).status_code == 302
    again = client.post("/grants/awards/new/", data)
    assert "already submitted" in again.content.decode()
    assert StockAward.objects.filter(recipient=person).count() == 1
