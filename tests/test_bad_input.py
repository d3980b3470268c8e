"""Bad input on every form: a field error, and the database exactly as it was."""

import pytest
from django.core import serializers

from compensation.models import OfficerYear, Person
from core.submissions import new_token
from grants.models import Exercise, OptionGrant, RegistrationPeriod, StockPlan, StockPrice

pytestmark = pytest.mark.django_db

NEGATIVE, ZERO, FRACTION, HUGE, TEXT, EMPTY = "-1", "0", "1.5", "1" + "0" * 25, "abc", ""
BAD_WHOLE = [NEGATIVE, ZERO, FRACTION, HUGE, TEXT, EMPTY]
BAD_AMOUNT = [NEGATIVE, "1.123456", HUGE, TEXT, EMPTY]
BAD_DATES = ["2007-02-30", "2007-13-01", "01/02/2007", "yesterday", "", "99999-01-01"]
LONG = "x" * 201


def snapshot() -> str:
    """Everything the forms could write, serialized, to compare before and after."""
    models = [OptionGrant, Exercise, StockPrice, RegistrationPeriod, Person, OfficerYear, StockPlan]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def case_table(grant, person, record, price, period):
    grant_form = {
        "plan": grant.plan_id,
        "optionee": person.name,
        "option_type": "NSO",
        "grant_date": "2006-01-03",
        "shares": "1000",
        "exercise_price": "3",
        "expiration_date": "2016-01-03",
        "installments-TOTAL_FORMS": "1",
        "installments-INITIAL_FORMS": "0",
        "installments-0-vest_date": "2007-01-03",
        "installments-0-shares": "1000",
        "action": "save",
        "submission_token": new_token(),
    }
    return [
        (
            "/grants/prices/new/",
            {"date": "2006-01-03", "price": "3"},
            {"price": BAD_AMOUNT, "date": BAD_DATES},
        ),
        (
            f"/grants/prices/{price.pk}/",
            {"date": "2005-07-13", "price": "3"},
            {"price": BAD_AMOUNT, "date": BAD_DATES},
        ),
        (
            "/grants/registration/new/",
            {"start_date": "2006-01-03", "end_date": "", "basis": "S-8"},
            {"start_date": BAD_DATES, "end_date": [d for d in BAD_DATES if d], "basis": [LONG, ""]},
        ),
        (
            f"/grants/registration/{period.pk}/",
            {"start_date": "2005-07-13", "end_date": "2007-01-01", "basis": "S-8"},
            {"end_date": ["2005-07-01", "2007-02-30"]},
        ),  # before the start; not a date
        (
            f"/grants/{grant.pk}/exercise/",
            {
                "exercise_date": "2007-03-01",
                "shares": "1000",
                "payment_method": "cash",
                "submission_token": new_token(),
            },
            {"shares": BAD_WHOLE, "exercise_date": BAD_DATES, "payment_method": ["barter", ""]},
        ),
        (
            "/grants/new/",
            grant_form,
            {
                "shares": BAD_WHOLE,
                "exercise_price": BAD_AMOUNT,
                "grant_date": BAD_DATES,
                "expiration_date": BAD_DATES + ["2005-01-01"],  # before the grant date
                "minimum_exercise_shares": [NEGATIVE, ZERO, FRACTION, HUGE, TEXT],
                "post_termination_months": [NEGATIVE, FRACTION, HUGE, TEXT],
                "authorized_by": [LONG],
                "optionee": ["Nobody On Record", "", str(person.pk), LONG],
                "installments-0-shares": BAD_WHOLE,
                "installments-0-vest_date": BAD_DATES,
            },
        ),
        (
            f"/grants/people/{person.pk}/termination/",
            {"terminated_on": "2007-02-01", "termination_reason": "other", "action": "confirm"},
            {
                "terminated_on": BAD_DATES,
                "termination_reason": ["", "retired"],
                "short_swing_liability_until": [d for d in BAD_DATES if d],
            },
        ),
        (
            f"/compensation/records/{record.pk}/approve/",
            {"meeting": "Meeting 2007-02-01"},
            {"meeting": [LONG, "", "   "]},
        ),
    ]


@pytest.fixture
def cases(demo_data):
    from datetime import date

    grant = OptionGrant.objects.get()
    person = grant.optionee
    record = OfficerYear.objects.create(
        person=person, fiscal_year=2007, title="CEO", base_salary=260000
    )
    price = StockPrice.objects.get(date=date(2005, 7, 13))
    period = RegistrationPeriod.objects.get()
    return case_table(grant, person, record, price, period)


def expand(cases):
    for url, valid, fields in cases:
        for field, values in fields.items():
            for value in values:
                yield url, valid, field, value


def test_every_bad_value_is_a_field_error_and_saves_nothing(client_for, cases):
    clients = {"approve": client_for("committee")}
    admin = client_for("compadmin")
    before = snapshot()
    checked = 0
    for url, valid, field, value in expand(cases):
        client = clients["approve"] if url.endswith("/approve/") else admin
        response = client.post(url, {**valid, field: value})
        where = f"{url} {field}={value!r}"
        assert response.status_code == 200, where
        form = response.context["form"]
        formset = response.context.get("formset")
        errors = dict(form.errors)
        if formset is not None:
            for row in formset.forms:
                errors.update({f"installments-0-{k}": v for k, v in row.errors.items()})
        assert errors, where
        assert snapshot() == before, where
        checked += 1
    assert checked > 80


def test_digits_that_are_not_ascii_are_refused_not_a_500(client_for, demo_data):
    # "²".isdigit() is true, but int("²") fails: every id and year read by hand checks ASCII.
    committee = client_for("committee")
    response = committee.post("/grants/approvals/", {"salary": "²", "meeting": "M"})
    assert response.status_code in (200, 302)
    person = Person.objects.get(name="James R. Akridge")
    admin = client_for("compadmin")
    assert admin.get(f"/compensation/people/{person.pk}/records/new/?year=²²²²").status_code == 200
    assert committee.get("/grants/approvals/?page=²").status_code == 200
