from django.db import migrations

CATEGORIES = [
    ("boodschappen", "Boodschappen", "Groceries"),
    ("vervoer", "Vervoer", "Transport"),
    ("klusjes", "Klusjes", "Odd jobs"),
    ("tuin", "Tuin", "Garden"),
    ("gezelschap", "Gezelschap", "Company"),
    ("digitale-hulp", "Digitale hulp", "Digital help"),
    ("administratie", "Administratie", "Paperwork"),
    ("huisdieren", "Huisdieren", "Pets"),
    ("overig", "Overig", "Other"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("ads", "Category")
    for position, (slug, name_nl, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_nl": name_nl, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("ads", "0002_search_vector_trigger")]
    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
