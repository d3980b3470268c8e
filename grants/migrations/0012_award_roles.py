from django.db import migrations

from core.roles import sync_role_permissions


def award_roles(apps, schema_editor):
    # The award models' permissions: admins add and change awards, installments and
    # vestings; the committee approves awards; everyone reads; the committee and auditors
    # read their history (core/roles.py).
    sync_role_permissions(apps, "grants")


class Migration(migrations.Migration):
    dependencies = [("grants", "0011_stock_awards")]

    operations = [migrations.RunPython(award_roles, migrations.RunPython.noop)]
