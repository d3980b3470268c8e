"""Issue 13: approval forgery through the admin's history, approvals that survive
material changes, and writes that would leave more exercised than vested."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from compensation.models import OfficerYear
from grants.models import OptionGrant
from tests.factories import (
    OfficerYearFactory,
    PersonFactory,
    RegistrationPeriodFactory,
    UserFactory,
    make_grant,
)
from tests.grants.test_admin import grant_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for("compadmin")


@pytest.fixture
def approver(db):
    return UserFactory(username="chair")


def change_post(grant: OptionGrant, rows, **changes) -> dict:
    """The admin change form of a grant with its installments edited in place to `rows`
    (stored installments beyond them deleted, rows beyond them added)."""
    stored = list(grant.installments.order_by("vest_date"))
    data = grant_post(grant, [], **changes)
    data["installments-TOTAL_FORMS"] = max(len(stored), len(rows))
    data["installments-INITIAL_FORMS"] = len(stored)
    for n in range(max(len(stored), len(rows))):
        data[f"installments-{n}-grant"] = grant.pk
        if n < len(stored):
            data[f"installments-{n}-id"] = stored[n].pk
        if n < len(rows):
            data[f"installments-{n}-vest_date"], data[f"installments-{n}-shares"] = rows[n]
        else:
            data[f"installments-{n}-vest_date"] = stored[n].vest_date.isoformat()
            data[f"installments-{n}-shares"] = stored[n].shares
            data[f"installments-{n}-DELETE"] = "on"
    return data


def test_the_history_revert_cannot_forge_an_approved_salary(admin_client, approver):
    record = OfficerYearFactory(base_salary=Decimal("200000"))
    record.approve(by=approver, meeting="Committee meeting 2006-02-01")
    approved_version = record.history.latest()
    admin = record.person  # the admin reopens and changes the figure through the app's rules
    record.return_to_proposed(by=approver, reason="typo")
    record.base_salary = Decimal("950000")
    record.save()
    url = f"/admin/compensation/officeryear/{record.pk}/history/{approved_version.history_id}/"
    # Compensation admins do not read the history (committee members and auditors do,
    # see below), and nobody reverts through it.
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(
        url,
        {
            "person": admin.pk,
            "fiscal_year": 2006,
            "title": record.title,
            "base_salary": "950000",
            "bonus": "",
            "status": "approved",
            "approval_meeting": "Committee meeting 2006-02-01",
        },
    )
    assert response.status_code == 403
    # Not even a superuser, who reads the history, can revert through it.
    root = Client()
    root.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert root.get(url).status_code == 200
    assert root.post(url, {"base_salary": "950000", "status": "approved"}).status_code == 403
    record.refresh_from_db()
    assert record.status == OfficerYear.Status.PROPOSED
    assert record.approved_by is None


def test_the_history_revert_cannot_rewrite_a_grant(admin_client, approver):
    RegistrationPeriodFactory()
    grant = make_grant([(date(2006, 1, 1), 2_000_000)], grant_date=date(2005, 7, 13))
    version = grant.history.latest()
    response = admin_client.post(
        f"/admin/grants/optiongrant/{grant.pk}/history/{version.history_id}/",
        grant_post(grant, [], shares=5_000_000),
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.shares == sum(s for _, s in grant.installment_rows()) == 2_000_000


def test_a_material_change_returns_an_approved_grant_to_awaiting_approval(admin_client, approver):
    RegistrationPeriodFactory()
    grant = make_grant([(date(2006, 1, 1), 5000), (date(2007, 1, 1), 5000)])  # approved
    rows = [("2006-01-01", 10_000), ("2007-01-01", 10_000)]
    response = admin_client.post(
        f"/admin/grants/optiongrant/{grant.pk}/change/",
        change_post(grant, rows, shares=20_000, exercise_price="1.50"),
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.shares == 20_000 and grant.approved_at is None and grant.approved_by is None
    reasons = [h.history_change_reason or "" for h in grant.history.all()]
    assert any("Approval withdrawn: shares, exercise_price changed" in r for r in reasons)
    # Awaiting approval again (the grant, from 2005, was still in force in 2010).
    assert OptionGrant.objects.awaiting_approval(date(2010, 1, 1)).filter(pk=grant.pk).exists()


def test_new_installments_alone_withdraw_the_approval(admin_client, approver):
    RegistrationPeriodFactory()
    # A grant still in force: the committee can approve it again.
    grant = make_grant(
        [(date(2021, 1, 1), 5000), (date(2022, 1, 1), 5000)], grant_date=date(2020, 7, 13)
    )
    response = admin_client.post(
        f"/admin/grants/optiongrant/{grant.pk}/change/",
        change_post(grant, [("2021-06-01", 5000), ("2022-06-01", 5000)]),
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.approved_at is None
    # Saving the grant as it is keeps an approval.
    grant.approve(by=approver, meeting="Meeting 2021-07-01")
    grant.notes = "A note is not a material term."
    grant.save()
    grant.refresh_from_db()
    assert grant.approved_at is not None


@pytest.fixture
def exercised_grant(db):
    """10,000 shares, all exercised on 2007-03-01."""
    RegistrationPeriodFactory()
    grant = make_grant(
        [(date(2006, 1, 1), 5000), (date(2007, 1, 1), 5000)],
        optionee=PersonFactory(name="Holder"),
    )
    grant.exercise(10_000, date(2007, 3, 1))
    return grant


def test_a_termination_that_would_leave_exercised_above_vested_is_refused(
    client_for, exercised_grant
):
    client = client_for("compadmin")
    person = exercised_grant.optionee
    response = client.post(
        f"/grants/people/{person.pk}/termination/",
        {"terminated_on": "2006-06-01", "termination_reason": "other", "action": "confirm"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Exercise no. 1 (10,000 shares on 2007-03-01)" in text
    assert "against 5,000 vested" in text
    person.refresh_from_db()
    assert person.terminated_on is None
    # A termination after the exercise is fine.
    response = client.post(
        f"/grants/people/{person.pk}/termination/",
        {"terminated_on": "2007-06-01", "termination_reason": "other", "action": "confirm"},
    )
    assert response.status_code == 302


def test_the_admin_refuses_the_same_termination(admin_client, exercised_grant):
    person = exercised_grant.optionee
    response = admin_client.post(
        f"/admin/compensation/person/{person.pk}/change/",
        {
            "name": person.name,
            "terminated_on": "2006-06-01",
            "termination_reason": "other",
            "short_swing_liability_until": "",
            "officer_years-TOTAL_FORMS": 0,
            "officer_years-INITIAL_FORMS": 0,
        },
    )
    assert "Exercise no. 1" in response.content.decode()
    person.refresh_from_db()
    assert person.terminated_on is None


@pytest.mark.parametrize(
    ("rows", "changes"),
    [
        ([("2006-01-01", 5000), ("2008-01-01", 5000)], {}),  # second installment moved later
        ([("2009-01-01", 5000), ("2010-01-01", 5000)], {}),  # all moved into the future
        # the grant shrunk below the exercise
        ([("2006-01-01", 500), ("2007-01-01", 500)], {"shares": 1000}),
    ],
)
def test_installment_and_term_edits_that_would_over_exercise_are_refused(
    admin_client, exercised_grant, rows, changes
):
    response = admin_client.post(
        f"/admin/grants/optiongrant/{exercised_grant.pk}/change/",
        change_post(exercised_grant, rows, **changes),
    )
    assert response.status_code == 200
    assert "Exercise no. 1 (10,000 shares on 2007-03-01)" in response.content.decode()
    exercised_grant.refresh_from_db()
    assert exercised_grant.shares == 10_000
    assert exercised_grant.installment_rows() == [
        (date(2006, 1, 1), 5000),
        (date(2007, 1, 1), 5000),
    ]


def test_footnotes_of_an_approved_record_change_only_after_reopening(admin_client, approver):
    from compensation.models import Footnote

    note = Footnote.objects.create(marker="1", text="Employment agreement.")
    record = OfficerYearFactory(base_salary=Decimal("200000"))
    record.approve(by=approver, meeting="Committee meeting")
    data = {
        "person": record.person_id,
        "fiscal_year": 2006,
        "title": record.title,
        "base_salary": "200000.00",
        "bonus": "",
        "footnotes": [note.pk],
    }
    url = f"/admin/compensation/officeryear/{record.pk}/change/"
    response = admin_client.post(url, data)
    assert "Return it to proposed before changing its footnotes" in response.content.decode()
    assert not record.footnotes.exists()
    record.return_to_proposed(by=approver, reason="add the footnote")
    assert admin_client.post(url, data).status_code == 302
    # The history keeps the footnotes of each version.
    latest = record.history.latest()
    assert [f.footnote_id for f in latest.footnotes.all()] == [note.pk]


@pytest.mark.parametrize(("role", "allowed"), [("compadmin", 403), ("auditor", 200)])
def test_the_admin_history_screens_are_for_committee_and_auditors(client_for, role, allowed):
    record = OfficerYearFactory(base_salary=Decimal("200000"))
    client = client_for(role)
    if role == "auditor":
        from django.contrib.auth.models import User

        User.objects.filter(username="auditor").update(is_staff=True)
    url = f"/admin/compensation/officeryear/{record.pk}/history/"
    assert client.get(url).status_code == allowed
    version = record.history.latest().history_id
    assert client.get(f"{url}{version}/").status_code == allowed


def test_the_dashboard_shows_changes_to_readers_of_history_and_accounts_to_no_one_else(
    client_for, db
):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    root_client = client_for("committee")
    root_client.force_login(root)
    root_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newhire",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
            "usable_password": "true",
        },
    )
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_repr="newhire").exists()
    committee = client_for("auditor").get("/")
    assert "newhire" not in committee.content.decode()
    assert committee.context["recent_changes"] is not None
    admin_page = client_for("compadmin").get("/")
    assert admin_page.context.get("recent_changes") is None
