"""Changing a grant or an award in the app (issue 17): the new-grant and new-award pages
filled with the record's terms and installments; the models decide what a change does."""

from datetime import date

import pytest
from django.urls import reverse

from grants import demo
from grants.models import OptionGrant, PaymentMethod, StockAward
from tests.factories import UserFactory, make_award
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE
from workspace.models import Change

pytestmark = pytest.mark.django_db


def grant_data(grant: OptionGrant, rows=None, **changes):
    rows = grant.installment_rows() if rows is None else rows
    data = {
        "plan": grant.plan_id,
        "optionee": grant.optionee.name,
        "option_type": grant.option_type,
        "grant_date": str(grant.grant_date),
        "shares": str(grant.shares),
        "exercise_price": str(grant.exercise_price),
        "expiration_date": str(grant.expiration_date),
        "minimum_exercise_shares": str(grant.minimum_exercise_shares),
        "post_termination_months": str(grant.post_termination_months),
        "disability_months": str(grant.disability_months),
        "death_months": str(grant.death_months),
        "authorized_by": grant.authorized_by,
        "notes": grant.notes,
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "schedule-start": str(grant.grant_date),
        "schedule-installments": "12",
        "schedule-interval_months": "3",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


def award_data(award: StockAward, rows=None, **changes):
    rows = award.installment_rows() if rows is None else rows
    data = {
        "plan": award.plan_id,
        "recipient": award.recipient.name,
        "award_type": award.award_type,
        "grant_date": str(award.grant_date),
        "shares": str(award.shares),
        "purchase_price": str(award.purchase_price),
        "withholding_rate": "",
        "election_83b": award.election_83b,
        "election_83b_on": "",
        "authorized_by": "",
        "authorized_on": "",
        "notes": "",
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "schedule-start": str(award.grant_date),
        "schedule-installments": "4",
        "schedule-interval_months": "12",
        "schedule-allocation": "CUMULATIVE_ROUND_DOWN",
        "action": "save",
    }
    for n, (day, shares) in enumerate(rows):
        data[f"installments-{n}-vest_date"] = str(day)
        data[f"installments-{n}-shares"] = str(shares)
    data.update(changes)
    return data


@pytest.mark.parametrize("role", [COMMITTEE, AUDITOR])
def test_only_compensation_admins_edit_grants_and_awards(client_for, seed_grant, role):
    award = make_award()
    client = client_for(role)
    for url, data in (
        (reverse("grants:edit", args=[seed_grant.pk]), grant_data(seed_grant, notes="x")),
        (reverse("grants:award-edit", args=[award.pk]), award_data(award, notes="x")),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    seed_grant.refresh_from_db()
    assert seed_grant.notes == ""


def test_the_grant_edit_page_is_filled_with_its_terms_and_installments(client_for, seed_grant):
    response = client_for(ADMIN).get(reverse("grants:edit", args=[seed_grant.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["shares"].value() == 1_000_000 and form["optionee"].value() == demo.OPTIONEE
    forms = response.context["formset"].forms
    rows = [(f.initial["vest_date"], f.initial["shares"]) for f in forms if f.initial]
    assert rows == demo.INSTALLMENTS
    assert len(forms) == len(rows) + 2  # two empty rows to add installments


def test_a_grant_awaiting_approval_has_no_approval_notice(client_for, seed_grant):
    OptionGrant.objects.filter(pk=seed_grant.pk).update(approved_at=None, approval_meeting="")
    response = client_for(ADMIN).get(reverse("grants:edit", args=[seed_grant.pk]))
    assert "approval-notice" not in response.content.decode()


def test_the_grant_page_links_to_its_edit_page_for_admins_only(client_for, seed_grant):
    url = reverse("grants:edit", args=[seed_grant.pk])
    assert url in client_for(ADMIN).get(seed_grant.get_absolute_url()).content.decode()
    assert url not in client_for(COMMITTEE).get(seed_grant.get_absolute_url()).content.decode()


def test_a_changed_grant_is_saved_and_the_history_shows_it(client_for, seed_grant):
    url = reverse("grants:edit", args=[seed_grant.pk])
    response = client_for(ADMIN).post(url, grant_data(seed_grant, authorized_by="Carl Berg"))
    assert response.status_code == 302 and response.url == seed_grant.get_absolute_url()
    seed_grant.refresh_from_db()
    assert seed_grant.authorized_by == "Carl Berg"
    assert seed_grant.installment_rows() == demo.INSTALLMENTS
    change = Change.objects.filter(record_type="grants.optiongrant", action="~").latest("at")
    assert change.user_name == "compadmin"
    assert ["authorized by", "", "Carl Berg"] in change.details


def test_a_material_change_to_an_approved_grant_returns_it_to_awaiting_approval(
    client_for, seed_grant
):
    assert seed_grant.approved_at is not None  # make_grant() makes it approved
    url = reverse("grants:edit", args=[seed_grant.pk])
    client = client_for(ADMIN)
    page = client.get(url).content.decode()
    assert "Saving a change to a material term returns the grant to awaiting approval" in page
    rows = demo.INSTALLMENTS[:-1] + [(demo.INSTALLMENTS[-1][0], 56_250 + 1)]
    response = client.post(url, grant_data(seed_grant, rows, shares="1000001"), follow=True)
    assert "approval was withdrawn" in response.content.decode()
    seed_grant.refresh_from_db()
    assert seed_grant.shares == 1_000_001 and seed_grant.approved_at is None
    assert "Approval withdrawn" in seed_grant.history.first().history_change_reason


def test_a_change_the_exercises_contradict_is_refused_as_a_form_error(client_for, seed_grant):
    seed_grant.exercise(100_000, date(2005, 8, 1), PaymentMethod.CASH)
    # Moving the first installment after the exercise leaves it exercised before vesting.
    rows = [(date(2005, 9, 1), 100_000), *demo.INSTALLMENTS[1:]]
    url = reverse("grants:edit", args=[seed_grant.pk])
    response = client_for(ADMIN).post(url, grant_data(seed_grant, rows))
    assert response.status_code == 200
    problems = " ".join(response.context["formset"].problems)
    assert "Exercise no. 1 (100,000 shares on 2005-08-01)" in problems
    assert "Exercise no. 1" in response.content.decode()
    assert seed_grant.installment_rows() == demo.INSTALLMENTS


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"shares": ""}, "shares", "This field is required."),
        ({"shares": "-5"}, "shares", "greater than or equal to 0"),
        ({"shares": "9" * 40}, "shares", "at most 30 characters"),
        ({"exercise_price": "1e999999"}, "exercise_price", "no more than 12 digits"),
        ({"notes": "Note\x00"}, "notes", "Null characters are not allowed."),
        ({"authorized_by": "x" * 10_000}, "authorized_by", "at most 200 characters"),
        ({"optionee": "Nobody Known"}, "optionee", "No one named"),
        ({"expiration_date": "2016-07-13"}, "expiration_date", "no more than 10 years"),
    ],
)
def test_bad_grant_input_is_refused_and_saves_nothing(
    client_for, seed_grant, changes, field, message
):
    before = Change.objects.count()
    url = reverse("grants:edit", args=[seed_grant.pk])
    response = client_for(ADMIN).post(url, grant_data(seed_grant, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    stored = OptionGrant.objects.get()
    assert (stored.shares, stored.notes, stored.authorized_by) == (1_000_000, "", "")
    assert Change.objects.count() == before


def test_installments_that_do_not_add_up_are_refused(client_for, seed_grant):
    url = reverse("grants:edit", args=[seed_grant.pk])
    response = client_for(ADMIN).post(url, grant_data(seed_grant, demo.INSTALLMENTS[:-1]))
    assert "not the grant's 1,000,000" in " ".join(response.context["formset"].problems)
    assert seed_grant.installment_rows() == demo.INSTALLMENTS


def test_an_award_is_changed_in_the_app(client_for, db):
    award = make_award()
    url = reverse("grants:award-edit", args=[award.pk])
    client = client_for(ADMIN)
    page = client.get(award.get_absolute_url()).content.decode()
    assert url in page
    response = client.get(url)
    assert response.context["form"]["shares"].value() == 4000
    rows = [(date(2007, 3, 1), 2000), (date(2008, 3, 1), 2000)]
    response = client.post(url, award_data(award, rows, notes="Two installments"))
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.notes == "Two installments" and award.installment_rows() == rows
    assert Change.objects.filter(record_type="grants.awardinstallment", action="-").exists()


def test_a_confirmed_vesting_cannot_be_changed_from_the_edit_page(client_for, db):
    award = make_award(withholding_rate="0.25")
    award.confirm_vesting(date(2007, 3, 1), withheld=None, by=UserFactory(username="clerk"))
    rows = [(date(2007, 3, 2), 1000), *award.installment_rows()[1:]]
    url = reverse("grants:award-edit", args=[award.pk])
    response = client_for(ADMIN).post(url, award_data(award, rows, withholding_rate="0.25"))
    assert response.status_code == 200
    assert "is confirmed" in " ".join(response.context["formset"].problems)
    assert award.installment_rows()[0] == (date(2007, 3, 1), 1000)


def test_a_material_change_to_an_approved_award_returns_it_to_awaiting_approval(
    committee_member,
):
    award = make_award()
    award.approve(by=committee_member, meeting="Committee meeting of 2006-02-15")
    award.purchase_price = award.purchase_price + 1
    award.save()
    award.refresh_from_db()
    assert award.approved_at is None and award.approval_meeting == ""
    assert "purchase_price changed" in award.history.first().history_change_reason
