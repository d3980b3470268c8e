"""Item 402(c): the Summary Compensation Table. Per named executive officer (reports/neo.py),
up to three fiscal years: every year of the three in which the person has a yearly record
or received an option grant or stock award (DOMAIN.md §5 and §6)."""

from collections.abc import Iterator
from decimal import Decimal

from core import fiscal
from core.templatetags.money import format_proposed

from . import forms
from .base import MONEY, NA, NOT_APPROVED, NOT_RECORDED, NOT_VALUED, PROPOSED_NOTE, Column, Report
from .figures import YearFigures, grant_notes
from .neo import NamedOfficer, NamedOfficers

YEARS = 3  # the fiscal year and the two before it (Item 402(c)(1))

NOT_KEPT = (
    "Not kept: Tranche does not keep non-equity incentive plan compensation (Item "
    "402(c)(2)(vii)) or the change in pension value and nonqualified deferred compensation "
    "earnings (Item 402(c)(2)(viii)); those columns are left out, and the totals do not "
    "include them."
)


class SummaryCompensation(Report):
    name = "summary-compensation"
    title = "Summary Compensation Table (Item 402(c))"
    description = (
        "The named executive officers' salary, bonus, stock and option awards, all other "
        "compensation and total for a fiscal year and the two before it."
    )
    form_class = forms.YearForm
    keeps_figures = True

    def named(self) -> NamedOfficers:
        if not hasattr(self, "_named"):
            self._named = NamedOfficers(self.params["year"], years=YEARS)
        return self._named

    def entries(self) -> list[tuple[NamedOfficer, list[YearFigures]]]:
        """Each named officer with the years shown, the latest first."""
        figures = self.named().figures
        latest = self.params["year"]
        return [
            (
                officer,
                [
                    figures[(officer.person_id, year)]
                    for year in range(latest, latest - YEARS, -1)
                    if (officer.person_id, year) in figures
                ],
            )
            for officer in self.named()
        ]

    def has_stock_awards(self) -> bool:
        """The stock awards column appears when a named officer received an award in the
        three years (Item 402(a)(5): a column with nothing to report may be left out)."""
        return any(f.stock_values for _, years in self.entries() for f in years)

    def markers(self) -> dict[str, str]:
        keys = (["stock_awards"] if self.has_stock_awards() else []) + ["option_awards", "total"]
        return {key: f"({n})" for n, key in enumerate(keys, 1)}

    def compute_columns(self) -> list[Column]:
        markers = self.markers()
        columns = [
            Column("name", "Name and principal position"),
            Column("year", "Year"),
            Column("salary", "Salary ($)", MONEY),
            Column("bonus", "Bonus ($)", MONEY),
        ]
        if "stock_awards" in markers:
            label = f"Stock awards ($) {markers['stock_awards']}"
            columns.append(Column("stock_awards", label, MONEY))
        columns += [
            Column("option_awards", f"Option awards ($) {markers['option_awards']}", MONEY),
            Column("other_compensation", "All other compensation ($)", MONEY),
            Column("total", f"Total ($) {markers['total']}", MONEY),
        ]
        return columns

    def compute_rows(self) -> Iterator[dict]:
        self._proposed = False
        stock = self.has_stock_awards()
        for officer, years in self.entries():
            for figures in years:
                row = self.cells(figures)
                row["name"] = f"{officer.name}, {officer.title}"
                if stock:
                    row["stock_awards"] = (
                        (NOT_VALUED if figures.stock_awards is None else figures.stock_awards)
                        if figures.stock_values
                        else None
                    )
                yield row

    def cells(self, figures: YearFigures) -> dict:
        record = figures.record
        salary: Decimal | str
        bonus: Decimal | str
        other: Decimal | str
        if record is None:
            # A year with awards and no yearly record: nothing of it is recorded.
            salary = bonus = other = NOT_RECORDED
        else:
            # A proposal is not compensation yet: marked as text, and never totalled. The
            # salary (with the record's other terms) and the bonus are approved apart.
            self._proposed = self._proposed or figures.is_proposed
            if not record.is_approved:
                salary = (
                    NOT_RECORDED
                    if record.base_salary is None
                    else format_proposed(record.base_salary)
                )
                other = format_proposed(record.other_compensation)
            else:
                salary = NOT_RECORDED if record.base_salary is None else record.base_salary
                other = NA if record.other_compensation is None else record.other_compensation
            if record.is_bonus_proposed:
                bonus = format_proposed(record.bonus)
            else:
                bonus = NA if record.bonus is None else record.bonus
        options: Decimal | str | None = None
        if figures.grants:
            options = NOT_VALUED if figures.option_awards is None else figures.option_awards
        return {
            "year": figures.year,
            "salary": salary,
            "bonus": bonus,
            "option_awards": options,
            "other_compensation": other,
            "total": figures.total(),
        }

    def compute_footnotes(self) -> list[str]:
        markers = self.markers()
        year = self.params["year"]
        notes = [
            f"Fiscal years end on {fiscal.describe()}: fiscal year {year} runs from "
            f"{fiscal.year_start(year):%Y-%m-%d} to {fiscal.year_end(year):%Y-%m-%d}.",
            self.named().footnote(),
        ]
        if "stock_awards" in markers:
            notes.append(
                f"{markers['stock_awards']} Stock awards: the grant-date fair value of the "
                "restricted stock awards and units granted in the fiscal year: shares x "
                "(closing price on the grant date - purchase price per share), each award "
                "rounded half up to whole dollars. Where no closing price is recorded on an "
                "award's grant date, the year's stock awards are \"not valued\" and the total "
                '"not recorded", never counted as $0, until the price is entered.'
            )
        notes.append(
            f"{markers['option_awards']} Option awards: the aggregate grant-date fair value "
            "(FASB ASC Topic 718) of the options granted in the fiscal year: the "
            "Black-Scholes-Merton value per option, from the closing price on the grant "
            "date, the exercise price, the expected volatility, the risk-free rate "
            "(continuously compounded), the dividend yield and the expected term, rounded "
            "half up to 4 decimals, x the options, rounded half up to whole dollars; a "
            "year adds the rounded values of its grants. Each grant's assumptions are listed "
            "below, in the valuation assumptions table and on the grant's page. An option "
            'not valued is never counted as $0: the year\'s option awards show "not valued" '
            'and its total "not recorded" until it is valued.'
        )
        notes += grant_notes(
            [
                (officer.name, entry)
                for officer, years in self.entries()
                for figures in sorted(years, key=lambda f: f.year)
                for entry in figures.grants
            ]
        )
        notes += [
            f"{markers['total']} Total: salary + bonus + stock awards + option awards + all "
            'other compensation. "n/a" (no bonus awarded or not eligible; no other '
            'compensation) counts as $0. A part "not recorded" (no salary recorded, or no '
            'yearly record for the year) or "not valued" makes the total "not recorded".',
            NOT_KEPT,
        ]
        if "stock_awards" not in markers:
            notes.append(
                "Stock awards: no restricted stock award or unit was granted to these officers "
                "in the years shown, so the column is left out (Item 402(a)(5))."
            )
        if self._proposed:  # the rows, computed first, found a proposal
            notes.append(f'{PROPOSED_NOTE} A row with a proposal has no total: "{NOT_APPROVED}".')
        return notes
