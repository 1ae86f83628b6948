# Integration now belongs to the merchants app (merchants 0002); the table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0002_integration_from_sharing"),
        ("sharing", "0002_integration_merchantcustomer"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Integration")],
            database_operations=[],
        ),
    ]
