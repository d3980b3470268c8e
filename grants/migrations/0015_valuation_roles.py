from django.db import migrations

from core.roles import sync_role_permissions


def valuation_roles(apps, schema_editor):
    # Admins enter valuation defaults and value grants; the committee approves the
    # defaults; everyone reads; the committee and auditors read their history.
    sync_role_permissions(apps, "grants")


class Migration(migrations.Migration):
    dependencies = [("grants", "0014_fair_value")]

    operations = [migrations.RunPython(valuation_roles, migrations.RunPython.noop)]
