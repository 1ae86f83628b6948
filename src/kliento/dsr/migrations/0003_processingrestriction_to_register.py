# The restriction now belongs to the register (register 0002). Its link to the request
# goes: the register sits below dsr, and the request records the restriction in its own
# events ("restriction_applied", "restriction_lifted").

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0002_consent_retention_purge"),
        ("register", "0002_processingrestriction_from_dsr"),
    ]

    operations = [
        migrations.RemoveField(model_name="processingrestriction", name="request"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ProcessingRestriction")],
            database_operations=[],
        ),
    ]
