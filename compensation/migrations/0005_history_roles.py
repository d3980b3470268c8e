from django.db import migrations

from core.roles import sync_role_permissions


def grant_roles(apps, schema_editor):
    # Committee members and auditors read the change history; nobody writes it by hand.
    sync_role_permissions(apps, "compensation")


class Migration(migrations.Migration):
    dependencies = [("compensation", "0004_history")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
