"""The bonus is approved apart from the salary (issue 17): a bonus decided after the
year's salary was approved is proposed and approved on its own, and never returns the
approved salary to "Proposed" anywhere."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compensation.models import OfficerYear
from reports.definitions import OfficerCompensation
from tests.factories import OfficerYearFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair():
    return UserFactory(username="chair")


@pytest.fixture
def salary_approved(chair):
    record = OfficerYearFactory(fiscal_year=2006, base_salary=Decimal("200000"), bonus=None)
    record.approve(by=chair, meeting="Meeting 2006-02-15")
    return record


def test_no_bonus_has_nothing_to_approve(salary_approved, chair):
    assert salary_approved.bonus_status == OfficerYear.BonusStatus.NONE
    with pytest.raises(ValidationError, match="nothing to approve"):
        salary_approved.approve_bonus(by=chair, meeting="Meeting 2007-01-10")


def test_a_bonus_entered_after_the_salary_was_approved_is_a_proposal_of_its_own(
    salary_approved, chair
):
    salary_approved.bonus = Decimal("50000")
    salary_approved.full_clean()  # the approved salary does not stand in the way
    salary_approved.save()
    salary_approved.refresh_from_db()
    assert salary_approved.is_approved  # the salary stays approved
    assert salary_approved.bonus_status == OfficerYear.BonusStatus.PROPOSED
    assert list(OfficerYear.objects.bonus_proposals()) == [salary_approved]
    assert not OfficerYear.objects.salary_proposals().exists()
    salary_approved.approve_bonus(by=chair, meeting="Meeting 2007-01-10")
    salary_approved.refresh_from_db()
    assert salary_approved.is_bonus_approved and salary_approved.is_approved
    assert salary_approved.bonus_approved_by == chair
    assert salary_approved.bonus_approval_meeting == "Meeting 2007-01-10"
    assert salary_approved.approval_meeting == "Meeting 2006-02-15"
    assert salary_approved.history.first().history_change_reason == (
        "Bonus approved at Meeting 2007-01-10"
    )


def test_an_approved_bonus_changes_only_after_it_is_returned(salary_approved, chair):
    salary_approved.bonus = Decimal("50000")
    salary_approved.save()
    salary_approved.approve_bonus(by=chair, meeting="Meeting 2007-01-10")
    salary_approved.bonus = Decimal("60000")
    with pytest.raises(ValidationError, match="Return the bonus to proposed"):
        salary_approved.full_clean()
    salary_approved.refresh_from_db()
    salary_approved.return_bonus_to_proposed(by=chair, reason="Amount corrected")
    salary_approved.bonus = Decimal("60000")
    salary_approved.full_clean()
    salary_approved.save()
    salary_approved.refresh_from_db()
    assert salary_approved.bonus_status == OfficerYear.BonusStatus.PROPOSED
    assert salary_approved.is_approved  # the salary kept its approval throughout


def test_the_salary_and_the_bonus_are_approved_once_each(salary_approved, chair):
    with pytest.raises(ValidationError, match="salary is already approved"):
        salary_approved.approve(by=chair, meeting="Again")
    salary_approved.bonus = Decimal("1")
    salary_approved.save()
    salary_approved.approve_bonus(by=chair, meeting="Meeting")
    with pytest.raises(ValidationError, match="bonus is already approved"):
        salary_approved.approve_bonus(by=chair, meeting="Again")


def test_the_meeting_must_be_named(salary_approved, chair):
    salary_approved.bonus = Decimal("1")
    salary_approved.save()
    for meeting in ("", "   ", "x" * 201, "Meet\x00ing"):
        with pytest.raises(ValidationError):
            salary_approved.approve_bonus(by=chair, meeting=meeting)
    salary_approved.refresh_from_db()
    assert salary_approved.bonus_status == OfficerYear.BonusStatus.PROPOSED


def test_the_database_refuses_a_bonus_status_out_of_step_with_the_bonus(salary_approved):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerYear.objects.filter(pk=salary_approved.pk).update(bonus=Decimal("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerYear.objects.filter(pk=salary_approved.pk).update(
            bonus=Decimal("5"), bonus_status="approved"
        )


def test_the_exhibit_reads_the_bonuss_own_status(salary_approved, chair):
    salary_approved.bonus = Decimal("50000")
    salary_approved.save()
    report = OfficerCompensation({"year": 2006, "bonus_year": 2006})
    row = next(report.rows())
    assert row["base_salary"] == Decimal("200000")  # never "Proposed" for the salary
    assert row["bonus"] == "Proposed: $50,000.00"
    # A proposed bonus is not awarded: the default bonus year does not move to it.
    assert OfficerYear.objects.default_bonus_year(2006) == 2006
    salary_approved.approve_bonus(by=chair, meeting="Meeting")
    row = next(OfficerCompensation({"year": 2006, "bonus_year": 2006}).rows())
    assert row["bonus"] == Decimal("50000")


def test_the_roster_and_the_person_page_show_each_status(client_for, salary_approved):
    salary_approved.bonus = Decimal("50000")
    salary_approved.save()
    html = client_for("committee").get("/compensation/officers/?year=2006&bonus_year=2006")
    text = html.content.decode()
    assert "Proposed: $50,000.00" in text and ">Approved<" in text
    assert "Approve bonus</a>" in text and "Approve salary</a>" not in text
    person = client_for("auditor").get(salary_approved.person.get_absolute_url())
    assert "Proposed: $50,000.00" in person.content.decode()


def test_the_committee_returns_a_bonus_with_a_comment_until_it_changes(client_for, salary_approved):
    salary_approved.bonus = Decimal("50000")
    salary_approved.save()
    committee = client_for("committee")
    response = committee.post(
        f"/compensation/records/{salary_approved.pk}/return/",
        {"part": "bonus", "comment": "Use the audited figure.", "next": "/grants/approvals/"},
    )
    assert response.status_code == 302 and response.url == "/grants/approvals/"
    salary_approved.refresh_from_db()
    assert salary_approved.bonus_status == OfficerYear.BonusStatus.PROPOSED
    assert salary_approved.bonus_returned_comment == "Use the audited figure."
    # The admin who must act on it sees it on the roster and the person's page.
    admin = client_for("compadmin")
    assert (
        "Use the audited figure."
        in admin.get("/compensation/officers/?year=2006&bonus_year=2006").content.decode()
    )
    assert (
        "Use the audited figure."
        in admin.get(salary_approved.person.get_absolute_url()).content.decode()
    )
    salary_approved.bonus = Decimal("48000")
    salary_approved.save()
    salary_approved.refresh_from_db()
    assert salary_approved.bonus_returned_comment == ""
    assert (
        "Use the audited figure."
        in salary_approved.history.filter(history_change_reason__contains="returned")
        .first()
        .history_change_reason
    )


def test_a_return_needs_a_comment_and_a_proposal(client_for, salary_approved):
    committee = client_for("committee")
    url = f"/compensation/records/{salary_approved.pk}/return/"
    response = committee.post(url, {"part": "salary", "comment": "Too high"}, follow=True)
    assert "the salary is not a proposal" in response.content.decode()
    proposal = OfficerYearFactory(fiscal_year=2007)
    url = f"/compensation/records/{proposal.pk}/return/"
    for comment in ("", "x" * 1001, "Bad\x00"):
        committee.post(url, {"part": "salary", "comment": comment})
    proposal.refresh_from_db()
    assert proposal.returned_comment == ""
    committee.post(url, {"part": "salary", "comment": "Too high"})
    proposal.refresh_from_db()
    assert proposal.returned_comment == "Too high" and proposal.status == "proposed"
    proposal.approve(by=UserFactory(), meeting="Meeting")
    proposal.refresh_from_db()
    assert proposal.returned_comment == ""  # approved: the comment is done with


def test_a_record_entered_approved_carries_its_bonus_approved_with_it(chair):
    # A record entered already approved (as the demo's) carries its bonus approved with it.
    record = OfficerYearFactory(approved=True, bonus=Decimal("95625"), fiscal_year=2004)
    assert record.bonus_status == OfficerYear.BonusStatus.APPROVED
    assert record.bonus_approved_at == record.approved_at
    proposed = OfficerYearFactory(bonus=Decimal("1000"), fiscal_year=2005)
    assert proposed.bonus_status == OfficerYear.BonusStatus.PROPOSED


def test_an_approved_bonus_is_not_emptied_to_na_without_its_return(committee_member):
    record = OfficerYearFactory(bonus=Decimal("40000"))
    record.approve_bonus(by=committee_member, meeting="Committee meeting of 2007-02-01")
    record.bonus = None  # "n/a" must not pass for an approved bonus's change
    with pytest.raises(ValidationError, match="Return the bonus to proposed"):
        record.full_clean()
