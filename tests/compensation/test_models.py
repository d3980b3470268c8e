from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compensation.models import OfficerYear
from core.templatetags.money import bonus, format_money
from tests.factories import OfficerYearFactory, PersonFactory, UserFactory


def test_an_empty_bonus_is_na_and_a_zero_bonus_is_zero_dollars(db):
    na = OfficerYearFactory(bonus=None)
    zero = OfficerYearFactory(bonus=Decimal("0"))
    na.refresh_from_db()
    zero.refresh_from_db()
    assert na.bonus is None
    assert zero.bonus == Decimal("0")
    assert bonus(na.bonus) == "n/a"
    assert bonus(zero.bonus) == "$0.00"


def test_amounts_print_with_thousands_separators():
    assert format_money(Decimal("250000")) == "$250,000.00"
    assert format_money(Decimal("95625.50")) == "$95,625.50"
    assert format_money(None) == ""


def test_the_database_keeps_one_record_per_person_and_year(db):
    record = OfficerYearFactory(fiscal_year=2006)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerYear.objects.create(
            person=record.person, fiscal_year=2006, title="Other", base_salary=1
        )


def test_a_second_record_for_the_same_year_is_refused_with_a_message(db):
    record = OfficerYearFactory(fiscal_year=2006)
    duplicate = OfficerYear(person=record.person, fiscal_year=2006, title="Other")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a record for that fiscal year" in str(error.value)


def test_the_same_person_may_have_records_for_different_years(db):
    person = PersonFactory()
    OfficerYearFactory(person=person, fiscal_year=2005)
    OfficerYearFactory(person=person, fiscal_year=2006)
    assert person.officer_years.count() == 2


@pytest.mark.parametrize("field", ["base_salary", "bonus"])
def test_negative_amounts_are_refused_by_validation_and_by_the_database(db, field):
    record = OfficerYearFactory.build(person=PersonFactory(), **{field: Decimal("-1")})
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_approving_a_proposal_records_who_when_and_the_meeting(db):
    record = OfficerYearFactory()
    member = UserFactory()
    record.approve(by=member, meeting="Committee meeting of 2006-02-15")
    record.refresh_from_db()
    assert record.status == OfficerYear.Status.APPROVED
    assert record.approved_by == member
    assert record.approved_at is not None
    assert record.approval_meeting == "Committee meeting of 2006-02-15"


def test_an_approved_record_cannot_be_approved_again(db):
    record = OfficerYearFactory()
    record.approve(by=UserFactory(), meeting="First meeting")
    with pytest.raises(ValidationError, match="already approved"):
        record.approve(by=UserFactory(), meeting="Second meeting")
    record.refresh_from_db()
    assert record.approval_meeting == "First meeting"


def test_approval_needs_a_meeting(db):
    record = OfficerYearFactory()
    with pytest.raises(ValidationError):
        record.approve(by=UserFactory(), meeting=" ")
    record.refresh_from_db()
    assert record.status == OfficerYear.Status.PROPOSED


def test_an_approved_record_without_an_approval_time_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerYearFactory(status=OfficerYear.Status.APPROVED, approved_at=None)


def test_the_roster_computes_the_change_from_the_prior_year_in_sql(db):
    person = PersonFactory()
    OfficerYearFactory(person=person, fiscal_year=2005, base_salary=Decimal("200000"))
    OfficerYearFactory(person=person, fiscal_year=2006, base_salary=Decimal("250000"))
    [row] = OfficerYear.objects.for_roster(2006, 2006)
    assert row.prior_salary == Decimal("200000")
    assert row.salary_change == Decimal("50000")
    assert row.salary_change_pct == Decimal("25")


def test_the_default_bonus_year_is_the_latest_year_with_an_approved_bonus(db):
    person = PersonFactory()
    OfficerYearFactory(person=person, fiscal_year=2004, bonus=Decimal("95625"), approved=True)
    OfficerYearFactory(person=person, fiscal_year=2006, bonus=None, approved=True)
    # A proposed bonus is not awarded until the committee approves it.
    OfficerYearFactory(person=PersonFactory(), fiscal_year=2005, bonus=Decimal("1000"))
    assert OfficerYear.objects.default_bonus_year(2006) == 2004
    assert OfficerYear.objects.default_bonus_year(2003) == 2003


def test_the_salary_change_in_percent_is_not_cut_to_a_whole_number(db):
    # SQLite keeps whole-dollar amounts as integers: $5,000 over $185,000 is 2.70%, not 2%.
    person = PersonFactory(name="Thomas F. Mezger")
    OfficerYearFactory(person=person, fiscal_year=2006, base_salary=Decimal("185000"))
    OfficerYearFactory(person=person, fiscal_year=2007, base_salary=Decimal("190000"))
    record = OfficerYear.objects.with_salary_change().get(fiscal_year=2007)
    assert record.salary_change == Decimal("5000")
    assert round(record.salary_change_pct, 2) == Decimal("2.70")
