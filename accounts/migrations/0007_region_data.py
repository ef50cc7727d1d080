"""The region: municipalities become rows of their own, coordinators hold a scope.

Today's free-text municipality of each neighbourhood becomes a Municipality (by name),
all of them in one region; existing coordinators coordinate that region, and existing
partners belong to it. Nothing is lost: every neighbourhood keeps its municipality's
name, every coordinator keeps seeing what they saw.
"""

from django.db import migrations
from django.utils.text import slugify

DEFAULT_REGION = ("Werkgebied", "werkgebied")
# CBS codes of municipalities SamSam knows by name; others are filled in by a coordinator.
KNOWN_CBS_CODES = {"utrecht": "GM0344", "de bilt": "GM0310", "zeist": "GM0355", "amsterdam": "GM0363"}


def _unique_slug(model, name: str) -> str:
    base = slugify(name)[:50] or "gemeente"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def forwards(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    Municipality = apps.get_model("accounts", "Municipality")
    Neighbourhood = apps.get_model("accounts", "Neighbourhood")
    Partner = apps.get_model("accounts", "Partner")
    User = apps.get_model("accounts", "User")
    CoordinatorRole = apps.get_model("accounts", "CoordinatorRole")
    needed = (
        Neighbourhood.objects.exists() or Partner.objects.exists() or User.objects.filter(is_coordinator=True).exists()
    )
    if not needed:
        return
    name, slug = DEFAULT_REGION
    region, _created = Region.objects.get_or_create(slug=slug, defaults={"name": name})
    municipalities = {}
    for neighbourhood in Neighbourhood.objects.order_by("pk"):
        label = (neighbourhood.municipality_name or "").strip() or "Onbekend"
        key = label.lower()
        if key not in municipalities:
            municipalities[key] = Municipality.objects.create(
                region=region, name=label, slug=_unique_slug(Municipality, label), cbs_code=KNOWN_CBS_CODES.get(key, "")
            )
        neighbourhood.municipality = municipalities[key]
        neighbourhood.save(update_fields=["municipality"])
    Partner.objects.update(region=region)
    for user_id in User.objects.filter(is_coordinator=True).values_list("pk", flat=True):
        CoordinatorRole.objects.get_or_create(user_id=user_id, region=region)


def backwards(apps, schema_editor):
    Neighbourhood = apps.get_model("accounts", "Neighbourhood")
    User = apps.get_model("accounts", "User")
    CoordinatorRole = apps.get_model("accounts", "CoordinatorRole")
    for neighbourhood in Neighbourhood.objects.select_related("municipality"):
        neighbourhood.municipality_name = neighbourhood.municipality.name
        neighbourhood.save(update_fields=["municipality_name"])
    User.objects.filter(pk__in=CoordinatorRole.objects.values("user_id")).update(is_coordinator=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_region"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
