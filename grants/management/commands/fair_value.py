"""Black-Scholes-Merton value of an option, for checking a figure by hand (DOMAIN.md §5)."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...fair_value import Inputs, aggregate, black_scholes, simplified_term
from ...models import OptionGrant, StockPrice


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
        "decimals (0.10 is 10%). With --grant ID, the grant's closing price on its grant "
        "date, exercise price and expected term (the simplified method unless --term is "
        "given) are used, and its aggregate value is printed too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--price", help="S: closing price on the grant date.")
        parser.add_argument("--strike", help="K: exercise price.")
        parser.add_argument("--rate", help="r: risk-free rate, e.g. 0.045.")
        parser.add_argument("--volatility", help="s: expected volatility, e.g. 0.35.")
        parser.add_argument("--term", help="T: expected term in years.")
        parser.add_argument("--dividend", default="0", help="q: dividend yield (default 0).")
        parser.add_argument("--grant", help="A grant's number: its own S, K and T.")

    def handle(self, *args, **options) -> None:
        given = {
            name: decimal_option(name, options[name])
            for name in ("price", "strike", "rate", "volatility", "term", "dividend")
        }
        grant = None
        if options["grant"] is not None:
            number = options["grant"].strip()
            if not (number.isdigit() and len(number) < 19):
                raise CommandError("--grant must be a grant's number.")
            grant = OptionGrant.objects.filter(pk=int(number)).first()
            if grant is None:
                raise CommandError(f"There is no grant number {number}.")
            given = self.grant_inputs(grant, given)
        values = {name: value for name, value in given.items() if value is not None}
        missing = [f"--{name}" for name in given if name not in values]
        if missing:
            raise CommandError(f"Missing {', '.join(missing)}.")
        inputs = Inputs(**values)
        try:
            value = black_scholes(inputs)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if grant is not None:
            self.stdout.write(
                f"Grant {grant.pk}: {grant.optionee}, {grant.shares:,} options granted "
                f"{grant.grant_date:%Y-%m-%d}, expiring {grant.expiration_date:%Y-%m-%d}\n"
                f"S (closing price on {grant.grant_date:%Y-%m-%d}) = {inputs.price}\n"
                f"K (exercise price) = {inputs.strike}\n"
                f"T (expected term) = {inputs.term} years{self.term_source}\n"
                f"s = {inputs.volatility}, r = {inputs.rate}, q = {inputs.dividend}"
            )
        self.stdout.write(f"Value per option: {value}")
        if grant is not None:
            self.stdout.write(f"Aggregate value: ${aggregate(value, grant.shares):,}")

    def grant_inputs(self, grant: OptionGrant, given: dict) -> dict:
        closing = StockPrice.on(grant.grant_date)
        if closing is None and given["price"] is None:
            raise CommandError(
                f"Not valued: no closing price is recorded for the grant date "
                f"{grant.grant_date:%Y-%m-%d}."
            )
        self.term_source = " (given)"
        term = given["term"]
        if term is None:
            term = simplified_term(
                grant.grant_date, grant.expiration_date, grant.installment_rows()
            )
            self.term_source = " (simplified method: SAB 107)"
        return {
            **given,
            "price": given["price"] if given["price"] is not None else closing,
            "strike": given["strike"] if given["strike"] is not None else grant.exercise_price,
            "term": term,
        }
