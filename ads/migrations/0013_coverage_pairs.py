"""Coverage as pairs: what a partner covered before (every one of its neighbourhoods
times every one of its categories) becomes those pairs, so routing stays the same."""

from django.db import migrations


def forwards(apps, schema_editor):
    Partner = apps.get_model("accounts", "Partner")
    Coverage = apps.get_model("ads", "Coverage")
    rows = []
    for partner in Partner.objects.prefetch_related("neighbourhoods", "categories"):
        categories = list(partner.categories.all())
        rows += [
            Coverage(partner=partner, neighbourhood=neighbourhood, category=category)
            for neighbourhood in partner.neighbourhoods.all()
            for category in categories
        ]
    Coverage.objects.bulk_create(rows, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Coverage = apps.get_model("ads", "Coverage")
    for pair in Coverage.objects.select_related("partner", "category"):
        pair.partner.neighbourhoods.add(pair.neighbourhood_id)
        pair.category.partners.add(pair.partner_id)


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0012_region_coverage_rules"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
