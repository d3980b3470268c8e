"""Grant-date fair value in the app (DOMAIN.md §5): the grant's own assumptions on the
new-grant page, the grant page's fair-value card and its "Value now" action, and the fiscal
years' default assumptions that admins enter and the committee approves."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from core.submissions import new_token
from grants.models import (
    GrantValuation,
    OptionGrant,
    StockPrice,
    ValuationDefaults,
    value_grant,
)
from grants.templatetags.valuation import format_rate, format_term
from tests.factories import StockPlanFactory, UserFactory, make_grant

from .conftest import ADMIN, AUDITOR, COMMITTEE, page

pytestmark = pytest.mark.django_db

GRANT_DAY = date(2006, 3, 1)

# The textbook case of DOMAIN.md §5: S = 42, K = 40, r = 0.10, s = 0.20, T = 0.5, q = 0.
#   d1 = (ln(42/40) + (0.10 + 0.20²/2) x 0.5) / (0.20 x √0.5)
#      = (0.048790 + 0.060000) / 0.141421 = 0.769263;  d2 = d1 - 0.141421 = 0.627841
#   N(d1) = 0.779131, N(d2) = 0.734946
#   C = 42 x 0.779131 - 40 x e^(-0.05) x 0.734946 = 32.723514 - 27.964092 = 4.759422
#   -> 4.7594 per option (half up to 4 decimals); x 10,000 options = $47,594.
TEXTBOOK_PER_OPTION, TEXTBOOK_AGGREGATE = "$4.7594", "$47,594.00"
# The same with s = 0.30:
#   d1 = (0.048790 + (0.10 + 0.045) x 0.5) / (0.30 x √0.5) = 0.121290 / 0.212132 = 0.571767
#   d2 = 0.571767 - 0.212132 = 0.359635;  N(d1) = 0.716260, N(d2) = 0.640440
#   C = 42 x 0.716260 - 38.049177 x 0.640440 = 30.082928 - 24.368217 = 5.714711
#   -> 5.7147 per option; x 10,000 = $57,147.
VOLATILE_PER_OPTION, VOLATILE_AGGREGATE = "$5.7147", "$57,147.00"


def known_grant(**fields) -> OptionGrant:
    """10,000 options at $40 granted 2006-03-01 with an expected term of 0.5 years of its
    own. The $42 closing price is recorded after the grant is entered: the grant's rules
    refuse an exercise price below a closing price already recorded for the day."""
    grant = make_grant(
        [(date(2007, 3, 1), 5000), (date(2008, 3, 1), 5000)],
        grant_date=GRANT_DAY,
        exercise_price=Decimal("40"),
        expiration_date=date(2016, 3, 1),
        expected_term=Decimal("0.5"),
        **fields,
    )
    StockPrice.objects.create(date=GRANT_DAY, price=Decimal("42"))
    return grant


def approved_defaults(year: int = 2006, **fields) -> ValuationDefaults:
    defaults = ValuationDefaults.objects.create(
        fiscal_year=year,
        volatility=fields.pop("volatility", Decimal("0.20")),
        risk_free_rate=fields.pop("risk_free_rate", Decimal("0.10")),
        **fields,
    )
    defaults.approve(by=UserFactory(), meeting="Compensation Committee, 2006-02-15")
    return defaults


# --- the percentage filter --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.045"), "4.50%"),
        (Decimal("0.045125"), "4.5125%"),
        (Decimal("0.35"), "35.00%"),
        (Decimal("0.000000"), "0.00%"),
        (Decimal("-0.0000"), "0.00%"),
        (Decimal("0.1234565"), "12.3457%"),  # half up at the fourth decimal
        (Decimal("-0.005"), "-0.50%"),
        (None, ""),
    ],
)
def test_rates_show_as_percentages_with_two_to_four_decimals(value, shown):
    assert format_rate(value) == shown


def test_the_simplified_term_names_its_method():
    assert format_term(Decimal("5.99811"), simplified=False) == "5.99811 years"
    assert format_term(Decimal("2.00000"), simplified=True) == (
        "2 years (simplified method: (weighted-average vesting term + contractual term) / 2)"
    )


# --- the grant page ---------------------------------------------------------------------------


def test_the_grant_page_shows_the_value_and_every_input(client_for):
    grant = known_grant()
    approved_defaults()
    admin = client_for(ADMIN)
    response = admin.post(reverse("grants:value", args=[grant.pk]), follow=True)
    assert f"{TEXTBOOK_PER_OPTION} per option, {TEXTBOOK_AGGREGATE}" in response.content.decode()
    html = page(client_for(AUDITOR), grant.get_absolute_url())
    assert f'data-figure="per-option">{TEXTBOOK_PER_OPTION}<' in html
    assert f'data-figure="aggregate">{TEXTBOOK_AGGREGATE}<' in html
    for shown in (
        'Closing price on 2006-03-01</dt><dd class="col-6">$42.00',
        'Exercise price</dt><dd class="col-6">$40.00',
        'Expected volatility</dt><dd class="col-6">20.00%',
        'Risk-free rate</dt><dd class="col-6">10.00%',
        'Dividend yield</dt><dd class="col-6">0.00%',
        'Expected term</dt><dd class="col-6">0.5 years<',
        "Source: volatility, risk-free rate, dividend yield from the fiscal 2006 defaults, "
        "approved at Compensation Committee, 2006-02-15; the rest entered for the grant.",
    ):
        assert shown in html, html[html.find("fair-value-title") :][:2500]
    assert "by compadmin" in html
    # Only compensation admins value grants.
    assert "Value again" not in html
    assert "Value again" in page(admin, grant.get_absolute_url())


def test_a_grant_not_valued_says_why_and_counts_nowhere_as_zero(client_for):
    grant = known_grant()
    html = page(client_for(COMMITTEE), grant.get_absolute_url())
    assert "Not valued: no volatility, risk-free rate, dividend yield for 2006." in html
    assert "$0.0000" not in html and "Value now" not in html
    assert "Value now" in page(client_for(ADMIN), grant.get_absolute_url())


def test_value_now_is_for_compensation_admins_only(client_for):
    grant = known_grant()
    approved_defaults()
    url = reverse("grants:value", args=[grant.pk])
    for role in (COMMITTEE, AUDITOR, ""):
        assert client_for(role).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302  # to the sign-in page
    assert client_for(ADMIN).get(url).status_code == 405
    assert not GrantValuation.objects.exists()


def test_value_now_without_the_inputs_says_why_and_records_nothing(client_for):
    grant = known_grant()
    response = client_for(ADMIN).post(reverse("grants:value", args=[grant.pk]), follow=True)
    assert "Not valued: no volatility, risk-free rate, dividend yield for 2006." in (
        response.content.decode()
    )
    assert not grant.valuations.exists()


def test_a_later_change_of_the_defaults_leaves_a_valued_grant_until_valued_again(client_for):
    grant = known_grant()
    defaults = approved_defaults()
    admin, committee = client_for(ADMIN), client_for(COMMITTEE)
    admin.post(reverse("grants:value", args=[grant.pk]))
    # The admin reopens the defaults, raises the volatility, and the committee approves.
    reopen = reverse("grants:valuation-reopen", args=[defaults.pk])
    admin.post(reopen, {"reason": "Peer volatility restated"})
    edit = reverse("grants:valuation-edit", args=[defaults.pk])
    response = admin.post(
        edit,
        {
            "fiscal_year": "2006",
            "volatility": "30%",
            "risk_free_rate": "0.10",
            "dividend_yield": "0",
            "expected_term": "",
            "basis": "Peer group",
        },
    )
    assert response.status_code == 302
    committee.post(
        reverse("grants:valuation-approve", args=[defaults.pk]), {"meeting": "Meeting 2006-06-01"}
    )
    defaults.refresh_from_db()
    assert defaults.volatility == Decimal("0.3") and defaults.is_approved
    # The grant keeps the valuation it had.
    html = page(admin, grant.get_absolute_url())
    assert f'data-figure="per-option">{TEXTBOOK_PER_OPTION}<' in html
    # Valued again: the new value, and the earlier one listed.
    admin.post(reverse("grants:value", args=[grant.pk]))
    html = page(admin, grant.get_absolute_url())
    assert f'data-figure="per-option">{VOLATILE_PER_OPTION}<' in html
    assert f'data-figure="aggregate">{VOLATILE_AGGREGATE}<' in html
    earlier = html.split('id="earlier-valuations"')[1]
    assert f"{TEXTBOOK_PER_OPTION} per option, {TEXTBOOK_AGGREGATE}" in earlier
    assert grant.valuations.count() == 2


def test_a_grant_whose_terms_changed_is_not_valued_until_valued_again(client_for):
    grant = known_grant()
    approved_defaults()
    client_for(ADMIN).post(reverse("grants:value", args=[grant.pk]))
    OptionGrant.objects.filter(pk=grant.pk).update(exercise_price=Decimal("42"))
    html = page(client_for(AUDITOR), grant.get_absolute_url())
    assert "Not valued: the grant&#x27;s terms changed after its last valuation" in html
    assert f"{TEXTBOOK_PER_OPTION} per option, {TEXTBOOK_AGGREGATE}" in html  # kept, listed


# --- the new-grant page -----------------------------------------------------------------------


def grant_form(**assumptions) -> dict:
    plan = StockPlanFactory()
    return {
        "plan": plan.pk,
        "optionee": "Thomas F. Mezger",
        "option_type": "NSO",
        "grant_date": "2006-03-01",
        "shares": "10000",
        "exercise_price": "42",
        "expiration_date": "2016-03-01",
        "installments-TOTAL_FORMS": "2",
        "installments-INITIAL_FORMS": "0",
        "installments-0-vest_date": "2007-03-01",
        "installments-0-shares": "5000",
        "installments-1-vest_date": "2008-03-01",
        "installments-1-shares": "5000",
        "action": "save",
        "submission_token": new_token(),
        **assumptions,
    }


@pytest.fixture
def mezger(db):
    from tests.factories import PersonFactory

    return PersonFactory(name="Thomas F. Mezger")


def test_a_new_grant_with_its_own_assumptions_is_valued_when_saved(client_for, mezger):
    StockPrice.objects.create(date=GRANT_DAY, price=Decimal("42"))
    data = grant_form(
        volatility="20%", risk_free_rate="0.10", dividend_yield="0", expected_term="0.5"
    )
    response = client_for(ADMIN).post(reverse("grants:create"), data, follow=True)
    html = response.content.decode()
    grant = OptionGrant.objects.get(optionee=mezger)
    assert grant.volatility == Decimal("0.2") and grant.risk_free_rate == Decimal("0.1")
    # S = K = 42, r = 0.10, s = 0.20, T = 0.5, q = 0:
    #   d1 = (0 + 0.12 x 0.5) / 0.141421 = 0.424264, d2 = 0.282843
    #   N(d1) = 0.664313, N(d2) = 0.611351
    #   C = 42 x 0.664313 - 42 x e^(-0.05) x 0.611351 = 27.901162 - 24.424484 = 3.476678
    #   -> 3.4767 per option; x 10,000 = $34,767.
    assert "Grant-date fair value: $3.4767 per option, $34,767.00 for 10,000 options." in html
    valuation = grant.valuations.get()
    assert valuation.valued_by.username == ADMIN
    assert valuation.source == "all entered for the grant"


def test_a_new_grant_that_cannot_be_valued_is_saved_and_says_why(client_for, mezger):
    response = client_for(ADMIN).post(reverse("grants:create"), grant_form(), follow=True)
    html = response.content.decode()
    assert OptionGrant.objects.filter(optionee=mezger).exists()
    assert (
        "Not valued: no volatility, risk-free rate, dividend yield, expected term for 2006." in html
    )
    assert not GrantValuation.objects.exists()


RATE_DIGITS = "such as 0.35 or 35%: at most 6 decimal places as a decimal, 4 as a percentage"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("volatility", "abc", "Enter a number."),
        ("volatility", "%", "Enter a number."),
        ("volatility", "0", "more than 0 and below 10"),
        ("volatility", "-0", "more than 0 and below 10"),
        ("volatility", "NaN", "Enter a number."),
        ("volatility", "sNaN%", "Enter a number."),
        ("volatility", "1e999", RATE_DIGITS),
        ("volatility", "1e999999999%", RATE_DIGITS),
        ("volatility", "35.1234567%", RATE_DIGITS),
        ("risk_free_rate", "150%", "between -1 and 1"),
        ("dividend_yield", "-0.01", "from 0 and below 1"),
        ("expected_term", "0", "more than 0 and at most 100"),
        ("expected_term", "1" * 31, "at most 30 characters"),
        ("expected_term", "Infinity", "Enter a number."),
    ],
)
def test_bad_assumptions_are_field_errors_and_save_nothing(
    client_for, mezger, field, value, message
):
    data = grant_form(**{"expected_term": "2", field: value})
    response = client_for(ADMIN).post(reverse("grants:create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert not OptionGrant.objects.exists()


def test_an_expected_term_and_the_simplified_method_together_are_refused(client_for, mezger):
    data = grant_form(expected_term="5", simplified_term="on")
    response = client_for(ADMIN).post(reverse("grants:create"), data)
    assert response.context["form"].errors["expected_term"] == [
        "Enter an expected term or choose the simplified method, not both."
    ]
    assert not OptionGrant.objects.exists()


def test_the_new_award_page_has_no_valuation_assumptions(client_for):
    html = page(client_for(ADMIN), reverse("grants:award-create"))
    assert "Valuation assumptions" not in html
    assert "Valuation assumptions" in page(client_for(ADMIN), reverse("grants:create"))


# --- manage.py fair_value --grant ---------------------------------------------------------------


def fair_value(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("fair_value", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_a_valued_grant_s_current_valuation():
    grant = known_grant()
    defaults = approved_defaults()
    value_grant(grant, by=UserFactory(username="valuer"))
    # A later change of the year's defaults does not change the printed valuation.
    defaults.return_to_proposed(by=UserFactory(), reason="restated")
    ValuationDefaults.objects.filter(pk=defaults.pk).update(volatility=Decimal("0.30"))
    out = fair_value("--grant", str(grant.pk))
    assert "Current valuation, made " in out and " by valuer." in out
    for line in (
        "S (closing price on 2006-03-01) = 42.0000",
        "K (exercise price) = 40.0000",
        "s (expected volatility) = 20.00% (fiscal 2006 defaults)",
        "r (risk-free rate) = 10.00% (fiscal 2006 defaults)",
        "q (dividend yield) = 0.00% (fiscal 2006 defaults)",
        "T (expected term) = 0.5 years (the grant's own)",
        "Value per option: 4.7594",  # the textbook case, worked at the top of this module
        "Aggregate value: $47,594.00 (10,000 options)",
    ):
        assert line in out.splitlines(), out
    assert "Source: volatility, risk-free rate, dividend yield from the fiscal 2006 defaults" in out


def test_the_command_prints_what_valuing_a_grant_now_would_use():
    grant = known_grant(volatility=Decimal("0.30"), risk_free_rate=Decimal("0.10"))
    approved_defaults()
    out = fair_value("--grant", str(grant.pk))
    assert "Not valued yet: valuing it now would use these inputs." in out
    assert "s (expected volatility) = 30.00% (the grant's own)" in out
    assert "q (dividend yield) = 0.00% (fiscal 2006 defaults)" in out
    # s = 0.30 instead of 0.20, worked at the top of this module: 5.7147, $57,147.00.
    assert "Value per option: 5.7147" in out
    assert "Aggregate value: $57,147.00 (10,000 options)" in out
    assert not grant.valuations.exists()


def test_the_command_says_why_a_grant_cannot_be_valued_and_fails():
    from django.core.management import CommandError

    grant = known_grant()
    with pytest.raises(
        CommandError,
        match=rf"Grant {grant.pk}: Not valued: no volatility, risk-free rate, dividend yield "
        "for 2006.",
    ):
        fair_value("--grant", str(grant.pk))


def test_the_demo_s_seed_grant_is_not_valued(demo_data, client_for):
    # The exhibits give no volatility or rate, and the demo invents no defaults.
    grant = OptionGrant.objects.get()
    html = page(client_for(COMMITTEE), grant.get_absolute_url())
    assert (
        "Not valued: no volatility, risk-free rate, dividend yield, expected term for 2005." in html
    )
    assert not ValuationDefaults.objects.exists() and not GrantValuation.objects.exists()
