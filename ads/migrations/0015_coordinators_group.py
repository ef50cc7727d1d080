"""The Coordinators group: the Django admin permissions of the coordinator role.

The role services (accounts.services_roles) add a coordinator to this group and remove
them when their last role ends; what they see stays limited to their scope by the
admin itself. Existing coordinators join it here.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coordinators"
PERMISSIONS = {
    "accounts": {
        "region": ["view", "change"],
        "municipality": ["view", "add", "change"],
        "neighbourhood": ["view", "add", "change", "delete"],
        "postcode": ["view", "add", "change", "delete"],
        "partner": ["view", "add", "change", "delete"],
        "user": ["view", "add", "change"],
        "workerassignment": ["view", "add", "change", "delete"],
        "coordinatorrole": ["view", "add", "delete"],
        "auditentry": ["view"],
    },
    "ads": {
        "category": ["view", "add", "change"],
        "categoryoff": ["view", "add", "delete"],
        "coverage": ["view"],
        "ad": ["view"],
        "escalation": ["view"],
        "escalationstep": ["view"],
        "escalationrule": ["view", "add", "change", "delete"],
    },
}


def _codenames():
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                yield app_label, f"{action}_{model}"


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    CoordinatorRole = apps.get_model("accounts", "CoordinatorRole")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in _codenames():
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in CoordinatorRole.objects.select_related("user"):
        role.user.groups.add(group)
        if not role.user.is_staff:
            role.user.is_staff = True
            role.user.save(update_fields=["is_staff"])


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_remove_partner_neighbourhoods"),
        ("ads", "0014_category_partners_moved"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
