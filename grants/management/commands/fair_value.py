"""Black-Scholes-Merton value of an option, for checking a figure by hand (DOMAIN.md §5)."""

import copy
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core import fiscal
from core.templatetags.money import format_money

from ...fair_value import Inputs, black_scholes
from ...models import (
    GrantValuation,
    OptionGrant,
    ValuationDefaults,
    current_valuation,
    plan_valuation,
)
from ...models.valuation import LABELS
from ...templatetags.valuation import format_rate, format_term

BY_HAND = ("price", "strike", "rate", "volatility", "term", "dividend")
# Options that stand in for the grant's own assumptions with --grant.
OVERRIDES = {
    "volatility": "volatility",
    "rate": "risk_free_rate",
    "dividend": "dividend_yield",
    "term": "expected_term",
}


def decimal_option(name: str, text: str | None) -> Decimal | None:
    if text is None:
        return None
    if len(text) > 30:
        raise CommandError(f"--{name} must be a number of at most 30 characters.")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise CommandError(f"--{name} must be a number, not {text!r}.") from None
    if not value.is_finite():
        raise CommandError(f"--{name} must be a finite number, not {text!r}.")
    return value


class Command(BaseCommand):
    help = (
        "Print the Black-Scholes-Merton value of one option to 4 decimals. Rates are "
        "decimals (0.10 is 10%). With --grant ID: the grant's inputs, value per option and "
        "aggregate value, from its current valuation, or else from what valuing it now "
        "would use (its own assumptions and its fiscal year's approved defaults); "
        "--volatility, --rate, --dividend and --term then stand in for the grant's own. "
        "Exits with an error, saying why, when the grant cannot be valued."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--price", help="S: closing price on the grant date.")
        parser.add_argument("--strike", help="K: exercise price.")
        parser.add_argument("--rate", help="r: risk-free rate, e.g. 0.045.")
        parser.add_argument("--volatility", help="s: expected volatility, e.g. 0.35.")
        parser.add_argument("--term", help="T: expected term in years.")
        parser.add_argument("--dividend", help="q: dividend yield (default 0).")
        parser.add_argument("--grant", help="A grant's number: its own inputs.")

    def handle(self, *args, **options) -> None:
        given = {name: decimal_option(name, options[name]) for name in BY_HAND}
        if options["grant"] is not None:
            self.show_grant(find_grant(options["grant"]), given)
            return
        if given["dividend"] is None:
            given["dividend"] = Decimal(0)
        missing = [f"--{name}" for name, value in given.items() if value is None]
        if missing:
            raise CommandError(f"Missing {', '.join(missing)}.")
        try:
            value = black_scholes(Inputs(**given))  # type: ignore[arg-type]
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Value per option: {value}")

    def show_grant(self, grant: OptionGrant, given: dict) -> None:
        if given["price"] is not None or given["strike"] is not None:
            raise CommandError(
                "--grant uses the grant's closing price and exercise price: leave out --price "
                "and --strike (or value by hand without --grant)."
            )
        overrides = {OVERRIDES[o]: v for o, v in given.items() if o in OVERRIDES and v is not None}
        valuation = None if overrides else current_valuation(grant)
        filled: set[str] = set()
        if valuation is not None:
            when = f"{timezone.localtime(valuation.valued_at):%Y-%m-%d %H:%M %Z}"
            heading = f"Current valuation, made {when}" + (
                f" by {valuation.valued_by}." if valuation.valued_by else "."
            )
        else:
            valuation, filled = planned_valuation(grant, overrides)
            heading = (
                "Not a recorded valuation: the grant with the inputs given here."
                if overrides
                else "Not valued yet: valuing it now would use these inputs."
            )
        inputs = valuation.inputs()
        year = valuation.defaults.fiscal_year if valuation.defaults else None
        grant_year = fiscal.year_of(grant.grant_date)

        def origin(field: str) -> str:
            if field in overrides:
                return "given here"
            if field in filled:
                return f"not given, and no approved defaults for fiscal {grant_year}"
            if LABELS[field] in valuation.from_defaults.split(","):
                return f"fiscal {year} defaults"
            if field == "expected_term" and valuation.simplified_term:
                return "the grant's installments"
            return "the grant's own"

        term = format_term(valuation.expected_term, valuation.simplified_term)
        self.stdout.write(
            f"Grant {grant.pk}: {grant.optionee}, {grant.shares:,} options granted "
            f"{grant.grant_date:%Y-%m-%d} (fiscal {fiscal.year_of(grant.grant_date)}), "
            f"expiring {grant.expiration_date:%Y-%m-%d}\n"
            f"{heading}\n"
            f"S (closing price on {valuation.grant_date:%Y-%m-%d}) = {inputs.price}\n"
            f"K (exercise price) = {inputs.strike}\n"
            f"s (expected volatility) = {format_rate(inputs.volatility)} "
            f"({origin('volatility')})\n"
            f"r (risk-free rate) = {format_rate(inputs.rate)} ({origin('risk_free_rate')})\n"
            f"q (dividend yield) = {format_rate(inputs.dividend)} ({origin('dividend_yield')})\n"
            f"T (expected term) = {term} ({origin('expected_term')})"
        )
        if not overrides:
            self.stdout.write(f"Source: {valuation.source}.")
        self.stdout.write(f"Value per option: {valuation.value_per_option}")
        self.stdout.write(
            f"Aggregate value: {format_money(valuation.fair_value)} ({valuation.shares:,} options)"
        )


def find_grant(number: str) -> OptionGrant:
    number = number.strip()
    if not (number.isascii() and number.isdigit() and len(number) < 19):
        raise CommandError("--grant must be a grant's number.")
    grant = OptionGrant.objects.select_related("optionee").filter(pk=int(number)).first()
    if grant is None:
        raise CommandError(f"There is no grant number {number}.")
    return grant


def planned_valuation(grant: OptionGrant, overrides: dict) -> tuple[GrantValuation, set[str]]:
    """What valuing the grant now would record (unsaved), with `overrides` standing in for
    the grant's own assumptions, and the inputs this command filled in; CommandError with
    the reason when it cannot be valued.

    With overrides and no approved defaults for the grant's fiscal year, a dividend yield
    not given is 0 and an expected term not given is the simplified method, as when
    valuing by hand."""
    planned = copy.copy(grant)
    for field, value in overrides.items():
        setattr(planned, field, value)
    if "expected_term" in overrides:
        planned.simplified_term = False
    filled = set()
    year = fiscal.year_of(grant.grant_date)
    if overrides and not ValuationDefaults.objects.approved().filter(fiscal_year=year).exists():
        if planned.dividend_yield is None:
            planned.dividend_yield = Decimal(0)
            filled.add("dividend_yield")
        if planned.expected_term is None and not planned.simplified_term:
            planned.simplified_term = True
            filled.add("expected_term")
    plan = plan_valuation(planned)
    if plan.fields is None:
        reason = plan.problem[:1].upper() + plan.problem[1:]
        raise CommandError(f"Grant {grant.pk}: {reason}.")
    valuation = GrantValuation(
        grant=grant,
        grant_date=grant.grant_date,
        shares=grant.shares,
        exercise_price=grant.exercise_price,
        expiration_date=grant.expiration_date,
        **plan.fields,
    )
    return valuation, filled
