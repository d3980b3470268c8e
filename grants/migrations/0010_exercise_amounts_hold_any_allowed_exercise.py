# An exercise of the most shares a grant holds at the highest price a grant takes
# (2,147,483,647 x $99,999,999.9999) overflowed numeric(18, 4); numeric(22, 4) holds it.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0009_history_reason_text_dates_in_range"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exercise",
            name="aggregate_price",
            field=models.DecimalField(
                decimal_places=4, help_text="Shares x exercise price, due in full.", max_digits=22
            ),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="spread",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="(Fair market value - exercise price) x shares: the amount on which "
                "tax is withheld.",
                max_digits=22,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalexercise",
            name="aggregate_price",
            field=models.DecimalField(
                decimal_places=4, help_text="Shares x exercise price, due in full.", max_digits=22
            ),
        ),
        migrations.AlterField(
            model_name="historicalexercise",
            name="spread",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="(Fair market value - exercise price) x shares: the amount on which "
                "tax is withheld.",
                max_digits=22,
                null=True,
            ),
        ),
    ]
