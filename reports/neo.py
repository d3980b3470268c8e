"""The named executive officers of a fiscal year (DOMAIN.md §6; Regulation S-K Item
402(a)(3)), the people every Item 402 table of the year covers.

- Everyone whose yearly record for the year is marked principal executive officer (PEO)
  or principal financial officer (PFO), whatever the record's approval: having served is a
  fact of the year, not an amount awaiting approval.
- Then the three other executive officers with the highest Item 402(c) total for the year.
  The executive officers are the people with an approved yearly record for the year; before
  any record of the year is approved, those of the latest earlier year with approved
  records (so a draft table for a year not yet approved still lists the officers), and
  equal totals for the year rank by that earlier year's total.
- A total that is "not recorded" (or "not approved") ranks by the sum of the parts that are
  recorded, approved and valued: a salary of $200,000 beside an option not valued ranks as
  $200,000. The choice is never made on a guess of the missing part.
- Order: PEO first, PFO second, then by total, highest first; equal totals by name.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Subquery

from compensation.models import OfficerYear
from core import fiscal
from core.templatetags.money import format_money

from .figures import YearFigures, yearly_figures

PEO, PFO, OTHER = "PEO", "PFO", ""
OTHERS_NAMED = 3
ROLE_ORDER = {PEO: 0, PFO: 1, OTHER: 2}


@dataclass(frozen=True)
class NamedOfficer:
    person_id: int
    name: str
    title: str  # the person's title for the year (or the latest before it)
    role: str  # PEO, PFO or OTHER
    figures: YearFigures  # the year's Item 402(c) figures

    @property
    def total(self) -> Decimal | str:
        return self.figures.total()

    @property
    def ranking_total(self) -> Decimal:
        return self.figures.ranking_total()


class NamedOfficers:
    """The named executive officers of fiscal year `year`, in the tables' order, with the
    Item 402(c) figures of `years` fiscal years up to it (the Summary Compensation Table
    shows three; the other tables need the year's only)."""

    def __init__(self, year: int, years: int = 1):
        self.year = year
        records = list(OfficerYear.objects.filter(fiscal_year=year).select_related("person"))
        marked = {
            record.person_id: PEO if record.is_peo else PFO
            for record in records
            if record.is_peo or record.is_pfo
        }
        executives = {record.person_id for record in records if record.is_approved}
        self.roster_year: int | None = year if executives else None
        roster: list[OfficerYear] = []
        if not executives:
            approved = OfficerYear.objects.approved()
            latest = approved.filter(fiscal_year__lt=year).order_by("-fiscal_year")
            roster = list(
                approved.filter(
                    fiscal_year=Subquery(latest.values("fiscal_year")[:1])
                ).select_related("person")
            )
            executives = {record.person_id for record in roster}
            self.roster_year = roster[0].fiscal_year if roster else None
        candidates = executives | set(marked)
        # Each candidate's name and title for the year or, without a record for it (the
        # roster of an earlier year), the title of that year.
        titles = {r.person_id: (r.person.name, r.title) for r in roster + records}
        first = year - years + 1
        # The records of the years shown (the year's are read already), and of the roster's
        # year, whose totals break ties in a year not yet approved.
        known = [r for r in records + roster if r.person_id in candidates]
        if first < year:
            earlier = OfficerYear.objects.filter(
                person_id__in=candidates, fiscal_year__range=(first, year - 1)
            )
            if roster:
                earlier = earlier.exclude(fiscal_year=roster[0].fiscal_year)
            known += earlier
        if self.roster_year is not None:
            first = min(first, self.roster_year)
        self.figures = yearly_figures(candidates, first, year, known)
        everyone = [
            NamedOfficer(
                person_id=person_id,
                name=titles[person_id][0],
                title=titles[person_id][1],
                role=marked.get(person_id, OTHER),
                figures=self.figures.get((person_id, year)) or YearFigures(person_id, year),
            )
            for person_id in candidates
        ]
        everyone.sort(
            key=lambda o: (ROLE_ORDER[o.role], -o.ranking_total, -self.roster_rank(o), o.name)
        )
        principal = [o for o in everyone if o.role != OTHER]
        others = [o for o in everyone if o.role == OTHER]
        self.others_considered = len(others)
        self.officers: list[NamedOfficer] = principal + others[:OTHERS_NAMED]

    def roster_rank(self, officer: NamedOfficer) -> Decimal:
        """Before any record of the year is approved, equal totals for the year (often
        none recorded yet) rank by the total of the roster's year."""
        if self.roster_year == self.year or self.roster_year is None:
            return Decimal(0)
        figures = self.figures.get((officer.person_id, self.roster_year))
        return figures.ranking_total() if figures else Decimal(0)

    @property
    def ids(self) -> list[int]:
        return [officer.person_id for officer in self.officers]

    def __iter__(self):
        return iter(self.officers)

    def __len__(self) -> int:
        return len(self.officers)

    def short_footnote(self, which: str = "") -> str:
        """Who is named, for the tables after the Summary Compensation Table."""
        year = self.year
        names = _and([o.name + _role(o) for o in self.officers]) or "none"
        which = f"{which}; " if which else ""
        return (
            f"Named executive officers for fiscal year {year} ({which}fiscal years end on "
            f"{fiscal.describe()}), chosen as the Summary Compensation Table (Item 402(c)) "
            f"says: {names}."
        )

    def footnote(self) -> str:
        """Who is named and why, for the Summary Compensation Table."""
        year = self.year
        if not self.officers:
            return (
                f"Named executive officers for fiscal year {year}: none (no approved yearly "
                "record for the year or any earlier year, and no one marked principal "
                "executive or financial officer)."
            )
        parts = []
        for role, words in ((PEO, "principal executive"), (PFO, "principal financial")):
            names = [o.name for o in self.officers if o.role == role]
            if names:
                parts.append(f"{_and(names)} ({words} officer)")
        if not parts:
            parts.append(
                "no yearly record for the year is marked principal executive or financial officer"
            )
        others = [o for o in self.officers if o.role == OTHER]
        if others:
            listed = _and([f"{o.name} ({_amount(o)})" for o in others])
            many = len(others) > 1
            parts.append(
                f"{'the three' if len(others) == OTHERS_NAMED else 'the'} other executive "
                f"officer{'s' if many else ''} (of {self.others_considered}) with the highest "
                f"total compensation for the year: {listed}"
            )
        text = f"Named executive officers for fiscal year {year}: " + "; ".join(parts) + "."
        text += (
            " The principal executive and financial officers are those marked so on their "
            "yearly record for the year. The other executive officers, people with an "
            "approved yearly record for the year"
        )
        if self.roster_year != year:
            text += (
                f" (none is approved yet for fiscal year {year}: those of fiscal year "
                f"{self.roster_year}, the latest with approved records; equal totals for "
                f"{year} rank by the total for {self.roster_year})"
            )
        text += (
            ", rank by their Summary Compensation Table total for the year. A total that "
            'cannot be shown ("not recorded", or a proposal\'s) ranks by the sum of the parts '
            "that are recorded, approved and valued (a part not recorded or not valued "
            "counts for nothing in the ranking, and is never shown as $0); equal totals rank "
            "by name."
        )
        return text


def _role(officer: NamedOfficer) -> str:
    return {
        PEO: " (principal executive officer)",
        PFO: " (principal financial officer)",
        OTHER: "",
    }[officer.role]


def _amount(officer: NamedOfficer) -> str:
    total = officer.total
    ranked = format_money(officer.ranking_total)
    return ranked if isinstance(total, Decimal) else f"{total}; ranked at {ranked}"


def _and(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
