"""Reproducible data for a company with N option holders, inserted in bulk."""

import bisect
import math
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Min

from compensation.models import Footnote, OfficerYear, Person
from core.progress import progress, progress_steps
from grants import rules
from grants.models import (
    AwardInstallment,
    AwardType,
    Election83b,
    Exercise,
    Issuer,
    OptionGrant,
    PaymentMethod,
    RegistrationPeriod,
    StockAward,
    StockPlan,
    StockPrice,
    ValuationDefaults,
    VestingInstallment,
)
from grants.vesting import Allocation, VestingSchedule

PREFIX = "Scale optionee"
FIRST_DAY, LAST_DAY = date(2013, 1, 2), date(2022, 12, 30)
# A registration gap in mid-2018, so that post-termination windows stretch (5(b)(iii)).
PERIODS = [
    (date(2012, 1, 1), date(2018, 5, 31), "Form S-8 effective"),
    (date(2018, 8, 1), None, "Form S-8 refiled"),
]
BATCH = 5000
PLANS = ("Scale Equity Incentive Plan", "Scale Employee Option Plan")


def records_not_generated() -> list[str]:
    """What the database holds that this command did not generate (the demo's people and
    plan, a company's real records), counted: scale data written beside them would mix
    with them."""
    found = {
        ("person", "people"): Person.objects.exclude(name__startswith=PREFIX).count(),
        ("stock plan", "stock plans"): StockPlan.objects.exclude(name__in=PLANS).count(),
        ("registration period", "registration periods"): RegistrationPeriod.objects.exclude(
            start_date__in=[start for start, _, _ in PERIODS]
        ).count(),
    }
    return [f"{n:,} {one if n == 1 else many}" for (one, many), n in found.items() if n]


def refuse_foreign_records(force: bool) -> None:
    foreign = records_not_generated()
    if foreign and not force:
        raise CommandError(
            f"This database holds records that the scale data did not generate "
            f"({', '.join(foreign)}). Run it on a database of its own (for example "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/tranche_bench), or pass "
            f"--force to write beside them."
        )


