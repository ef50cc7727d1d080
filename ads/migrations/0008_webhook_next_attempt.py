from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0007_adevent_expired"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookdelivery",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(
                condition=models.Q(("status", "pending")), fields=["next_attempt_at"], name="webhook_pending_idx"
            ),
        ),
    ]
