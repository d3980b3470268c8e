import re
from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from compensation import demo
from compensation.models import OfficerYear, Person
from core import fiscal

EXHIBIT_SALARIES_2006 = {
    "James R. Akridge": ("Chief Executive Officer and President", Decimal("250000")),
    "Dean Bogues": ("President of the Americas and Europe", Decimal("200000")),
    "Dr. ChunTai Guo": ("President of Asia-Pacific Operations", Decimal("200000")),
    "Thomas F. Mezger": ("Chief Financial Officer and Assistant Secretary", Decimal("185000")),
    "Roger A. Williams": ("General Counsel and Assistant Secretary", Decimal("180000")),
}
EXHIBIT_BONUSES_2004 = {
    "James R. Akridge": Decimal("95625"),
    "Dean Bogues": Decimal("120000"),
    "Dr. ChunTai Guo": None,
    "Thomas F. Mezger": None,
    "Roger A. Williams": None,
}


def snapshot():
    return sorted(
        (r.person.name, r.fiscal_year, r.title, r.base_salary, r.bonus, r.status)
        for r in OfficerYear.objects.select_related("person")
    )


def test_the_demo_loader_reproduces_the_exhibit(demo_data):
    salaries = {
        r.person.name: (r.title, r.base_salary)
        for r in OfficerYear.objects.filter(fiscal_year=2006).select_related("person")
    }
    assert salaries == EXHIBIT_SALARIES_2006
    bonuses = {
        r.person.name: r.bonus
        for r in OfficerYear.objects.filter(fiscal_year=2004).select_related("person")
    }
    assert bonuses == EXHIBIT_BONUSES_2004
    marked = {
        r.person.name
        for r in OfficerYear.objects.filter(fiscal_year=2006, footnotes__marker="1").select_related(
            "person"
        )
    }
    assert marked == set(EXHIBIT_SALARIES_2006) - {"Roger A. Williams"}


def test_the_demo_loader_is_idempotent(demo_data):
    before = snapshot()
    counts = (Person.objects.count(), OfficerYear.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 record(s) created" in out.getvalue()
    assert snapshot() == before
    assert (Person.objects.count(), OfficerYear.objects.count()) == counts


def printed_passwords(output: str) -> list[str]:
    return re.findall(r": password (\S+)$", output, flags=re.MULTILINE)


def test_demo_accounts_get_random_passwords_printed_once(db):
    first, second = StringIO(), StringIO()
    call_command("demo_accounts", stdout=first)
    call_command("demo_accounts", stdout=second)
    passwords = printed_passwords(first.getvalue())
    assert len(passwords) == 3
    assert printed_passwords(second.getvalue()) == []
    assert not any(p in second.getvalue() for p in passwords)
    user = get_user_model().objects.get(username="committee")
    assert any(user.check_password(p) for p in passwords)
    # A fresh database gets fresh passwords: none is fixed in the code.
    get_user_model().objects.all().delete()
    third = StringIO()
    call_command("demo_accounts", stdout=third)
    assert set(printed_passwords(third.getvalue())).isdisjoint(passwords)


def test_the_demo_loader_adds_the_seed_grant(demo_data):
    from datetime import date

    from grants import demo
    from grants.models import OptionGrant, RegistrationPeriod, StockPlan, StockPrice

    assert set(StockPlan.objects.values_list("name", flat=True)) == {
        "2000 Stock Option Plan",
        "1990 Stock Option Plan (as amended October 3, 1997)",
    }
    grant = OptionGrant.objects.select_related("optionee", "plan").get()
    assert grant.optionee.name == "James R. Akridge"
    assert grant.plan.name == "2000 Stock Option Plan"
    assert (grant.grant_date, grant.shares, grant.exercise_price) == (
        date(2005, 7, 13),
        1_000_000,
        Decimal("2.99"),
    )
    assert grant.option_type == "NSO"
    assert grant.expiration_date == date(2015, 7, 13)
    assert grant.minimum_exercise_shares == 1000
    assert grant.authorized_by == "Kevin W. Mischnick"
    assert '"the Plan"' in grant.notes
    assert grant.installment_rows() == demo.INSTALLMENTS
    assert StockPrice.on(date(2005, 7, 13)) == Decimal("2.99")
    period = RegistrationPeriod.objects.get()
    assert (period.start_date, period.end_date, period.basis) == (
        date(2005, 7, 13),
        None,
        "Form S-8 (assumed for the demo)",
    )
    grant.full_clean()


def test_the_demo_approvals_are_dated_as_the_exhibit_not_on_the_day_of_loading(demo_data):
    """Exhibit 10.26 gives no meeting date: the salaries effective for 2006 are approved on
    the first day of fiscal 2006, the bonuses awarded for 2004 on the first day of fiscal
    2005, each at a named meeting."""
    salaries = OfficerYear.objects.filter(fiscal_year=2006)
    assert {timezone.localtime(r.approved_at).date() for r in salaries} == {fiscal.year_start(2006)}
    assert {r.approval_meeting for r in salaries} == {demo.SALARY_APPROVAL_MEETING}
    assert "effective for 2006" in demo.SALARY_APPROVAL_MEETING
    bonuses = OfficerYear.objects.filter(fiscal_year=2004)
    assert {timezone.localtime(r.approved_at).date() for r in bonuses} == {fiscal.year_start(2005)}
    assert {r.approval_meeting for r in bonuses} == {demo.BONUS_APPROVAL_MEETING}
    assert all(r.status == OfficerYear.Status.APPROVED for r in [*salaries, *bonuses])


def test_an_officers_page_shows_the_2006_salary_approved_in_early_2006(client_for, demo_data):
    person = Person.objects.get(name="James R. Akridge")
    page = client_for("committee").get(person.get_absolute_url()).content.decode()
    assert f"{fiscal.year_start(2006):%Y-%m-%d}, {demo.SALARY_APPROVAL_MEETING}" in page
    assert f"{fiscal.year_start(2005):%Y-%m-%d}, {demo.BONUS_APPROVAL_MEETING}" in page
    assert f"{timezone.localdate():%Y-%m-%d}" not in page
