# CurrentConsent now belongs to the consent app (consent 0004); the table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0004_currentconsent_from_marketing"),
        ("marketing", "0004_consent_event_retention"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CurrentConsent")],
            database_operations=[],
        ),
    ]
