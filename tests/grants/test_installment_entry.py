"""The new-grant and new-award forms' installment table and optional schedule box (issue
17): "More rows" keeps every typed value, the schedule is checked only when it fills the
table, and its start is a date picker that defaults to the grant date."""

from datetime import date

import pytest

from grants import demo
from grants.models import OptionGrant, StockAward
from tests.factories import PersonFactory, StockPlanFactory
from tests.grants.conftest import ADMIN
from tests.grants.test_award_form import new_award_data
from tests.grants.test_grant_form import new_grant_data

pytestmark = pytest.mark.django_db


def shown_rows(response) -> list[tuple]:
    """Each row of the returned table as the page shows it: (vest date, shares)."""
    return [
        (row["vest_date"].value(), row["shares"].value()) for row in response.context["formset"]
    ]


def test_more_rows_keeps_every_typed_row_and_adds_five_empty_ones(client_for):
    plan, person = StockPlanFactory(), PersonFactory()
    data = new_grant_data(plan, person, [(date(2006, 7, 13), 100000)], action="more")
    # A half-filled row (a date without shares), a row with a typo, an empty row between.
    data.update(
        {
            "installments-TOTAL_FORMS": "4",
            "installments-1-vest_date": "2006-10-13",
            "installments-1-shares": "",
            "installments-2-vest_date": "",
            "installments-2-shares": "",
            "installments-3-vest_date": "2007-01-13",
            "installments-3-shares": "12x",
        }
    )
    response = client_for(ADMIN).post("/grants/new/", data)
    page = response.content.decode()
    assert (
        shown_rows(response)
        == [
            ("2006-07-13", "100000"),
            ("2006-10-13", ""),
            ("", ""),
            ("2007-01-13", "12x"),
        ]
        + [(None, None)] * 5
    )
    assert 'name="installments-TOTAL_FORMS" value="9"' in page
    assert 'name="installments-INITIAL_FORMS" value="0"' in page
    assert 'value="2006-10-13"' in page and 'value="12x"' in page
    # Adding rows is not saving: no row is refused yet.
    assert "This field is required" not in page and "Enter a whole number" not in page
    assert OptionGrant.objects.count() == 0


def test_more_rows_on_an_empty_table_adds_rows_rather_than_removing_one(client_for):
    admin = client_for(ADMIN)
    empty = admin.get("/grants/new/")
    assert len(empty.context["formset"].forms) == 6
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="more")
    data.update({"installments-TOTAL_FORMS": "6"})
    response = admin.post("/grants/new/", data)
    assert len(response.context["formset"].forms) == 11
    assert 'name="installments-TOTAL_FORMS" value="11"' in response.content.decode()


def test_rows_kept_by_more_rows_save_and_their_empty_rows_are_skipped(client_for):
    plan, person = StockPlanFactory(), PersonFactory()
    admin = client_for(ADMIN)
    data = new_grant_data(plan, person, demo.INSTALLMENTS[:3], action="more")
    kept = admin.post("/grants/new/", data).context["formset"]
    # The page posts back what it showed: the three rows typed, the rest of them, and the
    # five empty rows left empty.
    again = new_grant_data(plan, person, [], shares=str(sum(s for _, s in demo.INSTALLMENTS)))
    again["installments-TOTAL_FORMS"] = str(len(kept.forms) + len(demo.INSTALLMENTS) - 3)
    again["installments-INITIAL_FORMS"] = kept.management_form["INITIAL_FORMS"].value()
    for n, (day, shares) in enumerate(demo.INSTALLMENTS):
        again[f"installments-{n}-vest_date"] = str(day)
        again[f"installments-{n}-shares"] = str(shares)
    response = admin.post("/grants/new/", again)
    assert response.status_code == 302
    assert OptionGrant.objects.get().installment_rows() == demo.INSTALLMENTS


def test_more_rows_never_shows_more_than_the_table_holds(client_for):
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="more")
    data["installments-TOTAL_FORMS"] = "598"
    response = client_for(ADMIN).post("/grants/new/", data)
    assert len(response.context["formset"].forms) == 600


def test_a_failed_save_does_not_complain_about_the_optional_schedule(client_for):
    plan, person = StockPlanFactory(), PersonFactory()
    data = new_grant_data(plan, person, demo.INSTALLMENTS[:-1])
    # The schedule box left as the page offers it: no start, the other fields' defaults.
    data["schedule-start"] = ""
    data["schedule-cliff_months"] = "abc"
    response = client_for(ADMIN).post("/grants/new/", data)
    page = response.content.decode()
    assert "add up to 943,750 shares" in page  # the save's own refusal
    assert "This field is required" not in page and "Enter a whole number" not in page
    assert response.context["schedule"].errors == {}
    # What was typed in the box stays there.
    assert 'name="schedule-cliff_months" value="abc"' in page
    assert OptionGrant.objects.count() == 0


def test_the_schedule_start_is_a_date_picker_defaulting_to_the_grant_date(client_for):
    admin = client_for(ADMIN)
    page = admin.get("/grants/new/").content.decode()
    assert 'type="date" name="schedule-start"' in page
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="more")
    data["schedule-start"] = ""
    page = admin.post("/grants/new/", data).content.decode()
    assert 'type="date" name="schedule-start" value="2005-07-13"' in page
    # A start the user chose is kept.
    data["schedule-start"] = "2005-08-01"
    page = admin.post("/grants/new/", data).content.decode()
    assert 'type="date" name="schedule-start" value="2005-08-01"' in page


def test_generating_with_an_empty_start_starts_the_schedule_on_the_grant_date(client_for):
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="generate")
    data["schedule-start"] = ""
    response = client_for(ADMIN).post("/grants/new/", data)
    rows = [(f.initial["vest_date"], f.initial["shares"]) for f in response.context["formset"]]
    assert rows == demo.INSTALLMENTS


def test_generating_without_a_start_or_a_grant_date_asks_for_one(client_for):
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="generate")
    data.update({"schedule-start": "", "grant_date": ""})
    page = client_for(ADMIN).post("/grants/new/", data).content.decode()
    assert "Enter the schedule start, or the grant date above." in page
    assert OptionGrant.objects.count() == 0


def test_the_new_award_form_has_the_same_table_and_schedule_box(client_for):
    admin = client_for(ADMIN)
    page = admin.get("/grants/awards/new/").content.decode()
    assert 'type="date" name="schedule-start"' in page and "installments.js" in page
    data = new_award_data(StockPlanFactory(), PersonFactory(), [(date(2007, 3, 1), 1000)])
    data.update({"action": "more", "schedule-start": ""})
    response = admin.post("/grants/awards/new/", data)
    page = response.content.decode()
    assert shown_rows(response) == [("2007-03-01", "1000")] + [(None, None)] * 5
    assert 'type="date" name="schedule-start" value="2006-03-01"' in page
    saved = admin.post("/grants/awards/new/", {**data, "action": "save", "shares": "999"})
    assert "This field is required" not in saved.content.decode()
    assert StockAward.objects.count() == 0


@pytest.mark.parametrize("total", ["abc", "999999999", "-1", "\x00"])
def test_more_rows_with_a_forged_row_count_answers_with_a_table(client_for, total):
    data = new_grant_data(StockPlanFactory(), PersonFactory(), [], action="more")
    data["installments-TOTAL_FORMS"] = total
    response = client_for(ADMIN).post("/grants/new/", data)
    assert response.status_code == 200
    assert 5 <= len(response.context["formset"].forms) <= 600
    assert OptionGrant.objects.count() == 0
