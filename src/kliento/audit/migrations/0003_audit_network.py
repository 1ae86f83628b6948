"""The IP address moves out of the hashed content into ``AuditNetwork``, deletable by the
retention run; new entries (content version 2) hash a commitment ``sha256(salt || ip)``.

Existing entries are not re-chained: they become content version 1, whose hash covers
the raw address, now in ``legacy_ip_address``. Renaming and adding columns updates no
row, so the append-only trigger stays in place and never has to be lifted. See
docs/decisions/0016-audit-ip-retention.md.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_on_postgresql")]

    operations = [
        migrations.RenameField(
            model_name="auditentry", old_name="ip_address", new_name="legacy_ip_address"
        ),
        migrations.AddField(
            model_name="auditentry",
            name="network_commitment",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        # existing rows are version 1 (raw IP hashed); new ones default to version 2
        migrations.AddField(
            model_name="auditentry",
            name="content_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="content_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.CreateModel(
            name="AuditNetwork",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="network",
                        serialize=False,
                        to="audit.auditentry",
                    ),
                ),
                ("ip_address", models.GenericIPAddressField()),
                ("salt", models.BinaryField(max_length=16)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["recorded_at"], name="audit_audit_recorde_72bc94_idx")
                ],
            },
        ),
    ]
