from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0013_coverage_pairs"),
    ]

    operations = [
        migrations.RemoveField(model_name="category", name="partners"),
    ]
