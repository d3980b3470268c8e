from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from compensation import demo
from compensation.models import Footnote, OfficerYear, Person


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
        approved_at = timezone.now()
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
                    "approved_at": approved_at,
                    "approval_meeting": demo.APPROVAL_MEETING,
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
                    "approved_at": approved_at,
                    "approval_meeting": demo.APPROVAL_MEETING,
                },
            )
            created += new
        created += self.load_grants()
        self.stdout.write(f"Demo data: {created} record(s) created.")

    def load_grants(self) -> int:
        """The plans and the seed grant come with the grants app."""
        return 0
