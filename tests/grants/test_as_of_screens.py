"""Issue 12: figures as of a date never change when a later-dated fact is entered; each
case the review saw, through the screens and reports, on the demo data."""

from datetime import date
from decimal import Decimal

import pytest

from compensation.models import Person
from core.submissions import new_token
from grants.models import Exercise, GrantStatus, OptionGrant, RegistrationPeriod
from grants.models.service import record_end_of_service
from tests.factories import PersonFactory, RegistrationPeriodFactory, approved_grant, make_grant

pytestmark = pytest.mark.django_db

YEAR_END = date(2006, 12, 31)
OEA = "/reports/outstanding-equity-awards/?as_of=2006-12-31"


@pytest.fixture
def akridge(demo_data) -> OptionGrant:
    return approved_grant(OptionGrant.objects.select_related("optionee").get())


def end_service(person: Person, on: date, reason: str = "other", short_swing=None) -> None:
    person.terminated_on, person.termination_reason = on, reason
    person.short_swing_liability_until = short_swing
    record_end_of_service(person)


def oea_row(client) -> list[str]:
    report = client.get(OEA).context["report"]
    [row] = list(report.rows())
    return [row["exercisable"], row["unexercisable"]]


def review_figures(client) -> tuple:
    response = client.get(
        "/compensation/review/", {"year": 2006, "price": "5.00", "as_of": "2006-12-31"}
    )
    officer = next(o for o in response.context["officers"] if o["grants"])
    return officer["unvested"], officer["value"]


def grants_list(client, **params) -> dict[int, OptionGrant]:
    response = client.get("/grants/", {"as_of": "2006-12-31", **params})
    return {row.record.pk: row.record for row in response.context["table"].page.object_list}


def test_a_2007_termination_leaves_every_2006_figure_as_it_was(client_for, akridge):
    client = client_for("auditor")
    before = (oea_row(client), review_figures(client), grants_list(client)[akridge.pk].unvested)
    assert before[0] == [381_250, 618_750]
    end_service(akridge.optionee, date(2007, 2, 1))
    listed = grants_list(client)[akridge.pk]
    after = (oea_row(client), review_figures(client), listed.unvested)
    assert after == before
    assert (listed.forfeited, listed.status, listed.deadline_as_of) == (
        0,
        GrantStatus.ACTIVE,
        akridge.expiration_date,
    )
    # As of the termination date itself the later installments are forfeited.
    response = client.get(f"/grants/{akridge.pk}/?as_of=2007-02-01")
    assert response.context["figures"]["Forfeited"] == 562_500
    assert response.context["figures"]["Unvested"] == 0
    response = client.get(f"/grants/{akridge.pk}/?as_of=2006-12-31")
    assert response.context["figures"]["Forfeited"] == 0
    states = {row["state"] for row in response.context["installments"]}
    assert states == {"Vested", "Unvested"}


def test_a_grant_dated_after_the_as_of_date_is_not_counted(client_for, akridge):
    client = client_for("committee")
    before = review_figures(client)
    later = make_grant(
        [(date(2007, 6, 1), 20_000)],
        optionee=akridge.optionee,
        grant_date=date(2007, 6, 1),
        exercise_price=Decimal("1.00"),
        expiration_date=date(2017, 6, 1),
        plan=akridge.plan,
    )
    assert later.pk not in grants_list(client)
    assert later.pk not in grants_list(client, status="active")
    assert later.pk not in grants_list(client, sort="-vested")
    assert review_figures(client) == before
    assert oea_row(client) == [381_250, 618_750]
    response = client.get(f"/grants/{later.pk}/?as_of=2006-12-31")
    assert response.context["figures"]["Unvested"] == 0
    assert "did not exist yet" in response.content.decode()


def test_a_small_installment_is_exercised_under_exception_a_once(db):
    RegistrationPeriodFactory()
    grant = make_grant(
        [(date(2006, 1, 1), 999), (date(2006, 6, 1), 9_000)], grant_date=date(2005, 7, 13)
    )
    first = grant.exercise(999, date(2006, 7, 1))
    assert first.claimed_installment_date == date(2006, 1, 1)
    with pytest.raises(Exception) as refusal:
        grant.exercise(999, date(2006, 8, 1))
    assert "already been exercised under that exception" in str(refusal.value)
    assert Exercise.objects.count() == 1
    # The final exercise of everything left has no minimum, and claims nothing.
    last = grant.exercise(9_000, date(2006, 8, 1))
    assert last.claimed_installment_date is None


