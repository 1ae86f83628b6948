# The merchant's integrations move beside its terminals (issue 12: merchants must not
# import sharing). State only: the table stays "sharing_integration".

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("merchants", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Integration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("name", models.CharField(max_length=80)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "merchant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="integrations",
                                to="merchants.merchant",
                            ),
                        ),
                        (
                            "token",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="integration",
                                to="accounts.apitoken",
                            ),
                        ),
                    ],
                    options={"db_table": "sharing_integration"},
                ),
            ],
            database_operations=[],
        ),
    ]
