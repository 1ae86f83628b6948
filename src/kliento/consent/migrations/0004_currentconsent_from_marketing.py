# The current-consent read model is the consent app's own (issue 12: consent must not
# write into marketing). State only: the table stays "marketing_currentconsent".

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0003_append_only_on_postgresql"),
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CurrentConsent",
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
                        ("purpose", models.CharField(max_length=40)),
                        ("granted", models.BooleanField()),
                        ("action", models.CharField(max_length=10)),
                        ("notice_version", models.CharField(max_length=20)),
                        ("at", models.DateTimeField()),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="consent.consentevent",
                            ),
                        ),
                        (
                            "subject",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="register.subject",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "marketing_currentconsent",
                        "indexes": [
                            models.Index(
                                fields=["purpose", "granted", "subject"],
                                name="marketing_cc_audience",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("subject", "purpose"), name="marketing_one_current"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