class Command(BaseCommand):
    help = (
        "Generate N option holders with about 3 grants each (14 to 48 installments), "
        "exercises, terminations of every reason, registration periods with a gap, ten "
        "years of daily prices and 20 officers' yearly records over 10 years."
    )

    def add_arguments(self, parser):
        parser.add_argument("--optionees", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write even into a database that holds records this command did not make.",
        )

    def handle(self, *args, optionees: int, seed: int, force: bool = False, **options):
        if optionees < 1 or optionees > 200_000:
            raise CommandError("--optionees must be between 1 and 200,000.")
        refuse_foreign_records(force)
        if Person.objects.filter(name__startswith=PREFIX).exists():
            raise CommandError("Scale data is already loaded; use an empty database.")
        rng = random.Random(seed)
        with transaction.atomic():
            prices = self.prices(rng)
            periods = self.periods()
            plans = self.plans()
            people = self.people(rng, optionees)
            grants, installments = self.grants(rng, people, plans, prices, periods)
            exercises = self.exercises(rng, grants, installments, prices, periods)
            officers = self.officers(rng, people)
            # Awards draw from a generator of their own: a seed's grants, exercises and
            # officers stay those it gave before the awards were added.
            awards = self.awards(random.Random(f"{seed}-awards"), people, plans, prices)
            self.footnotes()
            self.valuation_defaults()
            self.reserves(plans)
            self.issuer()
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # Statistics and the visibility map as autovacuum leaves them soon after a
            # bulk load: without the map, index-only scans read the table too.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "postgresql":
            # In a transaction (a test): no VACUUM there, and the project's tables only. A
            # database-wide ANALYZE also locks the catalogs every database shares (the
            # roles) until the transaction ends, and the benchmark's scale database's
            # VACUUM, run meanwhile by a subprocess, waited for that lock forever.
            tables = connection.introspection.django_table_names(only_existing=True)
            with connection.cursor() as cursor:
                for table in sorted(tables):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        self.stdout.write(
            f"Generated {len(people):,} optionees, {len(grants):,} grants, "
            f"{sum(len(v) for v in installments.values()):,} installments, "
            f"{exercises:,} exercises, {awards[0]:,} restricted stock awards and units "
            f"({awards[1]:,} installments), {len(prices):,} prices and {officers} officer "
            f"records."
        )

    def insert(self, model, rows: list, desc: str) -> None:
        """bulk_create in batches of BATCH, counted as each batch is written."""
        with progress_steps(total=len(rows), desc=desc, stream=self.stdout) as advance:
            for start in range(0, len(rows), BATCH):
                model.objects.bulk_create(rows[start : start + BATCH])
                advance(len(rows[start : start + BATCH]))

    def prices(self, rng) -> dict[date, Decimal]:
        prices, price, day = {}, 10.0, FIRST_DAY
        while day <= LAST_DAY:
            if day.weekday() < 5:
                price = max(0.5, price * (1 + rng.gauss(0.0003, 0.02)))
                prices[day] = Decimal(f"{price:.2f}")
            day += timedelta(days=1)
        StockPrice.objects.bulk_create(
            (StockPrice(date=d, price=p) for d, p in prices.items()),
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        return prices

    def periods(self) -> list[rules.Period]:
        # bulk_create: saving one by one would refresh every deadline each time.
        RegistrationPeriod.objects.bulk_create(
            RegistrationPeriod(start_date=s, end_date=e, basis=b) for s, e, b in PERIODS
        )
        return RegistrationPeriod.objects.periods()

    def issuer(self) -> None:
        """The company's formation facts, which the Open Cap Format export needs."""
        if Issuer.recorded() is None:
            Issuer.objects.create(
                legal_name="Scale Company, Inc.",
                country_of_formation="US",
                state_of_formation="DE",
                formation_date=date(2010, 1, 4),
                formation_date_illustrative=True,
                common_shares_authorized=200_000_000,
            )

    def plans(self) -> list[StockPlan]:
        return [StockPlan.objects.get_or_create(name=name)[0] for name in PLANS]

    def reserves(self, plans: list[StockPlan]) -> None:
        """Each plan reserves a quarter more than its grants and awards ever use, in whole
        millions, so that the data keeps within its reserves and there is room for new
        grants."""
        for plan in plans:
            starts = [
                made.aggregate(first=Min("grant_date"))["first"]
                for made in (plan.grants, plan.awards)
            ]
            first = min((day for day in starts if day is not None), default=None)
            peak = plan.shares_in_use_peak(first).shares if first else 0
            plan.shares_reserved = max(1, math.ceil(peak * 1.25 / 1_000_000)) * 1_000_000
            plan.save(update_fields=["shares_reserved"])

    def people(self, rng, count: int) -> list[Person]:
        people = []
        for n in range(count):
            person = Person(name=f"{PREFIX} {n + 1:06d}")
            roll = rng.random()
            if roll < 0.12:  # a tenth or so have left, for every reason
                person.terminated_on = FIRST_DAY + timedelta(days=rng.randrange(3650))
                person.termination_reason = rng.choices(
                    ["other", "disability", "death"], weights=[8, 1, 1]
                )[0]
                if person.termination_reason == "other" and rng.random() < 0.2:
                    person.short_swing_liability_until = person.terminated_on + timedelta(
                        days=rng.randrange(1, 300)
                    )
            people.append(person)
        self.insert(Person, people, "people")
        return people

    def grants(self, rng, people, plans, prices, periods):
        price_days = sorted(prices)
        grants, schedules = [], []
        for person in progress(people, desc="grants made", unit="optionees", stream=self.stdout):
            for _ in range(rng.choice((1, 2, 3, 3, 4, 5))):
                grant_date = price_days[rng.randrange(len(price_days))]
                shares = rng.randrange(1_000, 200_000)
                count = rng.randrange(14, 49)
                schedule = VestingSchedule(
                    total_shares=shares,
                    start=grant_date,
                    cliff_months=12,
                    cliff_shares=shares // 4,
                    installments=count - 1,
                    interval_months=rng.choice((1, 3)) if count <= 36 else 1,
                    allocation=rng.choice(Allocation.values),
                ).rows()
                grant = OptionGrant(
                    plan=rng.choice(plans),
                    optionee=person,
                    grant_date=grant_date,
                    shares=shares,
                    exercise_price=prices[grant_date],
                    expiration_date=grant_date + timedelta(days=3650),
                    minimum_exercise_shares=1000,
                    post_termination_months=3,
                    disability_months=12,
                    death_months=18,
                    authorized_by="Generated",
                    authorized_on=grant_date,
                    # The committee approves at grant time, as a company does; the last
                    # quarter's grants are still waiting (the approvals queue).
                    approved_at=None
                    if grant_date > LAST_DAY - timedelta(days=90)
                    else datetime.combine(grant_date, time(17), tzinfo=UTC),
                )
                grant.deadline = grant.deadline_explained(periods).day
                grants.append(grant)
                schedules.append(schedule)
        self.insert(OptionGrant, grants, "grants")
        installments = {}
        rows: list[VestingInstallment] = []
        total = sum(len(schedule) for schedule in schedules)
        with progress_steps(total=total, desc="installments", stream=self.stdout) as advance:
            for grant, schedule in zip(grants, schedules, strict=True):
                installments[grant.pk] = schedule
                rows.extend(
                    VestingInstallment(grant=grant, vest_date=d, shares=s) for d, s in schedule
                )
                if len(rows) >= BATCH * 4:
                    VestingInstallment.objects.bulk_create(rows, batch_size=BATCH)
                    advance(len(rows))
                    rows = []
            VestingInstallment.objects.bulk_create(rows, batch_size=BATCH)
            advance(len(rows))
        return grants, installments

    def exercises(self, rng, grants, installments, prices, periods) -> int:
        rows = []
        for grant in progress(grants, desc="exercises made", unit="grants", stream=self.stdout):
            if rng.random() > 0.35:
                continue
            cutoff = grant.optionee.terminated_on or LAST_DAY
            exercised, sequence = 0, 0
            for day, _ in installments[grant.pk][:: rng.choice((3, 6, 12))]:
                on = day + timedelta(days=rng.randrange(1, 60))
                if on > min(cutoff, grant.deadline, LAST_DAY) or on not in prices:
                    continue
                if not rules.is_registered(on, periods):
                    continue
                vested = sum(s for d, s in installments[grant.pk] if d <= min(on, cutoff))
                available = vested - exercised
                if available < 1000:
                    continue
                shares = rng.randrange(1000, available + 1)
                exercised += shares
                sequence += 1
                fair_value = prices[on]
                rows.append(
                    Exercise(
                        grant=grant,
                        sequence=sequence,
                        exercise_date=on,
                        shares=shares,
                        payment_method=rng.choice(PaymentMethod.values),
                        aggregate_price=grant.exercise_price * shares,
                        fair_market_value=fair_value,
                        spread=(fair_value - grant.exercise_price) * shares,
                    )
                )
        self.insert(Exercise, rows, "exercises")
        return len(rows)

    def awards(self, rng, people, plans, prices) -> tuple[int, int]:
        """About one optionee in five also holds restricted stock (DOMAIN.md §4): an award
        (RSA) or units (RSU) granted while in service, vesting over three or four years
        after a one-year cliff. The schedules are VestingSchedule's, so the installments
        sum to the shares, on distinct dates after the grant date; only an RSA has an
        83(b) election, and a filed one is dated within 30 days of the grant."""
        price_days = sorted(prices)
        awards, schedules = [], []
        for person in progress(people, desc="awards made", unit="optionees", stream=self.stdout):
            if rng.random() >= 0.2:
                continue
            # Made while in service: the days up to the end of service, if it has ended.
            days = bisect.bisect_right(price_days, person.terminated_on or LAST_DAY)
            if not days:
                continue
            grant_date = price_days[rng.randrange(days)]
            shares, years = rng.randrange(500, 50_000), rng.choice((3, 4))
            quarterly = rng.random() < 0.5
            schedule = VestingSchedule(
                total_shares=shares,
                start=grant_date,
                cliff_months=12,
                cliff_shares=shares // years,
                installments=(years - 1) * (4 if quarterly else 1),
                interval_months=3 if quarterly else 12,
                allocation=rng.choice(Allocation.values),
            ).rows()
            award = StockAward(
                plan=rng.choice(plans),
                recipient=person,
                award_type=rng.choice(AwardType.values),
                grant_date=grant_date,
                shares=shares,
                purchase_price=Decimal(0) if rng.random() < 0.8 else Decimal("0.01"),
                withholding_rate=rng.choice((None, Decimal("0.22"), Decimal("0.37"))),
                authorized_by="Generated",
                authorized_on=grant_date,
                approved_at=None
                if grant_date > LAST_DAY - timedelta(days=90)
                else datetime.combine(grant_date, time(17), tzinfo=UTC),
            )
            if award.award_type == AwardType.RSA:
                award.election_83b = rng.choice(Election83b.values)
                if award.election_83b == Election83b.FILED:
                    award.election_83b_on = grant_date + timedelta(days=rng.randrange(31))
            awards.append(award)
            schedules.append(schedule)
        self.insert(StockAward, awards, "awards")
        rows = [
            AwardInstallment(award=award, vest_date=d, shares=s)
            for award, schedule in zip(awards, schedules, strict=True)
            for d, s in schedule
        ]
        self.insert(AwardInstallment, rows, "award installments")
        return len(awards), len(rows)

    def officers(self, rng, people) -> int:
        titles = [
            "Chief Executive Officer",
            "Chief Financial Officer",
            "General Counsel",
            "Chief Operating Officer",
            "Vice President, Sales",
        ]
        rows = []
        for n, person in enumerate(people[:20]):
            salary = Decimal(rng.randrange(150, 400) * 1000)
            for year in range(2013, 2023):
                salary = (salary * Decimal(1 + rng.random() * 0.06)).quantize(Decimal("1000"))
                rows.append(
                    OfficerYear(
                        person=person,
                        fiscal_year=year,
                        title=titles[n % len(titles)],
                        base_salary=salary,
                        bonus=None if rng.random() < 0.3 else Decimal(rng.randrange(0, 100) * 1000),
                        status=OfficerYear.Status.APPROVED,
                        approved_at=datetime(year, 2, 15, 17, 0, tzinfo=UTC),
                        approval_meeting=f"Compensation Committee, {year}-02-15",
                    )
                )
        for row in rows:
            row.sync_bonus_status(None)  # bulk_create skips save(): the bonus's own status
        OfficerYear.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def footnotes(self) -> None:
        """Two footnotes of the compensation exhibit, on the first officer's records."""
        notes = Footnote.objects.bulk_create(
            [
                Footnote(marker="S1", text="Refer to the officer's employment agreement."),
                Footnote(marker="S2", text="Paid in the following fiscal year."),
            ]
        )
        for record in OfficerYear.objects.filter(person__name=f"{PREFIX} 000001"):
            record.footnotes.add(*notes)

    def valuation_defaults(self) -> None:
        """Fair-value assumptions for every fiscal year of the data, approved but for the
        last year's, still proposed (and so open to editing)."""
        ValuationDefaults.objects.bulk_create(
            ValuationDefaults(
                fiscal_year=year,
                volatility=Decimal("0.45"),
                risk_free_rate=Decimal("0.02"),
                dividend_yield=Decimal(0),
                approved_at=None
                if year == LAST_DAY.year
                else datetime(year, 1, 15, 17, 0, tzinfo=UTC),
                approval_meeting="" if year == LAST_DAY.year else f"Committee, {year}-01-15",
            )
            for year in range(FIRST_DAY.year, LAST_DAY.year + 1)
        )
