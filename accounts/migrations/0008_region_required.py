import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_region_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="neighbourhood", name="municipality_name"),
        migrations.AlterField(
            model_name="neighbourhood",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="neighbourhoods",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="partner",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partners",
                to="accounts.region",
                verbose_name="region",
            ),
        ),
        migrations.RemoveField(model_name="user", name="is_coordinator"),
    ]
