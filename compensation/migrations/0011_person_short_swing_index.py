from django.db import migrations, models


class Migration(migrations.Migration):
    """An index of the people whose short-swing liability may outlast their service, for
    the exercise deadlines as known on a date."""

    dependencies = [
        ("compensation", "0010_person_name_trigram"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(
                    ("short_swing_liability_until__isnull", False), ("termination_reason", "other")
                ),
                fields=["terminated_on"],
                name="person_short_swing",
            ),
        ),
    ]
