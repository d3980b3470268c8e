from django.core.management.base import BaseCommand
from django.db import transaction

from compensation import demo
from compensation.models import Footnote, OfficerYear, Person
from grants import demo as grant_demo
from grants.models import (
    Issuer,
    OptionGrant,
    OptionType,
    RegistrationPeriod,
    StockPlan,
    StockPrice,
)


class Command(BaseCommand):
    help = (
        "Load the demo data from the seed exhibits. Idempotent: records that exist are left "
        "exactly as they are, so a second run changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        footnote, new = Footnote.objects.get_or_create(
            marker="1", defaults={"text": demo.EMPLOYMENT_AGREEMENT_FOOTNOTE}
        )
        created += new
        # Dated as Exhibit 10.26's approvals, never the day the demo is loaded.
        salary_approved_at, bonus_approved_at = demo.salary_approved_at(), demo.bonus_approved_at()
        for name, title, salary, bonus, has_footnote in demo.OFFICERS:
            person, new = Person.objects.get_or_create(name=name)
            created += new
            # The 2006 salaries are "effective for 2006": approved by the committee.
            salary_year, new = OfficerYear.objects.get_or_create(
                person=person,
                fiscal_year=demo.SALARY_YEAR,
                defaults={
                    "title": title,
                    "base_salary": salary,
                    "status": OfficerYear.Status.APPROVED,
                    "approved_at": salary_approved_at,
                    "approval_meeting": demo.SALARY_APPROVAL_MEETING,
                    **demo.principal_officer_flags(name, demo.SALARY_YEAR),
                },
            )
            if new and has_footnote:
                salary_year.footnotes.add(footnote)
            created += new
            # The exhibit reports 2004 bonuses; the 2004 salaries are not in it.
            _, new = OfficerYear.objects.get_or_create(
                person=person,
                fiscal_year=demo.BONUS_YEAR,
                defaults={
                    "title": title,
                    "bonus": bonus,
                    "status": OfficerYear.Status.APPROVED,
                    "approved_at": bonus_approved_at,
                    "approval_meeting": demo.BONUS_APPROVAL_MEETING,
                },
            )
            created += new
        created += self.load_grants()
        self.stdout.write(f"Demo data: {created} record(s) created.")

    def load_grants(self) -> int:
        """The issuer, the two plans of Exhibit 10.26 and the option of Exhibit 4.1."""
        created = 0
        if Issuer.recorded() is None:
            Issuer.objects.create(
                legal_name=grant_demo.ISSUER_LEGAL_NAME,
                country_of_formation=grant_demo.ISSUER_COUNTRY,
                state_of_formation=grant_demo.ISSUER_STATE,
                formation_date=grant_demo.ISSUER_FORMATION_DATE,
                formation_date_illustrative=True,
            )
            created += 1
        plan, new = StockPlan.objects.get_or_create(name=grant_demo.PLAN_2000)
        created += new
        created += StockPlan.objects.get_or_create(name=grant_demo.PLAN_1990)[1]
        _, new = StockPrice.objects.get_or_create(
            date=grant_demo.GRANT_DATE, defaults={"price": grant_demo.EXERCISE_PRICE}
        )
        created += new
        if not RegistrationPeriod.objects.exists():
            RegistrationPeriod.objects.create(
                start_date=grant_demo.GRANT_DATE, basis=grant_demo.REGISTRATION_BASIS
            )
            created += 1
        optionee = Person.objects.get(name=grant_demo.OPTIONEE)
        if not OptionGrant.objects.filter(
            optionee=optionee, grant_date=grant_demo.GRANT_DATE
        ).exists():
            grant = OptionGrant.create_with_installments(
                grant_demo.INSTALLMENTS,
                plan=plan,
                optionee=optionee,
                grant_date=grant_demo.GRANT_DATE,
                shares=grant_demo.SHARES,
                exercise_price=grant_demo.EXERCISE_PRICE,
                option_type=OptionType.NSO,
                expiration_date=grant_demo.EXPIRATION,
                minimum_exercise_shares=grant_demo.MINIMUM_EXERCISE,
                authorized_by=grant_demo.AUTHORIZED_BY,
                authorized_on=grant_demo.GRANT_DATE,
                notes=grant_demo.NOTES,
            )
            # Approved as of the grant date (grant_demo.APPROVAL_MEETING says why).
            grant.approved_at = grant_demo.approved_at()
            grant.approval_meeting = grant_demo.APPROVAL_MEETING
            grant._change_reason = f"Approved at {grant.approval_meeting}"
            grant.save(update_fields=["approved_at", "approval_meeting"])
            created += 1 + len(grant_demo.INSTALLMENTS)
        return created
