"""The region: municipalities become rows of their own, coordinators hold a scope (schema).

Today's free-text municipality of each neighbourhood becomes a Municipality (by name),
all of them in one region; existing coordinators coordinate that region, and existing
partners belong to it. Nothing is lost: every neighbourhood keeps its municipality's
name, every coordinator keeps seeing what they saw.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_audit_append_only_trigger"),
    ]

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("slug", models.SlugField(max_length=60, unique=True, verbose_name="slug")),
                ("require_two_factor", models.BooleanField(default=False, verbose_name="staff must use two-step login")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
            ],
            options={"verbose_name": "region", "verbose_name_plural": "regions", "ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Municipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("slug", models.SlugField(max_length=60, unique=True, verbose_name="slug")),
                (
                    "cbs_code",
                    models.CharField(
                        blank=True,
                        max_length=6,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^GM[0-9]{4}$", "Enter the CBS code: GM and four digits, for example GM0344."
                            )
                        ],
                        verbose_name="CBS code",
                    ),
                ),
                ("require_two_factor", models.BooleanField(default=False, verbose_name="staff must use two-step login")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                (
                    "region",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="municipalities",
                        to="accounts.region",
                        verbose_name="region",
                    ),
                ),
            ],
            options={
                "verbose_name": "municipality",
                "verbose_name_plural": "municipalities",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("cbs_code", ""), _negated=True),
                        fields=("cbs_code",),
                        name="municipality_cbs_code_unique",
                        violation_error_message="Another municipality has this CBS code.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CoordinatorRole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="since")),
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coordinator_roles",
                        to="accounts.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coordinator_roles",
                        to="accounts.region",
                        verbose_name="region",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coordinator_roles",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "coordinator role",
                "verbose_name_plural": "coordinator roles",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("municipality__isnull", True), ("region__isnull", False)),
                            models.Q(("municipality__isnull", False), ("region__isnull", True)),
                            _connector="OR",
                        ),
                        name="coordinator_role_one_scope",
                        violation_error_message="Choose a municipality or a region, not both.",
                    ),
                    models.UniqueConstraint(fields=("user", "municipality"), name="coordinator_role_municipality_unique"),
                    models.UniqueConstraint(fields=("user", "region"), name="coordinator_role_region_unique"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PostcodeMiss",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digits", models.CharField(max_length=4, verbose_name="digits")),
                ("letters", models.CharField(blank=True, max_length=2, verbose_name="letters")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
            ],
            options={
                "verbose_name": "postcode without a neighbourhood",
                "verbose_name_plural": "postcodes without a neighbourhood",
                "indexes": [models.Index(fields=["created_at"], name="postcode_miss_created_idx")],
            },
        ),
        migrations.RenameField(model_name="neighbourhood", old_name="municipality", new_name="municipality_name"),
        migrations.AddField(
            model_name="neighbourhood",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="neighbourhoods",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partners",
                to="accounts.region",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the organisation works in more than one municipality of the region.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="partners",
                to="accounts.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="partner",
            name="kind",
            field=models.CharField(
                choices=[
                    ("care", "Care provider"),
                    ("housing", "Housing corporation"),
                    ("social_team", "Municipal social team"),
                    ("welfare", "Welfare organisation"),
                    ("business", "Local business"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
