"""Numbers typed or imported are bounded in length and size before they are converted
(issue 13): a share count of 1e999999 stalled a worker for 21 s and then answered 500,
1e999999999 got it killed, an import bonus of 1e999999 answered 500, and an exercise of
2,000,000,000 shares at $99,999,999.9999 overflowed the aggregate price's column. Each
answers a message, and nothing is saved by a refusal."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from compensation.models import OfficerYear, Person
from core.submissions import new_token
from grants import demo
from grants.models import Exercise, OptionGrant, VestingInstallment
from tests.factories import (
    PersonFactory,
    RegistrationPeriodFactory,
    StockPlanFactory,
    make_grant,
)

pytestmark = pytest.mark.django_db

HUGE = ["1e999999", "1e999999999"]


@pytest.fixture
def admin(client_for):
    return client_for("compadmin")


@pytest.fixture
def grant(db):
    RegistrationPeriodFactory(start_date=demo.GRANT_DATE, basis=demo.REGISTRATION_BASIS)
    return make_grant(
        demo.INSTALLMENTS,
        optionee=PersonFactory(name=demo.OPTIONEE),
        grant_date=demo.GRANT_DATE,
        expiration_date=demo.EXPIRATION,
    )


def exercise(client, grant, shares: str, on: str = "2007-03-01", **kwargs):
    return client.post(
        f"/grants/{grant.pk}/exercise/",
        {
            "exercise_date": on,
            "shares": shares,
            "payment_method": "cash",
            "submission_token": new_token(),
        },
        **kwargs,
    )


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ("1e999999", "Too many shares"),
        ("1e999999999", "Too many shares"),
        ("2,147,483,648", "Too many shares"),
        ("1" * 20, "Too many shares"),
        ("-1e999999999", "must be positive"),
        ("1e-999999999", "Whole shares only"),
    ],
)
def test_an_exercise_of_an_absurd_share_count_is_refused_at_once(admin, grant, shares, message):
    response = exercise(admin, grant, shares)
    assert response.status_code == 200
    assert message in response.context["form"].errors["shares"][0]
    assert Exercise.objects.count() == 0


@pytest.mark.parametrize("shares", HUGE)
def test_the_admins_exercise_form_refuses_an_absurd_share_count(admin, grant, shares):
    data = {"grant": grant.pk, "exercise_date": "2007-03-01", "shares": shares}
    response = admin.post("/admin/grants/exercise/add/", {**data, "payment_method": "cash"})
    assert response.status_code == 200
    assert "Too many shares" in response.content.decode()
    assert Exercise.objects.count() == 0


def test_the_grants_own_check_refuses_long_text_before_converting_it(grant):
    with pytest.raises(ValidationError, match="at most 30 characters"):
        grant.check_exercise("1" * 31, date(2007, 3, 1))
    with pytest.raises(ValidationError, match="at most 30 characters"):
        grant.check_exercise(10**5000, date(2007, 3, 1))  # past Python's str() limit


def new_grant(client, **changes):
    data = {
        "plan": StockPlanFactory().pk,
        "optionee": PersonFactory(name="Dana Holder").name,
        "option_type": "NSO",
        "grant_date": "2006-01-03",
        "shares": "1000",
        "exercise_price": "3",
        "expiration_date": "2016-01-03",
        "installments-TOTAL_FORMS": "1",
        "installments-INITIAL_FORMS": "0",
        "installments-0-vest_date": "2007-01-03",
        "installments-0-shares": "1000",
        "schedule-start": "2006-01-03",
        "schedule-immediate_shares": "0",
        "schedule-cliff_months": "0",
        "schedule-cliff_shares": "0",
        "schedule-installments": "4",
        "schedule-interval_months": "12",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
        "submission_token": new_token(),
        **changes,
    }
    return client.post("/grants/new/", data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shares", "1e999999", "Enter a whole number."),
        ("shares", "1e999999999", "Enter a whole number."),
        ("shares", "1" * 31, "Enter a number of at most 30 characters."),
        ("exercise_price", "1e999999999", "no more than 12 digits"),
        ("exercise_price", "3." + "0" * 40, "Enter a number of at most 30 characters."),
        ("minimum_exercise_shares", "9" * 40, "Enter a number of at most 30 characters."),
        ("installments-0-shares", "1e999999", "Enter a whole number."),
        ("installments-0-shares", "9" * 4000, "Enter a number of at most 30 characters."),
    ],
)
def test_the_new_grant_form_refuses_absurd_numbers(admin, field, value, message):
    response = new_grant(admin, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OptionGrant.objects.count() == 0


def test_a_grant_of_more_shares_than_a_column_holds_is_refused_on_every_database(admin):
    # Two installments each within their own bound, and a total PostgreSQL's column
    # refuses: SQLite's would hold it, so the form refuses it there too.
    response = new_grant(
        admin,
        shares="3000000000",
        **{
            "installments-TOTAL_FORMS": "2",
            "installments-0-shares": "1500000000",
            "installments-1-vest_date": "2008-01-03",
            "installments-1-shares": "1500000000",
        },
    )
    assert response.status_code == 200
    assert "less than or equal to 2147483647" in response.content.decode()
    assert OptionGrant.objects.count() == 0


@pytest.mark.parametrize("value", HUGE + ["9" * 4000])
def test_generating_a_schedule_refuses_absurd_share_counts(admin, value):
    response = new_grant(admin, action="generate", **{"schedule-immediate_shares": value})
    assert response.status_code == 200
    assert response.context["schedule"].errors["immediate_shares"]
    assert OptionGrant.objects.count() == 0


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("file.csv", text.encode(), content_type="text/csv")


def import_file(client, kind: str, text: str):
    return client.post("/imports/", {"kind": kind, "file": upload(text), "commit": "1"})


@pytest.mark.parametrize("shares", HUGE)
def test_an_imported_grant_of_an_absurd_share_count_is_a_row_error(admin, shares):
    StockPlanFactory()
    text = (
        "optionee,plan,grant_date,shares,exercise_price,expiration_date,vest_date,vest_shares\n"
        f"Dana Holder,2000 Stock Option Plan,2006-03-01,{shares},3.10,2016-03-01,"
        f"2007-03-01,{shares}\n"
    )
    response = import_file(admin, "grants", text)
    assert response.status_code == 200
    errors = response.context["result"].errors_by_row()[2]
    assert errors["shares"] == errors["vest_shares"] == "Enter a whole number."
    assert OptionGrant.objects.count() == VestingInstallment.objects.count() == 0
    assert not Person.objects.filter(name="Dana Holder").exists()


@pytest.mark.parametrize(
    ("bonus", "message"),
    [
        ("1e999999", "A bonus is at most $999,999,999,999.99."),
        ("1e999999999", "A bonus is at most $999,999,999,999.99."),
        ("1e-999999999", "Enter an amount in dollars and cents."),
        ("9" * 31, "Enter an amount of at most 30 characters."),
    ],
)
def test_an_imported_bonus_of_an_absurd_amount_is_a_row_error(admin, bonus, message):
    text = f"name,fiscal_year,title,base_salary,bonus\nNew Officer,2007,Controller,1,{bonus}\n"
    response = import_file(admin, "officer_years", text)
    assert response.status_code == 200
    assert response.context["result"].errors_by_row()[2]["bonus"] == message
    assert not OfficerYear.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("salary", HUGE)
def test_an_imported_salary_of_an_absurd_amount_is_a_row_error(admin, salary):
    text = f"name,fiscal_year,title,base_salary\nNew Officer,2007,Controller,{salary}\n"
    response = import_file(admin, "officer_years", text)
    assert "base_salary" in response.context["result"].errors_by_row()[2]
    assert not OfficerYear.objects.exists()


def test_the_largest_exercise_the_terms_allow_is_recorded_to_the_cent(admin):
    # 2,000,000,000 x $99,999,999.9999: numeric(18, 4) overflowed on PostgreSQL, and SQLite
    # kept an amount it could not read back.
    RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant(
        [(date(2006, 7, 13), 2_000_000_000)],
        plan=StockPlanFactory(shares_reserved=2_000_000_000),
        exercise_price=Decimal("99999999.9999"),
        minimum_exercise_shares=1,
    )
    response = exercise(admin, grant, "2,000,000,000", follow=True)
    assert response.status_code == 200
    assert (
        "Recorded the exercise of 2,000,000,000 shares on 2007-03-01 for "
        "$199,999,999,999,800,000.00." in response.content.decode()
    )
    recorded = Exercise.objects.get()
    assert recorded.aggregate_price == Decimal("199999999999800000.0000")
    assert admin.get(f"/grants/{grant.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--price", "1e999999999", "no more than 12 digits"),
        ("--price", "1" * 31, "Enter a number of at most 30 characters."),
        ("--year", "1e999999", "Enter a whole number."),
        ("--year", "2" * 31, "Enter a number of at most 30 characters."),
    ],
)
def test_the_export_command_refuses_absurd_numbers(tmp_path, option, value, message):
    report = "outstanding-equity-awards" if option == "--price" else "option-exercises"
    output = tmp_path / "report.csv"
    with pytest.raises(CommandError, match=message):
        call_command(
            "export_report", report, "--format", "csv", "--output", str(output), option, value
        )
    assert not output.exists()
