# The restriction of processing is a fact about the subject (issue 12): it moves from the
# dsr app to the register, below every app that must check it. State only: the table
# stays "dsr_processingrestriction"; dsr 0003 drops its link to the request.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProcessingRestriction",
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
                        ("reason", models.CharField(max_length=500)),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "subject",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="restrictions",
                                to="register.subject",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "dsr_processingrestriction",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("lifted_at__isnull", True)),
                                fields=("subject",),
                                name="dsr_one_active_restriction",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
