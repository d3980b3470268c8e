"""The data version's table (core/data_version.py). Its triggers are installed after every
migrate, by core's post_migrate handler; migrating back before this removes them first,
as each would fail every write once the table is gone."""

from django.db import migrations, models


def remove_triggers(apps, schema_editor) -> None:
    from core.data_version import remove_triggers

    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_submission_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(migrations.RunPython.noop, remove_triggers),
    ]
