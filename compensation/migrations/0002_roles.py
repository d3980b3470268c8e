from django.db import migrations

from core.roles import sync_role_permissions


def grant_roles(apps, schema_editor):
    sync_role_permissions(apps, "compensation")


class Migration(migrations.Migration):
    dependencies = [
        ("compensation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
