"""Approving grants: only the committee approves, once, and the queue pages oldest first."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from compensation.models import Person
from grants.models import OptionGrant
from tests.factories import PersonFactory, UserFactory, make_award, make_grant
from tests.grants.conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE, many_grants

pytestmark = pytest.mark.django_db
APPROVAL = {"meeting": "Compensation Committee meeting of 2024-02-15", "confirm": "on"}


@pytest.fixture
def pending():
    """A grant still in force, awaiting the committee's approval."""
    return make_grant(grant_date=date(2024, 1, 13), approved=False)


@pytest.mark.parametrize("role", [ADMIN, AUDITOR, NO_ROLE])
def test_only_the_committee_approves_a_grant(client_for, pending, role):
    assert client_for(role).post(f"/grants/{pending.pk}/approve/", APPROVAL).status_code == 403
    pending.refresh_from_db()
    assert pending.approved_at is None


def test_a_committee_member_approves_a_grant_once(client_for, pending):
    client = client_for(COMMITTEE)
    assert client.post(f"/grants/{pending.pk}/approve/", APPROVAL).status_code == 302
    pending.refresh_from_db()
    assert pending.approved_by.username == "committee" and pending.approved_at
    assert pending.approval_meeting == APPROVAL["meeting"]
    first = pending.approved_at
    response = client.post(f"/grants/{pending.pk}/approve/", APPROVAL, follow=True)
    assert "already approved" in response.content.decode()
    pending.refresh_from_db()
    assert pending.approved_at == first


def test_approval_never_redirects_off_site(client_for, pending):
    response = client_for(COMMITTEE).post(
        f"/grants/{pending.pk}/approve/", {**APPROVAL, "next": "https://evil.example.com/"}
    )
    assert response.url == f"/grants/{pending.pk}/"


def test_the_approvals_queue_pages_oldest_first_and_approving_returns_to_the_page(client_for):
    many_grants(60)
    # Still in force: an expired grant is no longer offered for approval.
    Person.objects.update(terminated_on=None, termination_reason="")
    OptionGrant.objects.update(expiration_date=date(2035, 7, 13))
    client = client_for(COMMITTEE)
    first = client.get("/grants/approvals/")
    assert len(first.context["grants"]) == 50 and first.context["grants"].paginator.count == 60
    assert "Page 1 of 2" in first.content.decode()
    # The next page of grants keeps the page of awards shown.
    assert 'href="?page=2&amp;awards_page=1">Next</a>' in first.content.decode()
    dates = [g.grant_date for g in first.context["grants"]]
    assert dates == sorted(dates)
    second = client.get("/grants/approvals/?page=2")
    assert len(second.context["grants"]) == 10
    grant = second.context["grants"][0]
    response = client.post(
        f"/grants/{grant.pk}/approve/", {**APPROVAL, "next": "/grants/approvals/?page=2"}
    )
    assert response.status_code == 302 and response.url == "/grants/approvals/?page=2"
    grant.refresh_from_db()
    assert grant.approved_at is not None
    assert client.get("/grants/approvals/").context["grants"].paginator.count == 59


def test_awards_waiting_are_paged_and_none_is_left_out(client_for):
    """Every award waiting is reachable: a page at a time, with the count (the queue used
    to show the first 100 and leave the rest out)."""
    for n in range(55):
        make_award(
            [(date(2030, 1, 1), 10)],
            recipient=PersonFactory(name=f"Holder {n:02}"),
            grant_date=date(2006, 1, 1) + timedelta(days=n),
        )
    client = client_for(COMMITTEE)
    first = client.get("/grants/approvals/")
    awards = first.context["awards"]
    assert len(awards) == 50 and awards.paginator.count == 55
    html = first.content.decode()
    assert 'href="?page=1&amp;awards_page=2#awards-h"' in html
    second = client.get("/grants/approvals/?page=1&awards_page=2")
    names = [a.recipient.name for a in second.context["awards"]]
    assert names == [f"Holder {n:02}" for n in range(50, 55)]
    # Approving from the second page returns to it.
    award = second.context["awards"][0]
    response = client.post(
        "/grants/approvals/?page=1&awards_page=2",
        {"award": [award.pk], "meeting": "Compensation Committee meeting of 2024-02-15"},
    )
    assert response.status_code == 302
    assert response.url == "/grants/approvals/?page=1&awards_page=2"
    award.refresh_from_db()
    assert award.approved_at is not None
    # A page number that is not one is left out of where an approval returns to.
    returned = client.post(
        "/grants/approvals/?page=2&awards_page=x²",
        {"award": [second.context["awards"][1].pk], "meeting": "Compensation Committee"},
    )
    assert returned.status_code == 302 and returned.url == "/grants/approvals/?page=2"
    # Whoever may approve grants but not awards sees no awards section.
    user = UserFactory(username="grants-only")
    user.user_permissions.add(Permission.objects.get(codename="approve_optiongrant"))
    grants_only = Client()
    grants_only.force_login(user)
    response = grants_only.get("/grants/approvals/")
    assert response.status_code == 200 and response.context["awards"] is None
    assert 'id="awards-h"' not in response.content.decode()
