"""Report every grant whose stored exercise deadline differs from the rules (DOMAIN.md
§3, last bullet); with --fix, store the deadline the rules give."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from grants.models import OptionGrant, RegistrationPeriod

CHANGE_REASON = "check_deadlines --fix"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class Command(BaseCommand):
    help = (
        "List the grants whose stored exercise deadline differs from the rules; exit 1 if "
        "any does. With --fix, store the deadlines the rules give (recorded in the history)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Repair the stored deadlines that differ."
        )

    def handle(self, *args, fix: bool, **options):
        periods = RegistrationPeriod.objects.periods()
        grants = OptionGrant.objects.select_related("optionee").order_by("pk")
        total, stale = 0, []
        for grant in grants.iterator(chunk_size=2000):
            total += 1
            correct = grant.deadline_explained(periods)
            if grant.deadline != correct.day:
                stale.append(grant.pk)
                self.stdout.write(
                    f"Grant {grant.pk} ({grant.optionee}): stored {grant.deadline:%Y-%m-%d}, "
                    f"rules {correct.day:%Y-%m-%d} ({correct.paragraph})"
                )
        if not stale:
            verb = "follows" if total == 1 else "follow"
            self.stdout.write(f"All {plural(total, 'stored deadline')} {verb} the rules.")
            return
        summary = (
            f"{len(stale):,} of {plural(total, 'stored deadline')} "
            f"{'differs' if len(stale) == 1 else 'differ'} from the rules."
        )
        if not fix:
            raise CommandError(f"{summary} Run with --fix to repair them.", returncode=1)
        self.stdout.write(summary)
        fixed = self.fix(stale)
        self.stdout.write(f"Fixed {plural(fixed, 'stored deadline')}.")

    @staticmethod
    def fix(pks: list[int]) -> int:
        """Store the deadlines the rules give, computed again from the grants read under a
        lock: one changed since the check is not given a deadline from its old terms."""
        fixed = 0
        for start in range(0, len(pks), 2000):
            with transaction.atomic():
                periods = RegistrationPeriod.objects.periods()
                grants = (
                    OptionGrant.objects.select_for_update(of=("self",))
                    .select_related("optionee")
                    .filter(pk__in=pks[start : start + 2000])
                )
                changed = []
                for grant in grants:
                    day = grant.deadline_explained(periods).day
                    if grant.deadline != day:
                        grant.deadline = day
                        changed.append(grant)
                bulk_update_with_history(
                    changed,
                    OptionGrant,
                    ["deadline"],
                    batch_size=500,
                    default_change_reason=CHANGE_REASON,
                )
                fixed += len(changed)
        return fixed
