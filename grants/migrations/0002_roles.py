from django.db import migrations

from core.roles import sync_role_permissions


def grant_roles(apps, schema_editor):
    sync_role_permissions(apps, "grants")


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_initial"),
        ("compensation", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
