"""Corrections without deleting (issue 17): an exercise entered by mistake is reversed
(kept, struck through, in the history, left out of every figure for every date); a
registration period is ended or corrected, and overlaps warn; an end of service entered
by mistake is withdrawn with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from compensation.models import Person
from grants.models import Exercise, OptionGrant, RegistrationPeriod, StockPrice
from grants.models.service import record_end_of_service, withdraw_end_of_service
from reports.definitions import REPORTS
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    UserFactory,
    make_grant,
)
from workspace.models import Change

pytestmark = pytest.mark.django_db

ADMIN, COMMITTEE, AUDITOR = "compadmin", "committee", "auditor"


@pytest.fixture
def grant():
    """Alice Able, an officer in 2006: 10,000 shares at $2.99 granted 2005-07-13 vesting
    2,500 a year; 2,500 exercised on 2006-08-01 (closing price $4.00)."""
    RegistrationPeriodFactory()
    alice = PersonFactory(name="Alice Able")
    OfficerYearFactory(
        person=alice, fiscal_year=2006, title="Chief Executive Officer", is_peo=True, approved=True
    )
    StockPrice.objects.create(date=date(2006, 8, 1), price=Decimal("4.00"))
    grant = make_grant(optionee=alice)
    grant.exercise(2_500, date(2006, 8, 1))
    return grant


def figures(grant_pk: int, on: date) -> tuple:
    grant = OptionGrant.objects.select_related("optionee").get(pk=grant_pk)
    row = OptionGrant.objects.filter(pk=grant_pk).with_vesting_totals(on).with_status(on).get()
    return (
        grant.exercised_shares(on),
        grant.exercisable_shares(on),
        grant.outstanding_shares(),
        grant.status_on(on),
        row.exercised,
        row.exercisable,
        row.status,
    )


def pool(on: str) -> dict:
    [row] = list(REPORTS["plan-pool"].from_data({"as_of": on}).rows())
    return row


def exercises_402g(year: str) -> list:
    return [
        (r["name"], r["shares"])
        for r in REPORTS["option-exercises"].from_data({"year": year}).rows()
    ]


def exercisable_402f(year: str) -> list:
    report = REPORTS["outstanding-equity-awards"].from_data({"year": year})
    return [r["exercisable"] for r in report.rows()]


def test_a_reversed_exercise_counts_nowhere_for_any_date(grant):
    before = {on: figures(grant.pk, on) for on in (date(2006, 8, 1), date(2006, 12, 31))}
    assert before[date(2006, 12, 31)][0] == 2_500 and before[date(2006, 12, 31)][4] == 2_500
    assert pool("2006-12-31")["exercised"] == 2_500
    assert exercises_402g("2006") == [("Alice Able", 2_500)]
    assert exercisable_402f("2006") == [2_500]  # 5,000 vested less 2,500 exercised

    admin = UserFactory(username="reverser")
    Exercise.objects.get().reverse(by=admin, reason="Typed on the wrong grant")

    for on in (date(2006, 8, 1), date(2006, 12, 31), date(2010, 1, 1)):
        exercised, exercisable, outstanding, status, sql_exercised, sql_exercisable, sql_status = (
            figures(grant.pk, on)
        )
        assert exercised == sql_exercised == 0
        assert exercisable == sql_exercisable == grant.vested_shares(on)
        assert outstanding == 10_000
        assert status == sql_status == "active"
    assert pool("2006-12-31")["exercised"] == 0
    assert exercises_402g("2006") == []
    assert exercisable_402f("2006") == [5_000]
    # Both entries kept: the exercise stays, with the correction on it.
    exercise = Exercise.objects.get()
    assert exercise.shares == 2_500 and exercise.reversal_reason == "Typed on the wrong grant"
    assert exercise.reversed_by == admin and exercise.reversed_at is not None


def test_a_reversed_exercise_gives_back_the_room_and_the_small_installment():
    RegistrationPeriodFactory()
    grant = make_grant([(date(2005, 7, 13), 999), (date(2006, 7, 13), 9_001)])
    first = grant.exercise(999, date(2005, 8, 1))  # the small installment, under 3(a)
    with pytest.raises(ValidationError):
        OptionGrant.objects.get(pk=grant.pk).exercise(999, date(2005, 8, 2))
    first.reverse(by=UserFactory(), reason="Duplicate entry")
    again = OptionGrant.objects.get(pk=grant.pk).exercise(999, date(2005, 8, 2))
    assert again.claimed_installment_date == date(2005, 7, 13) and again.sequence == 2


def test_a_reversal_is_not_reversed_again(grant):
    exercise = Exercise.objects.get()
    exercise.reverse(by=UserFactory(), reason="Wrong grant")
    with pytest.raises(ValidationError, match="already reversed"):
        Exercise.objects.get().reverse(by=UserFactory(), reason="Again")


def test_the_database_refuses_a_reversal_without_a_reason(grant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.update(reversed_at="2026-01-01T00:00:00Z")


def test_both_the_exercise_and_its_reversal_are_in_the_history(grant, client_for):
    admin = client_for(ADMIN)
    exercise = Exercise.objects.get()
    response = admin.post(
        f"/grants/exercises/{exercise.pk}/reverse/", {"reason": "Entered on the wrong day"}
    )
    assert response.status_code == 302
    changes = Change.objects.filter(record_type="grants.exercise", object_id=exercise.pk)
    assert list(changes.order_by("at", "id").values_list("action", flat=True)) == ["+", "~"]
    reversal = changes.get(action="~")
    assert reversal.reason == "Reversed by compadmin: Entered on the wrong day"
    assert reversal.user_name == "compadmin" and reversal.subject.endswith(", reversed")
    assert ["reversal reason", "", "Entered on the wrong day"] in reversal.details
    html = client_for(AUDITOR).get(f"/history/optiongrant/{grant.pk}/").content.decode()
    assert "Reversed by compadmin: Entered on the wrong day" in html


def test_the_grant_page_strikes_the_reversed_exercise_through(grant, client_for):
    admin = client_for(ADMIN)
    exercise = Exercise.objects.get()
    page = admin.get(f"/grants/{grant.pk}/?as_of=2006-12-31").content.decode()
    assert f'href="/grants/exercises/{exercise.pk}/reverse/"' in page
    admin.post(f"/grants/exercises/{exercise.pk}/reverse/", {"reason": "Wrong grant"})
    response = admin.get(f"/grants/{grant.pk}/?as_of=2006-12-31")
    page = response.content.decode()
    assert 'data-reversed="yes"' in page and "<s>2,500</s>" in page
    assert "by compadmin: Wrong grant" in page
    assert response.context["figures"]["Exercised"] == 0
    assert f'href="/grants/exercises/{exercise.pk}/reverse/"' not in page
    # Reversing again: the page says it was, and a POST is refused with the message.
    again = admin.post(f"/grants/exercises/{exercise.pk}/reverse/", {"reason": "Again"})
    assert again.status_code == 400 and "already reversed" in again.content.decode()


@pytest.mark.parametrize("role", [COMMITTEE, AUDITOR, ""])
def test_only_admins_reverse(grant, client_for, role):
    exercise = Exercise.objects.get()
    client = client_for(role)
    url = f"/grants/exercises/{exercise.pk}/reverse/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "No"}).status_code == 403
    assert Exercise.objects.get().reversed_at is None


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Say why"),
        ("   ", "Say why"),
        ("x" * 10_000, "at most 500 characters"),
        ("bad\x00reason", "Null characters are not allowed"),
    ],
)
def test_a_reversal_with_a_bad_reason_saves_nothing(grant, client_for, reason, message):
    exercise = Exercise.objects.get()
    response = client_for(ADMIN).post(
        f"/grants/exercises/{exercise.pk}/reverse/", {"reason": reason}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Exercise.objects.get().reversed_at is None
    assert not Change.objects.filter(record_type="grants.exercise", action="~").exists()


def test_the_model_refuses_a_bad_reason_from_any_path(grant):
    exercise = Exercise.objects.get()
    for reason in ("", "x" * 501, "a\x00b", None):
        with pytest.raises(ValidationError):
            exercise.reverse(by=UserFactory(), reason=reason)
    assert Exercise.objects.get().reversed_at is None


def test_the_grant_page_reads_the_same_queries_with_a_reversal(
    grant, client_for, django_assert_num_queries
):
    admin = client_for(ADMIN)
    admin.get(f"/grants/{grant.pk}/")
    with CaptureQueriesContext(connection) as before:
        admin.get(f"/grants/{grant.pk}/")
    Exercise.objects.get().reverse(by=UserFactory(), reason="Wrong grant")
    OptionGrant.objects.get(pk=grant.pk).exercise(1_000, date(2006, 9, 1))
    with django_assert_num_queries(len(before.captured_queries)):
        admin.get(f"/grants/{grant.pk}/")


# --- Registration periods ------------------------------------------------------------------


def test_an_admin_ends_an_open_period_and_the_history_says_who(client_for):
    period = RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    response = client_for(ADMIN).post(
        f"/grants/registration/{period.pk}/end/", {"end_date": "2007-03-01"}, follow=True
    )
    period.refresh_from_db()
    assert period.end_date == date(2007, 3, 1)
    assert "Ended the registration period on 2007-03-01" in response.content.decode()
    change = Change.objects.filter(record_type="grants.registrationperiod", action="~").get()
    assert change.reason == "Ended by compadmin"


def test_ending_a_period_refreshes_the_deadlines_it_moves():
    # Left 2007-02-01 for an "other" reason: 3 months to 2007-05-01 while registered.
    period = RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    grant = make_grant()
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    grant.refresh_from_db()
    assert grant.deadline == date(2007, 5, 1)
    period.end(date(2007, 3, 1), by=UserFactory())
    RegistrationPeriodFactory(start_date=date(2007, 4, 1))
    grant.refresh_from_db()
    assert grant.deadline == date(2007, 5, 31)  # DOMAIN.md §2's example of rule (iii)


@pytest.mark.parametrize(
    "end_date, message",
    [
        ("2004-12-31", "cannot end before it starts"),
        ("", "This field is required"),
        ("2007-02-30", "Enter a valid date"),
        ("9999-01-01", "Enter a date between"),
        ("\x00", "Enter a valid date"),
    ],
)
def test_a_bad_end_date_is_refused_and_nothing_saved(client_for, end_date, message):
    period = RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    response = client_for(ADMIN).post(
        f"/grants/registration/{period.pk}/end/", {"end_date": end_date}, follow=True
    )
    assert message in response.content.decode()
    period.refresh_from_db()
    assert period.end_date is None


def test_a_period_already_ended_is_corrected_by_editing_it(client_for):
    period = RegistrationPeriodFactory(start_date=date(2005, 1, 1), end_date=date(2006, 1, 1))
    admin = client_for(ADMIN)
    response = admin.post(
        f"/grants/registration/{period.pk}/end/", {"end_date": "2007-01-01"}, follow=True
    )
    assert "already ended on 2006-01-01" in response.content.decode()
    admin.post(
        f"/grants/registration/{period.pk}/",
        {"start_date": "2005-01-01", "end_date": "2006-06-30", "basis": "Form S-8 effective"},
    )
    period.refresh_from_db()
    assert period.end_date == date(2006, 6, 30)


def test_an_overlapping_period_is_saved_with_a_warning_and_marked_on_the_list(client_for):
    RegistrationPeriodFactory(start_date=date(2005, 1, 1), end_date=date(2006, 12, 31))
    RegistrationPeriodFactory(start_date=date(2010, 1, 1), end_date=date(2010, 6, 30))
    admin = client_for(ADMIN)
    response = admin.post(
        "/grants/registration/new/",
        {"start_date": "2006-07-01", "end_date": "", "basis": "Exemption"},
        follow=True,
    )
    text = response.content.decode()
    assert RegistrationPeriod.objects.count() == 3
    assert "This period overlaps 2005-01-01 – 2006-12-31 (Form S-8 effective)" in text
    assert "2010-01-01 – 2010-06-30" in text  # an open period overlaps every later one
    listing = client_for(AUDITOR).get("/grants/registration/").content.decode()
    assert listing.count('data-overlaps="yes"') == 3
    # No warning where nothing overlaps.
    quiet = admin.post(
        "/grants/registration/new/",
        {"start_date": "2001-01-01", "end_date": "2001-12-31", "basis": "Old S-8"},
        follow=True,
    )
    assert "This period overlaps" not in quiet.content.decode()


def test_only_admins_end_periods(client_for):
    period = RegistrationPeriodFactory(start_date=date(2005, 1, 1))
    for role in (COMMITTEE, AUDITOR):
        response = client_for(role).post(
            f"/grants/registration/{period.pk}/end/", {"end_date": "2007-03-01"}
        )
        assert response.status_code == 403
    period.refresh_from_db()
    assert period.end_date is None


# --- Termination withdrawal ----------------------------------------------------------------


@pytest.fixture
def terminated():
    """Left 2007-02-01 for an "other" reason: the 2007-07-13 and 2008-07-13 installments
    are forfeited and the deadline is 2007-05-01."""
    RegistrationPeriodFactory()
    grant = make_grant()
    person = grant.optionee
    person.terminated_on, person.termination_reason = date(2007, 2, 1), "other"
    record_end_of_service(person)
    return grant


def test_withdrawing_a_termination_undoes_everything_it_changed(terminated, client_for):
    person = terminated.optionee
    terminated.refresh_from_db()
    assert terminated.deadline == date(2007, 5, 1)
    assert terminated.forfeited_shares(date(2007, 12, 31)) == 5_000
    response = client_for(ADMIN).post(
        f"/grants/people/{person.pk}/termination/withdraw/", {"reason": "Wrong person"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.terminated_on is None and person.termination_reason == ""
    grant = OptionGrant.objects.get(pk=terminated.pk)
    assert grant.deadline == grant.expiration_date
    assert grant.forfeited_shares(date(2007, 12, 31)) == 0
    row = OptionGrant.objects.filter(pk=grant.pk).with_vesting_totals(date(2008, 12, 31)).get()
    assert (row.vested, row.forfeited) == (10_000, 0)
    change = Change.objects.filter(record_type="compensation.person", action="~").latest("id")
    assert change.reason == "Termination withdrawn by compadmin: Wrong person"
    assert ["terminated on", "2007-02-01", ""] in change.details


def test_the_person_page_offers_the_withdrawal_to_admins_only(terminated, client_for):
    url = f"/compensation/people/{terminated.optionee_id}/"
    withdraw = f"/grants/people/{terminated.optionee_id}/termination/withdraw/"
    assert withdraw in client_for(ADMIN).get(url).content.decode()
    assert withdraw not in client_for(AUDITOR).get(url).content.decode()
    for role in (COMMITTEE, AUDITOR):
        assert client_for(role).post(withdraw, {"reason": "No"}).status_code == 403
    assert Person.objects.get(pk=terminated.optionee_id).terminated_on is not None


def test_nothing_to_withdraw_is_refused(client_for):
    person = PersonFactory()
    with pytest.raises(ValidationError, match="nothing to withdraw"):
        withdraw_end_of_service(person, by=None, reason="Mistake")
    response = client_for(ADMIN).post(
        f"/grants/people/{person.pk}/termination/withdraw/", {"reason": "Mistake"}
    )
    assert response.status_code == 400 and "nothing to withdraw" in response.content.decode()


@pytest.mark.parametrize(
    "reason, message",
    [("", "Say why"), ("y" * 10_000, "at most 500 characters"), ("a\x00b", "Null characters")],
)
def test_a_withdrawal_with_a_bad_reason_saves_nothing(terminated, client_for, reason, message):
    person = terminated.optionee
    response = client_for(ADMIN).post(
        f"/grants/people/{person.pk}/termination/withdraw/", {"reason": reason}
    )
    assert response.status_code == 400 and message in response.content.decode()
    person.refresh_from_db()
    assert person.terminated_on == date(2007, 2, 1)


def test_the_admin_site_shows_the_reversal_read_only(grant, client_for):
    exercise = Exercise.objects.get()
    exercise.reverse(by=UserFactory(username="chief-admin"), reason="Duplicate of no. 2")
    html = client_for(ADMIN).get(f"/admin/grants/exercise/{exercise.pk}/change/").content.decode()
    assert "Duplicate of no. 2" in html and "chief-admin" in html
    assert 'name="reversal_reason"' not in html
