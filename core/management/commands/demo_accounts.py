import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from core import roles

DEMO_ACCOUNTS = {
    "committee": roles.COMMITTEE,
    "compadmin": roles.ADMINS,
    "auditor": roles.AUDITORS,
}


class Command(BaseCommand):
    help = (
        "Create one demo account per role with a random password, printed once. Accounts "
        "that exist are left alone (reset a password with `manage.py changepassword`)."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        for username, role in DEMO_ACCOUNTS.items():
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"  {username:<10} ({role}): exists; its password was printed when it "
                    f"was created (python manage.py changepassword {username} sets a new one)"
                )
                continue
            password = secrets.token_urlsafe(12)
            # Admins enter records through the admin site too, so they are staff.
            user = User.objects.create_user(
                username=username, password=password, is_staff=role == roles.ADMINS
            )
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"  {username:<10} ({role}): password {password}")
