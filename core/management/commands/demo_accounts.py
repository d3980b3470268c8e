import secrets
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from core import roles

DEMO_ACCOUNTS = {
    "committee": roles.COMMITTEE,
    "compadmin": roles.ADMINS,
    "auditor": roles.AUDITORS,
}


def manage_py(*args: str) -> str:
    """`manage.py <args>` as a person can type it in a shell at the project's root: with
    the Python running this command (the virtualenv's, not whatever `python` the shell
    finds first), and, in development, with DJANGO_DEBUG=1, which `make` exports but a
    shell does not (without it the settings are production's and demand a secret key)."""
    python = Path(sys.executable)
    if python.is_relative_to(settings.BASE_DIR):
        python = python.relative_to(settings.BASE_DIR)
    command = shlex.join([str(python), "manage.py", *args])
    return f"DJANGO_DEBUG=1 {command}" if settings.DEBUG else command


class Command(BaseCommand):
    help = (
        "Create one demo account per role with a random password, printed once. Accounts "
        "that exist are left alone (reset a password with `manage.py changepassword`)."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        for username, role in DEMO_ACCOUNTS.items():
            if User.objects.filter(username=username).exists():
                # The command last on its line, to be copied whole.
                self.stdout.write(
                    f"  {username:<10} ({role}): exists (its password was printed when it "
                    f"was created); a new one: {manage_py('changepassword', username)}"
                )
                continue
            password = secrets.token_urlsafe(12)
            # Admins enter records through the admin site too, so they are staff.
            user = User.objects.create_user(
                username=username, password=password, is_staff=role == roles.ADMINS
            )
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"  {username:<10} ({role}): password {password}")
