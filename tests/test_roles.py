"""Each role and anonymous against each page: allowed, 403, or a redirect to login."""

import pytest
from django.contrib.auth.models import Group

from compensation.models import OfficerYear
from core import roles
from tests.factories import OfficerYearFactory

ANON, COMMITTEE, ADMIN, AUDITOR, NO_ROLE = None, "committee", "compadmin", "auditor", ""


@pytest.fixture
def proposal(db):
    return OfficerYearFactory(fiscal_year=2007, base_salary=260000)


def pages(record: OfficerYear) -> dict[str, str]:
    return {
        "home": "/",
        "roster": "/compensation/officers/",
        "person": f"/compensation/people/{record.person_id}/",
        "approve": f"/compensation/records/{record.pk}/approve/",
    }


# page -> role -> expected status of a GET
EXPECTED_GET = {
    "home": {COMMITTEE: 200, ADMIN: 200, AUDITOR: 200, NO_ROLE: 200},
    "roster": {COMMITTEE: 200, ADMIN: 200, AUDITOR: 200, NO_ROLE: 403},
    "person": {COMMITTEE: 200, ADMIN: 200, AUDITOR: 200, NO_ROLE: 403},
    "approve": {COMMITTEE: 200, ADMIN: 403, AUDITOR: 403, NO_ROLE: 403},
}


@pytest.mark.parametrize("page", EXPECTED_GET)
@pytest.mark.parametrize("role", [COMMITTEE, ADMIN, AUDITOR, NO_ROLE])
def test_each_role_gets_each_page_as_expected(client_for, proposal, page, role):
    response = client_for(role).get(pages(proposal)[page])
    assert response.status_code == EXPECTED_GET[page][role]


@pytest.mark.parametrize("page", EXPECTED_GET)
def test_anonymous_visitors_are_sent_to_login(client_for, proposal, page):
    url = pages(proposal)[page]
    response = client_for(ANON).get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_the_login_page_is_open_to_anonymous_visitors(client):
    assert client.get("/accounts/login/").status_code == 200


@pytest.mark.parametrize("role", [ADMIN, AUDITOR, NO_ROLE])
def test_only_committee_members_can_approve(client_for, proposal, role):
    response = client_for(role).post(
        pages(proposal)["approve"], {"meeting": "Committee meeting 2007-02-01"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == OfficerYear.Status.PROPOSED


def test_a_committee_member_approves_a_proposal_naming_the_meeting(client_for, proposal):
    client = client_for(COMMITTEE)
    response = client.post(pages(proposal)["approve"], {"meeting": "Committee meeting 2007-02-01"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == OfficerYear.Status.APPROVED
    assert proposal.approved_by.username == "committee"
    assert proposal.approval_meeting == "Committee meeting 2007-02-01"
    assert proposal.approved_at is not None


def test_approval_without_a_meeting_is_refused_and_saves_nothing(client_for, proposal):
    response = client_for(COMMITTEE).post(pages(proposal)["approve"], {"meeting": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == OfficerYear.Status.PROPOSED


@pytest.mark.parametrize("role", [COMMITTEE, AUDITOR, NO_ROLE])
def test_only_compensation_admins_reach_the_admin(client_for, role):
    response = client_for(role).get("/admin/compensation/officeryear/add/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_compensation_admins_add_records_in_the_admin_but_cannot_approve(client_for, proposal):
    client = client_for(ADMIN)
    assert client.get("/admin/compensation/officeryear/add/").status_code == 200
    page = client.get(f"/admin/compensation/officeryear/{proposal.pk}/change/").content.decode()
    # Status and approval are read-only there: no input for them.
    assert 'name="status"' not in page
    assert 'name="approved_by"' not in page
    assert client.get("/admin/compensation/officeryear/").status_code == 200
    assert client.get(f"/admin/compensation/officeryear/{proposal.pk}/delete/").status_code == 403


def test_the_groups_hold_exactly_the_powers_of_their_roles(db):
    def codenames(group: str) -> set[str]:
        return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

    committee, admins, auditors = (codenames(g) for g in roles.ROLES)
    assert {c for c in committee if not c.startswith("view_")} == {
        c for c in committee if c.startswith("approve_")
    }
    assert "approve_officeryear" in committee
    assert all(c.startswith(("view_", "add_", "change_")) for c in admins)
    assert {"add_officeryear", "change_officeryear", "add_person"} <= admins
    # Restricted stock (issue 15): admins enter awards and confirm vestings, the committee
    # approves awards, the committee and auditors read their history.
    assert {
        "add_stockaward",
        "change_stockaward",
        "add_awardinstallment",
        "change_awardinstallment",
        "add_awardvesting",
    } <= admins
    assert "approve_stockaward" in committee
    award_history = {
        "view_historicalstockaward",
        "view_historicalawardinstallment",
        "view_historicalawardvesting",
    }
    assert award_history <= committee and award_history <= auditors
    assert not award_history & admins
    assert not any(c.startswith(("approve_", "delete_")) for c in admins | auditors)
    assert all(c.startswith("view_") for c in auditors)
    # Everyone reads everything.
    views = {c for c in admins if c.startswith("view_")}
    assert views <= committee and views <= auditors
