"""The fiscal years' valuation defaults in the app: admins enter proposed defaults, the
committee approves them at a meeting, admins reopen them with a reason and value the year's
grants not valued; auditors read (DOMAIN.md §5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import GrantValuation, StockPrice, ValuationDefaults
from tests.factories import UserFactory, make_grant

from .conftest import ADMIN, AUDITOR, COMMITTEE, NO_ROLE, page
from .test_valuation_pages import TEXTBOOK_AGGREGATE, TEXTBOOK_PER_OPTION, known_grant

pytestmark = pytest.mark.django_db

LIST, NEW = reverse("grants:valuations"), reverse("grants:valuation-add")
VALID = {
    "fiscal_year": "2006",
    "volatility": "0.20",
    "risk_free_rate": "10%",
    "dividend_yield": "0",
    "expected_term": "",
    "basis": "Peer group volatility; 5-year Treasury yield",
}


def proposed(year: int = 2006, **fields) -> ValuationDefaults:
    return ValuationDefaults.objects.create(
        fiscal_year=year,
        volatility=fields.pop("volatility", Decimal("0.20")),
        risk_free_rate=fields.pop("risk_free_rate", Decimal("0.10")),
        **fields,
    )


def url(name: str, defaults: ValuationDefaults) -> str:
    return reverse(f"grants:{name}", args=[defaults.pk])


def test_an_admin_adds_proposed_defaults_with_rates_as_decimals_or_percentages(client_for):
    response = client_for(ADMIN).post(NEW, VALID)
    defaults = ValuationDefaults.objects.get()
    assert response.status_code == 302 and response.url == url("valuation", defaults)
    assert (defaults.volatility, defaults.risk_free_rate) == (Decimal("0.2"), Decimal("0.1"))
    assert defaults.expected_term is None and not defaults.is_approved
    html = page(client_for(AUDITOR), LIST)
    row = html.split('data-year="2006"')[1].split("</tr>")[0]
    for shown in ("20.00%", "10.00%", "0.00%", "simplified method", "Proposed"):
        assert shown in row


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fiscal_year", "99999"),
        ("fiscal_year", "1800"),
        ("fiscal_year", "abc"),
        ("fiscal_year", ""),
        ("volatility", ""),
        ("volatility", "1e999"),
        ("volatility", "NaN"),
        ("volatility", "-0"),
        ("volatility", "1000%"),
        ("risk_free_rate", "Infinity"),
        ("risk_free_rate", "-1"),
        ("dividend_yield", "-0.5%"),
        ("expected_term", "1e999"),
        ("expected_term", "-0"),
        ("expected_term", "101"),
        ("basis", "x" * 2001),
        ("basis", "nul\x00"),
    ],
)
def test_bad_defaults_are_form_errors_and_save_nothing(client_for, field, value):
    response = client_for(ADMIN).post(NEW, {**VALID, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), (field, value)
    assert not ValuationDefaults.objects.exists()


def test_a_second_set_for_the_same_year_is_refused(client_for):
    proposed()
    response = client_for(ADMIN).post(NEW, VALID)
    assert response.context["form"].errors["fiscal_year"]
    assert ValuationDefaults.objects.count() == 1


def test_each_role_may_do_only_its_part(client_for):
    defaults = proposed()
    committee, auditor, admin = client_for(COMMITTEE), client_for(AUDITOR), client_for(ADMIN)
    # Everyone with a role reads.
    for client in (committee, auditor, admin):
        assert client.get(LIST).status_code == 200
        assert client.get(url("valuation", defaults)).status_code == 200
    assert client_for(NO_ROLE).get(LIST).status_code == 403
    anonymous = client_for(None).get(LIST)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    # The committee does not enter defaults; admins and auditors do not approve.
    assert committee.get(NEW).status_code == 403
    assert committee.post(url("valuation-edit", defaults), VALID).status_code == 403
    assert auditor.post(NEW, VALID).status_code == 403
    meeting = {"meeting": "Compensation Committee, 2006-02-15"}
    assert admin.post(url("valuation-approve", defaults), meeting).status_code == 403
    assert auditor.post(url("valuation-approve", defaults), meeting).status_code == 403
    defaults.refresh_from_db()
    assert not defaults.is_approved
    # The buttons follow: the committee sees Approve, the admin Edit.
    assert "valuation-approve" not in page(admin, url("valuation", defaults))
    assert f'action="{url("valuation-approve", defaults)}"' in page(
        committee, url("valuation", defaults)
    )
    assert f'href="{url("valuation-edit", defaults)}"' in page(admin, url("valuation", defaults))
    assert f'href="{url("valuation-edit", defaults)}"' not in page(
        auditor, url("valuation", defaults)
    )
    assert committee.post(url("valuation-approve", defaults), meeting).status_code == 302
    defaults.refresh_from_db()
    assert defaults.is_approved and defaults.approval_meeting == meeting["meeting"]
    assert defaults.approved_by.username == COMMITTEE
    assert committee.post(url("valuation-reopen", defaults), {"reason": "x"}).status_code == 403
    assert auditor.post(url("valuation-value", defaults)).status_code == 403


@pytest.mark.parametrize("meeting", ["", "   ", "x" * 201])
def test_approval_needs_a_meeting(client_for, meeting):
    defaults = proposed()
    response = client_for(COMMITTEE).post(url("valuation-approve", defaults), {"meeting": meeting})
    assert response.status_code == 200
    assert response.context["approve_form"].errors["meeting"]
    defaults.refresh_from_db()
    assert not defaults.is_approved


def test_approved_defaults_cannot_be_edited_until_returned_to_proposed(client_for):
    defaults = proposed()
    defaults.approve(by=UserFactory(), meeting="Meeting of 2006-02-15")
    admin = client_for(ADMIN)
    edit = url("valuation-edit", defaults)
    response = admin.post(edit, {**VALID, "volatility": "0.9"}, follow=True)
    assert "are approved. Return them to proposed before changing them." in (
        response.content.decode()
    )
    defaults.refresh_from_db()
    assert defaults.volatility == Decimal("0.2")
    # A reason is needed to reopen; the history keeps it.
    response = admin.post(url("valuation-reopen", defaults), {"reason": "  "})
    assert response.status_code == 200 and response.context["reopen_form"].errors["reason"]
    defaults.refresh_from_db()
    assert defaults.is_approved
    admin.post(url("valuation-reopen", defaults), {"reason": "Volatility restated"})
    defaults.refresh_from_db()
    assert not defaults.is_approved
    assert admin.post(edit, {**VALID, "volatility": "0.9"}).status_code == 302
    defaults.refresh_from_db()
    assert defaults.volatility == Decimal("0.9")
    html = page(client_for(AUDITOR), url("valuation", defaults))
    assert "Returned to proposed by compadmin: Volatility restated" in html
    assert "Approved at Meeting of 2006-02-15" in html


def test_the_admin_values_the_year_s_grants_not_valued_and_hears_why_others_were_not(
    client_for,
):
    defaults = proposed(expected_term=Decimal("0.5"))
    no_price = make_grant(
        grant_date=date(2006, 5, 2),
        exercise_price=Decimal("40"),
        expiration_date=date(2016, 5, 1),
    )
    same_terms = make_grant(
        [(date(2007, 3, 1), 10_000)],
        grant_date=date(2006, 3, 1),
        exercise_price=Decimal("40"),
        expiration_date=date(2016, 3, 1),
    )
    valued_first = known_grant()  # 10,000 at $40, closing price $42 on 2006-03-01
    other_year = make_grant(grant_date=date(2005, 7, 13))
    admin = client_for(ADMIN)
    # Not approved yet: nothing is valued.
    admin.post(url("valuation-value", defaults))
    assert not GrantValuation.objects.exists()
    defaults.approve(by=UserFactory(), meeting="Meeting of 2006-02-15")
    admin.post(reverse("grants:value", args=[valued_first.pk]))
    before = valued_first.valuations.get()
    html = page(admin, LIST)
    row = html.split('data-year="2006"')[1].split("</tr>")[0]
    assert 'data-figure="valued">1<' in row
    assert "Value the 2 grants of fiscal 2006 that are not valued" in row
    response = admin.post(url("valuation-value", defaults), follow=True)
    html = response.content.decode()
    assert "Valued 1 grant of fiscal 2006." in html
    assert "1 not valued: Not valued: no closing price recorded on 2006-05-02 (1)." in html
    # Same inputs as the textbook case: S = 42, K = 40, T = 0.5 (the default), s = 0.20,
    # r = 0.10, q = 0 -> 4.7594 per option, $47,594 for 10,000.
    valuation = same_terms.valuations.get()
    assert (valuation.value_per_option, valuation.fair_value) == (
        Decimal("4.7594"),
        Decimal("47594"),
    )
    assert valued_first.valuations.get() == before
    assert not no_price.valuations.exists() and not other_year.valuations.exists()
    assert f"{TEXTBOOK_PER_OPTION}" in page(admin, same_terms.get_absolute_url())
    assert TEXTBOOK_AGGREGATE in page(admin, same_terms.get_absolute_url())
    StockPrice.objects.create(date=date(2006, 5, 2), price=Decimal("40"))
    html = admin.post(url("valuation-value", defaults), follow=True).content.decode()
    assert "Valued 1 grant of fiscal 2006." in html and "not valued:" not in html


def test_a_year_with_grants_and_no_defaults_is_listed_with_its_counts(client_for):
    make_grant(grant_date=date(2005, 7, 13))
    html = page(client_for(ADMIN), LIST)
    row = html.split('data-year="2005"')[1].split("</tr>")[0]
    assert "No defaults" in row and f"{NEW}?fiscal_year=2005" in row
    assert 'data-figure="not-valued">1' in row
    assert f"{NEW}?fiscal_year=2005" not in page(client_for(COMMITTEE), LIST)
    form = client_for(ADMIN).get(f"{NEW}?fiscal_year=2005").context["form"]
    assert form.initial["fiscal_year"] == 2005


def test_the_list_runs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for(AUDITOR)
    for year in (2004, 2005, 2006):
        proposed(year)
        make_grant(grant_date=date(year, 7, 13))
    client.get(LIST)
    with django_assert_max_num_queries(12):
        first = client.get(LIST)
    for year in (2007, 2008, 2009):
        proposed(year)
        make_grant(grant_date=date(year, 7, 13))
    with django_assert_max_num_queries(12):
        second = client.get(LIST)
    assert second.content.count(b"data-year=") == first.content.count(b"data-year=") + 3


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_edits_proposed_defaults_and_only_reads_approved_ones(client_for):
    defaults = proposed()
    admin = client_for(ADMIN)
    change = reverse("admin:grants_valuationdefaults_change", args=[defaults.pk])
    data = {**VALID, "volatility": "25%"}
    assert admin.post(change, data).status_code == 302
    defaults.refresh_from_db()
    assert defaults.volatility == Decimal("0.25")
    defaults.approve(by=UserFactory(), meeting="Meeting of 2006-02-15")
    html = admin.get(change).content.decode()
    assert 'name="volatility"' not in html  # read-only once approved
    admin.post(change, {**data, "volatility": "0.9"})
    defaults.refresh_from_db()
    assert defaults.volatility == Decimal("0.25")


def test_valuations_are_read_only_in_the_admin(client_for):
    grant = known_grant()
    defaults = proposed()
    defaults.approve(by=UserFactory(), meeting="Meeting of 2006-02-15")
    admin = client_for(ADMIN)
    admin.post(reverse("grants:value", args=[grant.pk]))
    valuation = GrantValuation.objects.get()
    assert admin.get(reverse("admin:grants_grantvaluation_changelist")).status_code == 200
    assert admin.get(reverse("admin:grants_grantvaluation_add")).status_code == 403
    change = reverse("admin:grants_grantvaluation_change", args=[valuation.pk])
    response = admin.post(change, {"value_per_option": "1"})
    assert response.status_code == 403
    valuation.refresh_from_db()
    assert valuation.value_per_option == Decimal("4.7594")
    html = admin.get(reverse("admin:grants_optiongrant_change", args=[grant.pk])).content
    assert b"4.7594" in html and b"Valuation assumptions" in html