def test_two_small_installments_of_the_same_size_are_each_claimed_once(db):
    RegistrationPeriodFactory()
    grant = make_grant(
        [(date(2006, 1, 1), 500), (date(2006, 2, 1), 500), (date(2006, 6, 1), 9_000)],
        grant_date=date(2005, 7, 13),
    )
    assert grant.exercise(500, date(2006, 3, 1)).claimed_installment_date == date(2006, 1, 1)
    assert grant.exercise(500, date(2006, 3, 1)).claimed_installment_date == date(2006, 2, 1)
    with pytest.raises(Exception, match="Below the minimum"):
        grant.exercise(500, date(2006, 7, 1))


def test_a_late_entry_of_a_real_exercise_is_accepted_when_no_day_is_over_exercised(akridge):
    akridge.exercise(500_000, date(2007, 7, 13))  # 550,000 vested by then
    # 381,250 vested on 2006-12-31; 50,000 more then leaves 550,000 - 550,000 on 2007-07-13.
    assert akridge.most_to_record(date(2006, 12, 31))[0] == 50_000
    exercise = akridge.exercise(50_000, date(2006, 12, 31))
    assert exercise.shares == 50_000
    assert akridge.most_to_record(date(2006, 12, 31))[0] == 0


def test_the_exercise_panel_shows_what_the_refusal_allows(client_for, akridge):
    akridge.exercise(300_000, date(2007, 3, 1))  # 437,500 vested then
    client = client_for("compadmin")
    terms = client.get(f"/grants/{akridge.pk}/exercise/terms.json?on=2006-08-01").json()
    # 325,000 vested on 2006-08-01, but only 137,500 are left on 2007-03-01.
    assert terms["exercisable"] == 137_500
    assert "2007-03-01" in terms["why"]
    response = client.post(
        f"/grants/{akridge.pk}/exercise/",
        {
            "shares": "137501",
            "exercise_date": "2006-08-01",
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert "at most 137,500 shares" in response.content.decode()
    response = client.post(
        f"/grants/{akridge.pk}/exercise/",
        {
            "shares": "137500",
            "exercise_date": "2006-08-01",
            "payment_method": "cash",
            "submission_token": new_token(),
        },
    )
    assert response.status_code == 302


def test_a_short_swing_deadline_already_past_is_not_reopened_by_a_later_gap(db):
    """Rule (iv) gives a deadline before D; a registration gap after D (rule (iii)) moves
    the stored deadline later. As known on D the window had closed."""
    period = RegistrationPeriodFactory(start_date=date(2000, 1, 1))
    grant = make_grant(grant_date=date(2005, 7, 13))
    end_service(grant.optionee, date(2007, 2, 1), short_swing=date(2007, 2, 5))
    grant.refresh_from_db()
    assert grant.deadline == date(2007, 2, 15)
    on = date(2007, 3, 1)
    expired = OptionGrant.objects.with_status_of(GrantStatus.EXPIRED, on)
    assert list(expired) == [grant]
    # Registration lapses from 2007-04-01 (an end dated after D): rule (iii) applies.
    period.end_date = date(2007, 3, 31)
    period.save()
    RegistrationPeriod.objects.create(start_date=date(2007, 6, 1), basis="S-8 again")
    grant.refresh_from_db()
    assert grant.deadline > on
    assert grant.status_on(on) == GrantStatus.EXPIRED
    [annotated] = OptionGrant.objects.filter(pk=grant.pk).with_vesting_totals(on).with_status(on)
    assert (annotated.status, annotated.exercisable) == (GrantStatus.EXPIRED, 0)
    assert annotated.deadline_as_of == date(2007, 2, 15)
    assert list(OptionGrant.objects.with_status_of(GrantStatus.EXPIRED, on)) == [grant]


def test_statuses_and_running_totals_do_not_mislead(client_for, akridge):
    akridge.exercise(381_250, date(2006, 12, 31))
    end_service(akridge.optionee, date(2007, 1, 1))
    client = client_for("compadmin")
    response = client.get(f"/grants/{akridge.pk}/?as_of=2007-06-01")
    assert "Vested shares exercised, rest forfeited" in response.content.decode()
    assert "Fully exercised" not in response.content.decode()
    rows = response.context["installments"]
    assert rows[-1]["state"] == "Forfeited" and rows[-1]["running"] is None
    assert max(r["running"] or 0 for r in rows) == 381_250
    # Nothing is left to exercise: no "Record an exercise" button.
    assert "Record an exercise" not in response.content.decode()
    csv = client.get(f"/reports/vesting-schedule/?grant={akridge.pk}&_export=csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[-1].split(",")[4].startswith("Forfeited (service ended 2007-01-01)")
    assert lines[-1].split(",")[5] == ""


def test_an_expired_grant_offers_no_exercise(client_for, db):
    RegistrationPeriodFactory()
    grant = make_grant(grant_date=date(2005, 7, 13), optionee=PersonFactory(name="Expired"))
    end_service(grant.optionee, date(2008, 1, 1))
    response = client_for("compadmin").get(grant.get_absolute_url())
    assert "Record an exercise" not in response.content.decode()
