from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The name search (person_names) asks for UPPER(name) LIKE '%text%', ordered by name.
# PostgreSQL only: SQLite has no trigram index, and its tables are small.
CREATE = (
    "CREATE INDEX IF NOT EXISTS person_name_trigram ON compensation_person "
    "USING gin (UPPER(name::text) gin_trgm_ops)"
)


def create_index(apps, schema_editor):
    """The index serves a rare text from the trigrams; its statistics (hence ANALYZE now)
    let the planner see that a common text matches most names and read them in name
    order from the unique index, stopping at the first 20."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE compensation_person")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_name_trigram")


class Migration(migrations.Migration):
    dependencies = [("compensation", "0009_bonus_approval_and_returns")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
