"""Confirming the vestings of restricted stock (issue 15, DOMAIN.md §4): shares withheld
for taxes, the price used, refusals."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from compensation.models import Person
from grants.models import AwardInstallment, AwardVesting
from tests.factories import PersonFactory, make_award
from tests.grants.conftest import ADMIN, AUDITOR, page
from tests.grants.conftest import AWARD_ROWS as ROWS

pytestmark = pytest.mark.django_db

# --- Confirming vestings -----------------------------------------------------------------


def confirm(client, award, day: date, withheld: str = ""):
    return client.post(
        "/grants/vestings/",
        {"award": award.pk, "vest_date": str(day), "shares_withheld": withheld},
        follow=True,
    )


def test_the_vestings_page_lists_what_has_vested_and_waits(client_for, award):
    html = page(client_for(ADMIN), "/grants/vestings/")
    # Every installment vested by today; none confirmed yet.
    for day, _ in ROWS:
        assert f'value="{day:%Y-%m-%d}"' in html
    # The first: 25% of 1,000 = 250 withheld proposed, 750 net, at the price of the day
    # before (none recorded on the vest date), 1,000 x $5 = $5,000.
    first = AwardInstallment.objects.get(award=award, vest_date=date(2007, 3, 1))
    row = html.split(f'id="vesting-{first.pk}"')[1].split("</tr>")[0]
    assert 'value="250"' in row and "750" in row and "aria-describedby" not in row
    assert "$5.00 (2007-02-28)" in row and "$5,000" in row
    # Committee members and auditors read it, without the forms.
    read = page(client_for(AUDITOR), "/grants/vestings/")
    assert "$5.00 (2007-02-28)" in read and '<form method="post" id="confirm' not in read


def test_confirming_with_the_rate_computes_the_withholding(client_for, award):
    response = confirm(client_for(ADMIN), award, date(2007, 3, 1))
    vesting = AwardVesting.objects.get()
    assert (vesting.shares, vesting.shares_withheld, vesting.net_shares) == (1000, 250, 750)
    assert vesting.confirmed_by.username == "compadmin"
    html = response.content.decode()
    assert "250 withheld for taxes, 750 delivered" in html
    # Confirmed: no longer awaiting.
    first = AwardInstallment.objects.get(award=award, vest_date=date(2007, 3, 1))
    assert f'id="vesting-{first.pk}"' not in html


def test_a_rate_is_rounded_up_to_whole_shares(client_for, db):
    award = make_award([(date(2007, 3, 1), 999)], withholding_rate=Decimal("0.3333"))
    confirm(client_for(ADMIN), award, date(2007, 3, 1))
    assert AwardVesting.objects.get().shares_withheld == 333  # 332.9667 rounded up


def test_confirming_with_typed_shares_withheld(client_for, award):
    confirm(client_for(ADMIN), award, date(2008, 3, 1), withheld="300")
    vesting = AwardVesting.objects.get()
    assert (vesting.vest_date, vesting.shares_withheld, vesting.net_shares) == (
        date(2008, 3, 1),
        300,
        700,
    )


def test_an_award_without_a_rate_needs_the_shares_typed(client_for, db):
    award = make_award()
    html = page(client_for(ADMIN), "/grants/vestings/")
    # The input is empty and names the hint under it, for a screen reader.
    first = AwardInstallment.objects.filter(award=award).earliest("vest_date")
    row = html.split(f'id="vesting-{first.pk}"')[1].split("</tr>")[0]
    hint = f"id_v{first.pk}_no_rate"
    assert f'id="{hint}">No withholding rate recorded: enter it.</div>' in row
    assert 'name="shares_withheld" class' in row and f'aria-describedby="{hint}"' in row
    response = confirm(client_for(ADMIN), award, date(2007, 3, 1))
    assert "No withholding rate is recorded for this award" in response.content.decode()
    assert not AwardVesting.objects.exists()
    confirm(client_for(ADMIN), award, date(2007, 3, 1), withheld="0")
    assert AwardVesting.objects.get().shares_withheld == 0


def test_a_filed_83b_election_withholds_nothing(client_for, db):
    award = make_award(
        election_83b="filed", election_83b_on=date(2006, 3, 15), withholding_rate=Decimal("0.4")
    )
    client = client_for(ADMIN)
    first = AwardInstallment.objects.get(award=award, vest_date=date(2007, 3, 1))
    row = page(client, "/grants/vestings/").split(f'id="vesting-{first.pk}"')[1].split("</tr>")[0]
    assert 'value="0"' in row and "83(b) filed" in row
    refused = confirm(client, award, date(2007, 3, 1), withheld="10")
    assert "a vesting withholds nothing" in refused.content.decode()
    assert not AwardVesting.objects.exists()
    confirm(client, award, date(2007, 3, 1), withheld="0")
    confirm(client, award, date(2008, 3, 1))
    assert list(AwardVesting.objects.values_list("shares_withheld", flat=True)) == [0, 0]


def test_a_future_vesting_is_refused(client_for, db):
    today = timezone.localdate()
    later = today + timedelta(days=20)
    award = make_award([(later, 100)], grant_date=today, withholding_rate=Decimal("0.1"))
    assert "nothing-to-confirm" in page(client_for(ADMIN), "/grants/vestings/")
    response = confirm(client_for(ADMIN), award, later)
    assert f"The installment of {later:%Y-%m-%d} has not vested yet." in response.content.decode()
    assert not AwardVesting.objects.exists()


def test_a_forfeited_vesting_is_refused_and_not_listed(client_for, award):
    Person.objects.filter(pk=award.recipient_id).update(
        terminated_on=date(2008, 6, 30), termination_reason="other"
    )
    client = client_for(ADMIN)
    html = page(client, "/grants/vestings/")
    assert 'value="2008-03-01"' in html and 'value="2009-03-01"' not in html
    response = confirm(client, award, date(2009, 3, 1))
    assert "was forfeited: service ended on 2008-06-30" in response.content.decode()
    assert not AwardVesting.objects.exists()


def test_a_second_confirmation_is_refused(client_for, award):
    client = client_for(ADMIN)
    confirm(client, award, date(2007, 3, 1))
    response = confirm(client, award, date(2007, 3, 1), withheld="0")
    assert "The vesting of 2007-03-01 is already confirmed." in response.content.decode()
    assert AwardVesting.objects.get().shares_withheld == 250


def test_bad_confirmation_input_is_a_message(client_for, award):
    response = confirm(client_for(ADMIN), award, date(2007, 3, 1), withheld="-3")
    assert "The vesting was not confirmed." in response.content.decode()
    response = confirm(client_for(ADMIN), award, date(2007, 3, 1), withheld="1001")
    assert "The shares withheld must be from 0 to the 1,000 that vest." in response.content.decode()
    assert not AwardVesting.objects.exists()


def test_the_vestings_page_shows_one_awards_vestings(client_for, award):
    other = make_award(recipient=PersonFactory(name="Someone Else"))
    html = page(client_for(ADMIN), f"/grants/vestings/?award={other.pk}")
    assert "Someone Else" in html and "Stephan B. Godevais" not in html
