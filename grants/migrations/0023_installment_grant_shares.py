import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The installments' index on their grant holds the shares too (PostgreSQL), so a
    grant's sums of shares up to or after a date read the index alone; built before the
    foreign key's own index on the grant, which it replaces, is dropped."""

    dependencies = [
        ("grants", "0022_award_awaiting_approval_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vestinginstallment",
            index=models.Index(
                fields=["grant", "vest_date"], include=("shares",), name="installment_grant_shares"
            ),
        ),
        migrations.AlterField(
            model_name="vestinginstallment",
            name="grant",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="installments",
                to="grants.optiongrant",
            ),
        ),
    ]
